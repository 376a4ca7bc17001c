import pytest

from tests.personas import world  # noqa: F401 - the shared personas fixture


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
