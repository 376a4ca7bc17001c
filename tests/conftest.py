from uuid import uuid4

import pytest

from tests.personas import world  # noqa: F401 - the shared personas fixture
from tests.security.table import pytest_runtest_logreport, pytest_terminal_summary  # noqa: F401 - the hostile-input table


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """A fast password hasher and a private media folder for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """A rolled-back test fires no signal: drop the cached calendar around every test."""
    from workstation.calendar import invalidate_calendar_cache

    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Celery tasks run in-process, so no test publishes to a broker (with REDIS_URL set the
    settings are not eager). The test of a real worker turns this off for itself."""
    from governance.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with Accept-Language leaves its
    language active in the thread, which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """The API's request counts start at zero in each test: the ``throttle`` cache is a private
    in-memory one per test (the throttles stay on). Login failures (django-axes) are rows in the
    test database, so they go with its rollback or flush: the suite signs in from 127.0.0.1
    thousands of times without tripping the lockout, which counts failures only."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"throttle-{uuid4().hex}"},
    }


# --- The app role (tests/database_roles.py) ---------------------------------------------------
@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The test database is created and migrated by the owner (point 1)."""
    from tests.database_roles import use_owner

    use_owner()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Then the tests connect as the app role; the owner flushes and drops (points 2–4)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    from tests.database_roles import flush_as_owner, use_app_role, use_owner

    original = DatabaseOperations.execute_sql_flush
    DatabaseOperations.execute_sql_flush = flush_as_owner(original)
    use_app_role()
    yield
    use_owner()
    DatabaseOperations.execute_sql_flush = original
