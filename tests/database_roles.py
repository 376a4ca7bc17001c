"""The suite runs as the app role when two roles are configured (governance/db_roles.py).

With MIGRATION_DATABASE_URL set (``.ci/run`` sets both URLs):

1. the test database is created and migrated by the owner (the app role may create neither a
   database nor a table), and ``migrate`` grants the app role its rights, as in production;
2. then every test connection — the tests', the live server's, the fuzzer's gunicorn — uses
   DATABASE_URL's app role: what the tests exercise is what production runs with;
3. the one thing the suite does that the app may not: the flush after each transactional test
   (TRUNCATE, refused to the app role) runs on a short connection of the owner's;
4. at the end the owner drops the test database.

Without MIGRATION_DATABASE_URL everything runs as DATABASE_URL's role, as before.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from django.conf import settings
from django.db import connections

from governance.db_roles import owner_configured, switch_role


def use_owner() -> None:
    if owner_configured():
        switch_role(settings.MIGRATION_DATABASE)


def use_app_role() -> None:
    if owner_configured():
        switch_role(settings.APP_DATABASE)


def flush_as_owner(original):
    """DatabaseOperations.execute_sql_flush, run on a connection of the owner's."""

    def execute_sql_flush(self, sql_list):
        if not owner_configured() or self.connection.settings_dict["USER"] != settings.APP_DATABASE["USER"]:
            return original(self, sql_list)
        owner = settings.MIGRATION_DATABASE
        with (
            psycopg2.connect(
                dbname=self.connection.settings_dict["NAME"],
                user=owner["USER"],
                password=owner["PASSWORD"] or None,
                host=owner["HOST"] or None,
                port=owner["PORT"] or None,
            ) as conn,
            conn.cursor() as cursor,
        ):
            for sql in sql_list:
                cursor.execute(sql)
        conn.close()
        return None

    return execute_sql_flush


def current_role() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def app_database_url() -> str:
    """DATABASE_URL with the test database's name (test_…, one per xdist worker): for a process of
    the test's own (a Celery worker, a server), which connects as the app, as production's do."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))
