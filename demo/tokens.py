"""API tokens for the demo accounts, and the service accounts of the intake sources.

Demo keys are deterministic and readable, ``demo-zhanzhang-000000000000000000000000``, so the
README can list them and a newcomer can ``curl`` the demo at once. They are as public as the
demo password: never run the demo seed on a server that holds real data. In production, make
the intake accounts with ``ensure_intake_accounts()`` (random keys) and hand each key to its
system's operator.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from cases.api.intake import SOURCES
from demo import data as demo_data
from workstation.models import User

KEY_LENGTH = 40  # rest_framework.authtoken's key column


def demo_key(username: str) -> str:
    """``demo-<username>-000…`` padded to 40 characters; a long name gets a hash tail instead."""
    key = f"demo-{username}-"
    if len(key) < KEY_LENGTH - 4:
        return key.ljust(KEY_LENGTH, "0")
    digest = hashlib.sha256(username.encode()).hexdigest()
    return (f"demo-{username[:20]}-" + digest)[:KEY_LENGTH]


def demo_usernames() -> list[str]:
    names = [u.username for u in demo_data.DEMO_USERS]
    names += [username for _code, _name, _short, username, _display in demo_data.LIAISON_DEPARTMENTS]
    return list(dict.fromkeys(names))


def _ensure_token(user: User, key: str | None) -> Token:
    """The user's token: an existing one is kept as it is (like seed_demo keeps passwords)."""
    token = Token.objects.filter(user=user).first()
    if token is None:
        token = Token.objects.create(user=user, key=key) if key else Token.objects.create(user=user)
    return token


@transaction.atomic
def ensure_intake_accounts(*, demo_keys: bool = False) -> dict[str, str]:
    """A service account per intake source (``intake-110`` in group ``intake:110`` …) with a
    token; random keys unless ``demo_keys``. Returns {username: key}. Safe to run again."""
    keys = {}
    for source in SOURCES.values():
        user, created = User.objects.get_or_create(
            username=source.username, defaults={"display_name": f"{source.label}推送接口"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        group, _ = Group.objects.get_or_create(name=source.group)
        user.groups.add(group)
        keys[user.username] = _ensure_token(user, demo_key(user.username) if demo_keys else None).key
    return keys


@transaction.atomic
def ensure_demo_tokens() -> dict[str, str]:
    """Tokens for every demo account that exists, and the intake service accounts, with demo keys.

    Returns {username: key}, in the order of ``demo.data``. Safe to run again.
    """
    keys = {}
    users = User.objects.in_bulk(demo_usernames(), field_name="username")
    for username in demo_usernames():
        if username in users:
            keys[username] = _ensure_token(users[username], demo_key(username)).key
    keys.update(ensure_intake_accounts(demo_keys=True))
    return keys
