"""History cannot be rewritten: the app role owns nothing, is no superuser, and PostgreSQL itself
refuses it UPDATE, DELETE, TRUNCATE and DISABLE TRIGGER on the event log (governance/db_roles.py).
The suite runs as that role (tests/database_roles.py); these tests check the role itself."""

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError

from cases.models import CaseEvent
from tests.database_roles import current_role
from tests.personas import walk_to

pytestmark = [pytest.mark.django_db, pytest.mark.needs("app_role")]


def _refused(sql: str, params=()) -> str:
    """Run ``sql`` in a savepoint; it must fail with insufficient privilege. Returns the message."""
    with pytest.raises((ProgrammingError, InternalError)) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value), refused.value
    return str(refused.value)


def test_the_suite_runs_as_the_app_role_which_owns_nothing_and_is_no_superuser():
    assert current_role() == settings.APP_DATABASE["USER"] != settings.MIGRATION_DATABASE["USER"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
        assert cursor.fetchone()[0] == settings.MIGRATION_DATABASE["USER"]


def test_the_app_role_may_not_update_delete_truncate_or_disable_the_trigger(world):
    walk_to(world, "accepted")
    event = CaseEvent.objects.first()
    assert event is not None  # the app wrote it: INSERT and SELECT are granted

    _refused("UPDATE cases_caseevent SET reason = 'rewritten' WHERE id = %s", [event.pk])
    _refused("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])
    _refused("TRUNCATE cases_caseevent")
    _refused("ALTER TABLE cases_caseevent DISABLE TRIGGER cases_caseevent_append_only")
    _refused("ALTER TABLE cases_caseevent DISABLE TRIGGER ALL")
    _refused("DROP TRIGGER cases_caseevent_append_only ON cases_caseevent")
    _refused("DROP TABLE cases_caseevent")
    # Nor any other table: no TRUNCATE, no DDL.
    _refused("TRUNCATE cases_case CASCADE")
    _refused("ALTER TABLE cases_case ADD COLUMN sneaky integer")
    _refused("CREATE TABLE sneaky (id integer)")

    assert CaseEvent.objects.filter(pk=event.pk).exists()
    event.refresh_from_db()
    assert event.reason != "rewritten"


def test_the_app_role_works_on_the_other_tables(world):
    case = walk_to(world, "reported")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET title = title WHERE id = %s", [case.pk])
        assert cursor.rowcount == 1
        cursor.execute(
            "SELECT has_table_privilege('cases_caseevent', 'INSERT'), has_table_privilege('cases_caseevent', 'UPDATE')"
        )
        assert cursor.fetchone() == (True, False)


def test_the_append_only_trigger_is_in_place_and_enabled():
    """Behind the missing privileges, the trigger still refuses any role that has them
    (test_constraints.py runs it as a single all-powerful role)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'cases_caseevent'::regclass "
            "AND tgname = 'cases_caseevent_append_only'"
        )
        assert cursor.fetchone() == ("O",)  # enabled, on origin
