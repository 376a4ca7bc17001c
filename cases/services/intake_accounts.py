"""The service accounts of the intake sources: one user per source (``intake-110`` …, in the
source's group ``intake:110`` …), with no password (it signs in nowhere) and an API token that
does not expire but is rotated (workstation/tokens.py, ``manage.py rotate_intake_token``)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from cases.api.intake import SOURCES, IntakeSource
from workstation.models import User
from workstation.tokens import token_rotate


def intake_account_ensure(*, source: IntakeSource) -> tuple[User, bool]:
    """The source's service account, made if missing (created=True). Safe to run again."""
    user, created = User.objects.get_or_create(
        username=source.username, defaults={"display_name": f"{source.label}推送接口"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    group, _ = Group.objects.get_or_create(name=source.group)
    user.groups.add(group)
    return user, created


@transaction.atomic
def intake_token_rotate(*, slug: str, grace=None) -> str:
    """A fresh key for the source's account (made if missing); old keys end now or after ``grace``."""
    user, _ = intake_account_ensure(source=SOURCES[slug])
    return token_rotate(user=user, **({"grace": grace} if grace else {}))
