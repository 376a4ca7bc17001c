"""Login (issue 13): lockout per user and per address on every login path, failures recorded,
the API throttled per caller, Django's password validators on, idle sessions ending."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.api_helpers import assert_error, sign_in, token_client, token_for
from workstation.models import User

pytestmark = pytest.mark.django_db

RIGHT = "Right-Pass@2026"
LOGIN_PATHS = ["/accounts/login/", "/admin/login/?next=/admin/"]


@pytest.fixture
def root():
    return User.objects.create_superuser("root", "root@example.com", RIGHT)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", LOGIN_PATHS, ids=["site", "admin"])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, root, settings, path):
    for attempt in range(30):
        response = sign_in(client, "root", f"wrong-{attempt}", path=path)
        assert response.status_code in (200, 429)
        assert not signed_in(client)
    response = sign_in(client, "root", RIGHT, path=path)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "登录已暂停" in page and f"密码连续错误 {settings.AXES_FAILURE_LIMIT} 次" in page
    # Recorded: each failure, and the running count per username and address.
    assert AccessFailureLog.objects.filter(username="root").count() >= settings.AXES_FAILURE_LIMIT
    attempt = AccessAttempt.objects.get(username="root")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    assert attempt.ip_address == "127.0.0.1"


def test_a_few_mistakes_then_the_right_password_signs_in(client, root):
    for attempt in range(3):
        assert sign_in(client, "root", f"wrong-{attempt}").status_code == 200
    assert sign_in(client, "root", RIGHT).status_code == 302
    assert signed_in(client)


def test_a_locked_username_is_locked_from_every_address(client, root, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "root", "password": "x"}, REMOTE_ADDR=f"10.0.0.{attempt + 1}")
    response = client.post("/accounts/login/", {"username": "root", "password": RIGHT}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429


def test_an_address_guessing_many_usernames_is_locked_for_all_of_them(client, root, settings):
    User.objects.create_user("bystander", password=RIGHT)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": f"guess{attempt}", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    refused = client.post("/accounts/login/", {"username": "bystander", "password": RIGHT}, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    # The same person from another address is not punished for it.
    elsewhere = client.post("/accounts/login/", {"username": "bystander", "password": RIGHT}, REMOTE_ADDR="10.2.2.2")
    assert elsewhere.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, root, settings):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "root", f"wrong-{attempt}")
        assert sign_in(client, "root", RIGHT).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1))
        assert sign_in(client, "root", RIGHT).status_code == 302


def test_a_forwarded_address_is_ignored_unless_behind_the_proxy(client, root, settings):
    """X-Forwarded-For from a client reached directly cannot dodge the per-address lock."""
    assert not settings.BEHIND_PROXY
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": f"guess{attempt}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").count() == settings.AXES_FAILURE_LIMIT
    assert sign_in(client, "root", RIGHT).status_code == 429


def test_password_validators_are_on(settings):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    for weak in ["12345678", "password", "abc"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Zhen-Xing@2026-gzz")


# --- Idle sessions (governance/sessions.py) -----------------------------------------------------

START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


@pytest.fixture
def chief_client(client, world):
    """Signs in when first used, so that inside a time travel the session starts at START."""

    class SignedIn:
        signed_in = False

        def get(self, *args, **kwargs):
            if not self.signed_in:
                client.force_login(world.zhang)
                self.signed_in = True
            return client.get(*args, **kwargs)

    return SignedIn()


def test_an_idle_session_ends_after_two_hours(chief_client, settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    with time_machine.travel(START, tick=False) as traveller:
        assert chief_client.get("/").status_code == 200
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        response = chief_client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_person_at_work_stays_signed_in(chief_client):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):  # 6 hours in all, never 2 idle
            assert chief_client.get("/").status_code == 200
            traveller.shift(dt.timedelta(hours=1, minutes=30))
        assert chief_client.get("/").status_code == 200


def test_the_bells_polling_does_not_keep_a_session_alive(chief_client):
    with time_machine.travel(START, tick=False) as traveller:
        assert chief_client.get("/").status_code == 200
        for _ in range(5):  # a page left open polls every 30 s; every 25 min is enough to tell
            traveller.shift(dt.timedelta(minutes=25))
            chief_client.get("/notices/bell/", HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="bell-count")
        response = chief_client.get("/")
        assert response.status_code == 302


def test_the_idle_limit_is_configurable():
    from tests.test_settings import run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE)",
        DEBUG="true",
        SESSION_IDLE_MINUTES="30",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1800"


# --- API throttles (governance/throttles.py) ----------------------------------------------------


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_a_person_is_throttled_alone(world, settings):
    _rates(settings, account="5/min")
    chief, leader = token_client(token_for(world.zhang)), token_client(token_for(world.lingdao))
    for _ in range(5):
        assert chief.get("/api/me/").status_code == 200
    response = chief.get("/api/me/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert leader.get("/api/me/").status_code == 200  # counted per account


def test_intake_accounts_are_throttled_more_strictly(world, settings):
    from demo.tokens import ensure_intake_accounts
    from tests.test_api_intake import PAYLOADS

    _rates(settings, account="100/min", intake="2/min")
    keys = ensure_intake_accounts()
    police, hotline = token_client(keys["intake-110"]), token_client(keys["intake-12345"])
    for n in range(2):
        assert police.post("/api/intake/110/", {**PAYLOADS["110"], "jqbh": f"T-{n}"}, format="json").status_code == 201
    assert_error(police.post("/api/intake/110/", {**PAYLOADS["110"], "jqbh": "T-9"}, format="json"), 429, "throttled")
    assert hotline.post("/api/intake/12345/", PAYLOADS["12345"], format="json").status_code == 201
    # A person's own rate is the looser one: the chief is not held to the intake rate.
    chief = token_client(token_for(world.zhang))
    assert all(chief.get("/api/me/").status_code == 200 for _ in range(4))


def test_callers_without_credentials_are_throttled_per_address(settings):
    """Where anonymous calls are allowed at all (the schema on a DEBUG server); elsewhere they
    are refused (401) before any count, and a token is 256 random bits, not worth guessing."""
    from rest_framework.test import APIClient

    settings.DEBUG = True
    _rates(settings, anonymous="3/min")
    client = APIClient()
    for _ in range(3):
        assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/schema/").status_code == 429
    assert APIClient(REMOTE_ADDR="10.3.3.3").get("/api/schema/").status_code == 200


def test_the_schema_documents_429_on_every_operation(client, world):
    client.force_login(world.zhang)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)
