"""Small helpers for the API tests: a client per persona, and the error shape."""

import time

from django.db import connection
from rest_framework.test import APIClient

from workstation.tokens import token_issue


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def token_for(user, **options) -> str:
    """A new API key for ``user`` (workstation/tokens.py: stored as a digest, shown once)."""
    return token_issue(user=user, **options)


def token_client(key: str) -> APIClient:
    """A client that sends ``Authorization: Token <key>``, as a script would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def post(user, url: str, data=None, **kwargs):
    return client_for(user).post(url, data or {}, **kwargs)


def get(user, url: str, params=None):
    return client_for(user).get(url, params or {})


def assert_error(response, status: int, code: str | None = None):
    assert response.status_code == status, (response.status_code, response.content.decode()[:500])
    body = response.json()
    assert set(body) == {"code", "message", "errors"}, body
    assert body["message"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def wait_for_lock_waiters(count: int, timeout: float = 10) -> bool:
    """True once ``count`` other sessions of this database wait on a lock (PostgreSQL)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh statistics snapshot each time
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return True
        time.sleep(0.02)
    return False


def sign_in(client, username: str, password: str, *, path: str = "/accounts/login/"):
    """Sign in through the login form, as a person does (and as django-axes counts): 302 on success."""
    return client.post(path, {"username": username, "password": password})
