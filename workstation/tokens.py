"""API tokens (issue 13), kept by django-rest-knox: the database holds a SHA-512 digest of each
key, never the key, so a copy of the database (a backup, a read-only account) lets nobody call
the API. A key is shown once, when it is made (admin's message, the rotation command's output).

Why knox rather than DRF's own tokens: DRF's ``authtoken`` stores the key in clear and has no
expiry; knox is maintained, hashes the key, compares in constant time, expires tokens per row and
reads the same ``Authorization: Token <key>`` header, so callers change nothing.

1. A person's token expires ``REST_KNOX["TOKEN_TTL"]`` after it is issued (``API_TOKEN_DAYS``).
2. A system account's (an intake source's service account, group ``intake:<source>``) does not
   expire; it is replaced by ``manage.py rotate_intake_token``, which may leave the old key valid
   for a grace period while the other system switches over.
3. Every token of a user is revoked when their password changes (not when Django merely re-hashes
   it on login) and when the account is deactivated.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from knox.crypto import create_token_string, hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings

from governance import clock
from workstation.models import User

SYSTEM_GROUP_PREFIX = "intake:"  # cases.api.intake.IntakeSource.group


def is_system_account(user: User) -> bool:
    return user.groups.filter(name__startswith=SYSTEM_GROUP_PREFIX).exists()


def token_lifetime(user: User) -> timedelta | None:
    return None if is_system_account(user) else knox_settings.TOKEN_TTL


def token_issue(*, user: User, key: str | None = None, expiry: timedelta | bool | None = True) -> str:
    """A new token for ``user``; returns its key, which is not stored and cannot be read again.

    ``expiry=True``: the rule above (a person's expires, a system account's does not); a
    timedelta or None overrides it. ``key``: a fixed key, for the demo accounts only (demo/tokens.py).
    """
    return token_create(user=user, key=key, expiry=expiry)[1]


def token_create(
    *, user: User, key: str | None = None, expiry: timedelta | bool | None = True
) -> tuple[AuthToken, str]:
    """``token_issue`` that also gives the stored row (the admin's add page shows it)."""
    lifetime = token_lifetime(user) if expiry is True else expiry
    key = key or knox_settings.TOKEN_PREFIX + create_token_string()
    token = AuthToken(
        digest=hash_token(key),
        token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
        user=user,
        expiry=clock.now() + lifetime if lifetime else None,
    )
    token.save(force_insert=True)
    return token, key


def token_exists(*, user: User, key: str) -> bool:
    """Whether ``key`` is a live token of ``user`` (for the demo seed, which must not duplicate one)."""
    return AuthToken.objects.filter(_live(), user=user, digest=hash_token(key)).exists()


def _live() -> Q:
    return Q(expiry__isnull=True) | Q(expiry__gt=clock.now())


def tokens_revoke(*, user: User) -> int:
    """Revoke every token of ``user``; returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def token_rotate(*, user: User, grace: timedelta = timedelta(0)) -> str:
    """A new key for a system account; its old keys stop working at once, or after ``grace``."""
    old = AuthToken.objects.filter(user=user)
    if grace:
        until = clock.now() + grace
        old.filter(_live()).exclude(expiry__lt=until).update(expiry=until)
    else:
        old.delete()
    return token_issue(user=user)


def _revoke_on_password_change_or_deactivation(sender, instance: User, created: bool, **kwargs) -> None:
    if created:
        return
    # AbstractBaseUser.set_password() keeps the new raw password in _password until the save
    # completes; a hash upgrade at login clears it first, so it is no change of password.
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        tokens_revoke(user=instance)


def connect_signals() -> None:
    post_save.connect(_revoke_on_password_change_or_deactivation, sender=User, dispatch_uid="tokens-revoke")
