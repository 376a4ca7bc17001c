"""API tokens (workstation/tokens.py): stored as digests, a person's expiring, a system account's
rotated, all revoked on a password change and on deactivation, shown once in admin."""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.management import call_command
from knox.models import AuthToken

from demo.tokens import ensure_intake_accounts
from tests.api_helpers import assert_error, token_client, token_for
from workstation.models import User

pytestmark = pytest.mark.django_db


def works(key: str) -> bool:
    response = token_client(key).get("/api/me/")
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def test_a_key_is_stored_only_as_its_digest(world):
    key = token_for(world.zhang)
    assert len(key) == 64
    row = AuthToken.objects.get(user=world.zhang)
    assert row.digest == hashlib.sha512(key.encode()).hexdigest()
    stored = " ".join(str(v) for v in AuthToken.objects.values_list("digest", "token_key", "user_id", "expiry").get())
    assert key not in stored
    assert works(key)


def test_a_persons_token_expires(world, settings):
    with time_machine.travel(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC), tick=False) as traveller:
        key = token_for(world.zhang)
        assert AuthToken.objects.get(user=world.zhang).expiry == dt.datetime(2026, 12, 31, 1, 0, tzinfo=dt.UTC)
        traveller.shift(settings.REST_KNOX["TOKEN_TTL"] - dt.timedelta(minutes=1))
        assert works(key)
        traveller.shift(dt.timedelta(minutes=2))
        assert_error(token_client(key).get("/api/me/"), 401, "authentication_failed")
        assert not AuthToken.objects.filter(user=world.zhang).exists()  # dropped on use


def test_a_system_accounts_token_does_not_expire_and_is_rotated():
    key = ensure_intake_accounts()["intake-110"]
    police = User.objects.get(username="intake-110")
    assert AuthToken.objects.get(user=police).expiry is None
    out = io.StringIO()
    call_command("rotate_intake_token", "110", stdout=out, stderr=io.StringIO())
    username, new_key = out.getvalue().split()
    assert username == "intake-110" and len(new_key) == 64
    assert not works(key)
    payload_client = token_client(new_key)
    assert payload_client.post("/api/intake/110/", {}, format="json").status_code == 400  # in: the payload is empty


def test_rotation_may_leave_the_old_key_working_for_a_grace_period():
    with time_machine.travel(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC), tick=False) as traveller:
        old = ensure_intake_accounts()["intake-12345"]
        out = io.StringIO()
        call_command("rotate_intake_token", "12345", "--grace-hours", "2", stdout=out, stderr=io.StringIO())
        new = out.getvalue().split()[1]
        hotline = User.objects.get(username="intake-12345")
        assert token_client(old).post("/api/intake/12345/", {}, format="json").status_code == 400
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        assert token_client(old).post("/api/intake/12345/", {}, format="json").status_code == 401
        assert token_client(new).post("/api/intake/12345/", {}, format="json").status_code == 400
        assert AuthToken.objects.filter(user=hotline).count() == 1


def test_the_rotation_command_makes_missing_accounts_and_refuses_unknown_sources():
    from django.core.management import CommandError

    out = io.StringIO()
    call_command("rotate_intake_token", stdout=out, stderr=io.StringIO())
    assert [line.split()[0] for line in out.getvalue().splitlines()] == [
        "intake-110",
        "intake-12345",
        "intake-four-platforms",
    ]
    with pytest.raises(CommandError, match="unknown source"):
        call_command("rotate_intake_token", "fax")


def test_a_password_change_revokes_every_token(world):
    keys = [token_for(world.zhang), token_for(world.zhang)]
    world.zhang.set_password("Another-Pass@2026")
    world.zhang.save()
    assert not any(works(key) for key in keys)
    assert works(token_for(world.lingdao))  # others keep theirs


def test_a_password_hash_upgrade_at_login_is_no_change(world, settings, client):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    key = token_for(world.zhang)  # the world's password was hashed with MD5
    assert client.post("/accounts/login/", {"username": "zhang", "password": "Demo@2026"}).status_code == 302
    world.zhang.refresh_from_db()
    assert world.zhang.password.startswith("pbkdf2_")  # upgraded on login
    assert works(key)


def test_deactivation_revokes_every_token_for_good(world):
    key = token_for(world.zhang)
    world.zhang.is_active = False
    world.zhang.save()
    assert not works(key)
    world.zhang.is_active = True
    world.zhang.save()
    assert not works(key)
    assert not AuthToken.objects.filter(user=world.zhang).exists()


def test_admin_shows_a_new_key_once_and_never_again(client, world):
    admin = User.objects.create_superuser("root", "root@example.com", "Right-Pass@2026")
    client.force_login(admin)
    response = client.post("/admin/knox/authtoken/add/", {"user": world.zhang.pk}, follow=True)
    assert response.status_code == 200
    token = AuthToken.objects.get(user=world.zhang)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) >= 1
    key = next(m for m in messages if "只显示这一次" in m).rsplit("：", 1)[1]
    assert works(key)
    assert token.expiry is not None  # a person's: it expires
    for url in ["/admin/knox/authtoken/", f"/admin/knox/authtoken/{token.pk}/change/"]:
        page = client.get(url).content.decode()
        assert key not in page and key[:15] not in page  # the digest is the row's id: no secret
