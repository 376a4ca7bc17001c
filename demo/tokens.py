"""API tokens for the demo accounts, and the service accounts of the intake sources.

Demo keys are deterministic and readable, ``demo-zhanzhang-000000000000000000000000``, so the
README can list them and a newcomer can ``curl`` the demo at once. They are as public as the
demo password: only ``seed_demo`` makes them, which refuses a production server unless told it is
a demo one. Like every key they are stored as a digest (workstation/tokens.py), and a person's
expires after ``API_TOKEN_DAYS``: running ``seed_demo`` again gives it back.

In production, make the intake accounts and their random keys with
``manage.py rotate_intake_token`` and hand each key to its system's operator.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from cases.api.intake import SOURCES
from cases.services.intake_accounts import intake_account_ensure
from demo import data as demo_data
from workstation.models import User
from workstation.tokens import token_exists, token_issue

KEY_LENGTH = 40  # the length of the demo keys (any length works; random keys are 64)


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


def _ensure_demo_token(user: User) -> str:
    key = demo_key(user.username)
    if not token_exists(user=user, key=key):
        token_issue(user=user, key=key)
    return key


@transaction.atomic
def ensure_intake_accounts(*, demo_keys: bool = False) -> dict[str, str]:
    """A service account per intake source (``intake-110`` in group ``intake:110`` …) with a
    token. Returns {username: key} for the keys known now: the demo keys, or with random keys
    those issued by this call (an account that already has a token keeps it, and its key cannot
    be read back). Safe to run again."""
    keys = {}
    for source in SOURCES.values():
        user, _ = intake_account_ensure(source=source)
        if demo_keys:
            keys[user.username] = _ensure_demo_token(user)
        elif not user.auth_token_set.exists():
            keys[user.username] = token_issue(user=user)
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
            keys[username] = _ensure_demo_token(users[username])
    keys.update(ensure_intake_accounts(demo_keys=True))
    return keys
