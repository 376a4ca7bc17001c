"""The counters that bound guessing and flooding cannot be sidestepped.

1. One client address for every counter (``governance.client.client_address``): the login
   lockout and the API's throttles. A server reached directly believes no X-Forwarded-For; behind
   the proxy, only the address the proxy appended.
2. A bad token is counted per address; beyond the rate every token from there is refused (429
   with Retry-After), so guessing is bounded like a password.
3. A wrong old password on the password-change form counts as a failed login (django-axes).
4. The report page's POST is held to the account's API rate.
5. An administrator lifts a lockout from the users' list.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from tests.api_helpers import assert_error, sign_in, token_client, token_for
from tests.test_report_page import report_data
from workstation.models import User

pytestmark = [pytest.mark.needs("postgresql"), pytest.mark.django_db]

RIGHT = "Right-Pass@2026"


def rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


# --- 1. One address --------------------------------------------------------------------------------


def test_a_forwarded_for_header_does_not_reset_the_anonymous_throttle(settings):
    settings.DEBUG = True  # the schema answers anonymous callers on a DEBUG server
    rates(settings, anonymous="3/min")
    client = APIClient()
    assert [client.get("/api/schema/").status_code for _ in range(4)] == [200, 200, 200, 429]
    forged = [client.get("/api/schema/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(20)]
    assert forged == [429] * 20


def test_behind_the_proxy_only_the_address_it_appended_counts(settings):
    """nginx appends the address it saw to what the client sent: the last one is the client."""
    settings.DEBUG, settings.BEHIND_PROXY = True, True
    rates(settings, anonymous="3/min")
    proxy = APIClient(REMOTE_ADDR="127.0.0.1")
    sent = [proxy.get("/api/schema/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7") for n in range(4)]
    assert [response.status_code for response in sent] == [200, 200, 200, 429]
    assert proxy.get("/api/schema/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200  # another client


def test_the_lockout_counts_by_the_same_address_behind_the_proxy(client, settings):
    settings.BEHIND_PROXY = True
    User.objects.create_user("root", password=RIGHT)
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    refused = client.post(
        "/accounts/login/", {"username": "root", "password": RIGHT}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert refused.status_code == 429


# --- 2. Bad tokens ---------------------------------------------------------------------------------


def test_bad_tokens_are_counted_per_address_and_then_every_token_is_refused(world, settings):
    rates(settings, bad_token="5/min")
    key = token_for(world.zhang)
    for n in range(5):
        assert_error(token_client(f"guess-{n:036d}").get("/api/me/"), 401, "authentication_failed")
    guessing = token_client("guess-" + "9" * 36).get("/api/me/")
    assert_error(guessing, 429, "throttled")
    assert int(guessing["Retry-After"]) > 0
    # From there even a real key waits (else a right guess would show), and a forged header does not help.
    assert token_client(key).get("/api/me/").status_code == 429
    forged = APIClient(HTTP_X_FORWARDED_FOR="198.51.100.1")
    forged.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert forged.get("/api/me/").status_code == 429
    # Another address is not punished for it.
    elsewhere = APIClient(REMOTE_ADDR="10.4.4.4")
    elsewhere.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert elsewhere.get("/api/me/").status_code == 200


def test_a_token_that_is_no_utf8_is_a_counted_401(world, settings):
    rates(settings, bad_token="1/min")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token \xff\xfe" + "0" * 38)  # latin-1 on the wire
    assert_error(client.get("/api/me/"), 401, "authentication_failed")
    assert client.get("/api/me/").status_code == 429


# --- 3. The password-change form -------------------------------------------------------------------


def test_wrong_old_passwords_count_like_failed_logins(settings):
    user = User.objects.create_user("root", password=RIGHT)
    client = Client()
    client.force_login(user)
    change = {"new_password1": "Zhen-Xing@2026-gzz", "new_password2": "Zhen-Xing@2026-gzz"}
    answers = [
        client.post("/accounts/password_change/", {"old_password": f"wrong-{n}", **change}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then the lock
    assert AccessAttempt.objects.get(username="root").failures_since_start == settings.AXES_FAILURE_LIMIT
    locked = client.post("/accounts/password_change/", {"old_password": RIGHT, **change})
    assert locked.status_code == 429 and "登录已暂停" in locked.content.decode()
    user.refresh_from_db()
    assert user.check_password(RIGHT)  # unchanged
    assert sign_in(Client(), "root", RIGHT).status_code == 429  # and the login is locked too


def test_the_right_old_password_changes_it(settings):
    user = User.objects.create_user("root", password=RIGHT)
    client = Client()
    client.force_login(user)
    new = "Zhen-Xing@2026-gzz"
    response = client.post(
        "/accounts/password_change/", {"old_password": RIGHT, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


# --- 4. The report page ----------------------------------------------------------------------------


def test_the_report_page_is_held_to_the_account_rate(world, settings):
    rates(settings, account="3/min")
    client = Client()
    client.force_login(world.wang)
    answers = [client.post("/report/", report_data(world)).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]  # three reports filed, the fourth refused
    refused = client.post("/report/", report_data(world))
    assert int(refused["Retry-After"]) > 0
    assert "css/site.css" in refused.content.decode()  # a page of the site, not a bare error
    assert client.get("/report/").status_code == 200  # reading the form is not counted


# --- 5. Lifting a lockout --------------------------------------------------------------------------


def test_an_administrator_lifts_a_lockout_from_the_users_list(settings):
    root = User.objects.create_superuser("root", password=RIGHT)
    victim = User.objects.create_user("victim", password=RIGHT)
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=f"10.5.5.{n}"), "victim", f"wrong-{n}")
    assert sign_in(Client(REMOTE_ADDR="10.6.6.6"), "victim", RIGHT).status_code == 429

    admin = Client()
    admin.force_login(root)
    response = admin.post(
        "/admin/workstation/user/", {"action": "unlock_logins", "_selected_action": [victim.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="victim").exists()
    assert sign_in(Client(REMOTE_ADDR="10.6.6.6"), "victim", RIGHT).status_code == 302
