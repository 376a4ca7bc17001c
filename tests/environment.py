"""What the suite needs from its environment: a pytest plugin (``-p tests.environment`` in
pyproject.toml, loaded before pytest-django reads the settings).

1. ``DEBUG=true`` for the settings module: its production defaults (HTTPS redirect, secure
   cookies, the hashed static manifest, a required SECRET_KEY) do not fit a test client on plain
   HTTP. The tests themselves still run with ``settings.DEBUG`` false, as pytest-django sets it.
2. The checkout's own PostgreSQL and Redis (governance/private_servers.py) when DATABASE_URL /
   REDIS_URL are not set: started (or joined, when ``make demo`` runs them) before the settings
   are read, stopped at the end by the last user. The xdist workers inherit the variables. The
   suite's Redis database is 1, the demo's 0.
3. Real services. A test that needs Redis, the two database roles or Chromium says so, with the
   marker ``@pytest.mark.needs("redis")`` or, in a fixture, ``require("chromium")``. With the
   private servers every need but Chromium is met; without the service (a REDIS_URL set to a
   server that is down, no /usr/bin/chromium) the test is skipped with the reason, but under
   ``CI=true`` an unmet need fails: CI must not pass by skipping what it was meant to test.
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _postgresql() -> str | None:
    return None  # the settings accept PostgreSQL alone


@functools.cache
def _redis() -> str | None:
    import redis

    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "needs Redis: REDIS_URL is not set"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"needs Redis: {url} does not answer ({exc})"
    return None


def _app_role() -> str | None:
    from django.conf import settings

    if reason := _postgresql():
        return reason
    if not getattr(settings, "MIGRATION_DATABASE", None):
        return "needs the two database roles: set MIGRATION_DATABASE_URL (owner) beside DATABASE_URL (app role)"
    return None


def _chromium() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"needs Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk"
    return None


# What a test may need → a check that answers None, or why the need is not met.
SERVICES = {"postgresql": _postgresql, "app_role": _app_role, "redis": _redis, "chromium": _chromium}


def require(*services: str) -> None:
    """Skip the running test unless every service answers; under CI fail it instead."""
    unmet = [reason for service in services if (reason := SERVICES[service]())]
    if not unmet:
        return
    reason = "; ".join(unmet)
    if in_ci():
        pytest.fail(f"CI=true: a test that {reason}", pytrace=False)
    pytest.skip(reason)


# The private servers this run started or joined (point 2), left in pytest_unconfigure.
_servers = contextlib.ExitStack()
TEST_REDIS_DB = 1


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # Before pytest-django imports the settings.
    os.environ["DEBUG"] = "true"  # point 1
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # the controller's variables came with the process
    from governance import private_servers

    postgres, redis = private_servers.wanted()
    if postgres or redis:
        _servers.enter_context(private_servers.serving(postgres=postgres, redis=redis))
        os.environ.update(private_servers.environment(postgres, redis, TEST_REDIS_DB))


def pytest_configure(config):
    config.addinivalue_line("markers", f"needs(*services): a real service the test needs, of {sorted(SERVICES)}")


def pytest_unconfigure(config):
    _servers.close()


def pytest_runtest_setup(item):
    for marker in item.iter_markers("needs"):
        require(*marker.args)


# How many browser tests were left out for want of Chromium; with xdist each worker tells the
# controller, which prints the line.
_left_out = {"browser": 0}


def pytest_collection_modifyitems(config, items):
    """The tests marked ``long`` go first: started last, one would run alone at the end while the
    other worker idles. Without Chromium, and not in CI, the browser tests are left out and said so
    once, at the end (point 3): one line with the command that installs it, not a skip per journey."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: the rest keep their order
    if in_ci() or _chromium() is None:
        return
    browser = [item for item in items if item.get_closest_marker("e2e")]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [item for item in items if not item.get_closest_marker("e2e")]
        _left_out["browser"] = len(browser)


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # an xdist worker
        session.config.workeroutput["browser_left_out"] = _left_out["browser"]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's controller hears from a worker (each collected the same tests)."""
    _left_out["browser"] = max(_left_out["browser"], getattr(node, "workeroutput", {}).get("browser_left_out", 0))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _left_out["browser"]:
        count = _left_out["browser"]
        terminalreporter.write_line(f"{count} browser tests not run: {_chromium()}", yellow=True)
    if in_ci() and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        terminalreporter.write_sep("!", "CI=true: no test ran, so nothing was tested; check the selection", red=True)
