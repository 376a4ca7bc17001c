"""Two database roles, so that the running app cannot rewrite history (issue 13).

- The **owner** (``MIGRATION_DATABASE_URL``) owns the schema: ``manage.py migrate`` connects as
  it (the ``migrate`` command of workstation/management swaps the credentials in), and after
  migrating grants the app role what it needs (:func:`grant_app_role`).
- The **app** role (``DATABASE_URL``: web, worker, beat, every other command) owns nothing and is
  no superuser. It may read and write the app's tables, but on the append-only tables
  (:data:`APPEND_ONLY_TABLES`, the case event log) only SELECT and INSERT. Not being the owner, it
  cannot ``ALTER TABLE … DISABLE TRIGGER`` (the trigger that refuses UPDATE/DELETE on the log),
  drop the trigger, or TRUNCATE anything.

The checkout's own server (governance/private_servers.py) has both roles. Beside a DATABASE_URL
set without MIGRATION_DATABASE_URL (a one-role database of your own) nothing changes: ``migrate``
runs as DATABASE_URL's role and grants nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

# Tables whose rows are history: the app may add and read, never change or remove.
APPEND_ONLY_TABLES = ("cases_caseevent",)

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def owner_settings(url: str, app: dict) -> dict:
    """The owner's connection settings from MIGRATION_DATABASE_URL: same server and database."""
    try:
        owner = dj_database_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"MIGRATION_DATABASE_URL is malformed: {exc}") from None
    if owner["ENGINE"] != "django.db.backends.postgresql" or app["ENGINE"] != owner["ENGINE"]:
        raise ImproperlyConfigured("MIGRATION_DATABASE_URL needs DATABASE_URL and itself on PostgreSQL")
    if owner["NAME"] != app["NAME"]:
        raise ImproperlyConfigured(
            f"MIGRATION_DATABASE_URL names database {owner['NAME']!r}, DATABASE_URL {app['NAME']!r}: use the same one"
        )
    if owner["USER"] == app["USER"]:
        raise ImproperlyConfigured("MIGRATION_DATABASE_URL and DATABASE_URL name the same role: use two")
    return {key: owner[key] for key in CREDENTIALS}


def owner_configured() -> bool:
    return bool(getattr(settings, "MIGRATION_DATABASE", None))


def switch_role(credentials: dict, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Reconnect ``using`` with other credentials (same database); returns the ones it had."""
    connection = connections[using]
    before = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update(credentials)
    return before


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block connected as the owner, if one is configured."""
    if not owner_configured():
        yield
        return
    before = switch_role(settings.MIGRATION_DATABASE, using)
    try:
        yield
    finally:
        switch_role(before, using)


def grant_app_role(*, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """As the owner: the app role's rights on everything in the schema now and made later.

    Returns the app role's name, or None when no separate owner is configured.
    """
    if not owner_configured():
        return None
    app_role = settings.APP_DATABASE["USER"]
    with as_owner(using), connections[using].cursor() as cursor:
        quote = connections[using].ops.quote_name
        app = quote(app_role)
        cursor.execute("SELECT current_user")
        owner = quote(cursor.fetchone()[0])
        statements = [
            f"GRANT USAGE ON SCHEMA public TO {app}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        ]
        for table in APPEND_ONLY_TABLES:
            statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(table)} FROM {app}")
        for statement in statements:
            cursor.execute(statement)
    return app_role
