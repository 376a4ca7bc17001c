"""Small helpers for the API tests: a client per persona, and the error shape."""

import time

from django.db import connection
from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
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
