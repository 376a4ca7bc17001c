"""The settings module refuses to start in production mode without a secret, runs the demo with
DEBUG=true alone, and stops loudly on a malformed environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from governance import private_servers

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The settings come from this call alone, not from the test run: DJANGO_ALLOW_ASYNC_UNSAFE is
    # set while a browser test's Playwright loop runs in this worker (tests/e2e/conftest.py).
    ours = {"DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


SHOW_SETTINGS = "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"


def test_no_environment_is_production_mode_and_needs_a_secret():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr

    result = run_manage("shell", "-c", SHOW_SETTINGS, SECRET_KEY="a-real-secret", ALLOWED_HOSTS="gov.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split()[0] == "False"


SHOW_SERVERS = (
    "from django.conf import settings as s; d = s.DATABASES['default']; "
    "print(d['USER'], d['HOST'], s.MIGRATION_DATABASE['USER'], s.REDIS_URL, s.CELERY_BROKER_URL)"
)


def test_runs_for_a_first_look_with_debug_alone():
    """Nothing configured: the checkout's own servers, their two roles, the broker on their socket."""
    result = run_manage("shell", "-c", SHOW_SETTINGS, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True django.db.backends.postgresql"

    result = run_manage("shell", "-c", SHOW_SERVERS, DEBUG="true")
    assert result.returncode == 0, result.stderr
    sockets = private_servers.run_dir()
    assert result.stdout.splitlines()[-1].split() == [
        "governance_app",
        str(sockets),
        "governance_owner",
        f"unix://{sockets}/redis.sock?db=0",
        f"redis+socket://{sockets}/redis.sock?virtual_host=0",
    ]


@pytest.mark.parametrize("url", ["sqlite:///db.sqlite3", "mysql://user@127.0.0.1/governance"])
def test_a_database_other_than_postgresql_is_refused(url):
    result = run_manage("check", DEBUG="true", DATABASE_URL=url)
    assert result.returncode != 0
    scheme = url.partition(":")[0]
    assert f"DATABASE_URL names a {scheme!r} database: the project runs on PostgreSQL only" in result.stderr


def test_a_set_database_url_runs_as_one_role_unless_the_owner_is_named_too():
    show = "from django.conf import settings as s; print(s.DATABASES['default']['HOST'], s.MIGRATION_DATABASE)"
    result = run_manage("shell", "-c", show, DEBUG="true", DATABASE_URL="postgres://someone@db.example:5432/gov")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["db.example", "None"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set"),
        ({"DEBUG": "true", "REDIS_URL": "localhost:6379"}, "REDIS_URL='localhost:6379' must start with redis://"),
        ({"DEBUG": "true", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL is malformed"),
        ({"DEBUG": "true", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT='twenty-five' is not an integer"),
    ],
    ids=["debug-not-bool", "no-secret-in-production", "redis-scheme", "database-scheme", "email-port"],
)
def test_malformed_environment_fails_loudly(env, message):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_deploy_check_is_clean_in_production_mode():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-real-secret-" + "x7Yq2-9pLm3vB0nKc8rT4wZ6sD1fG5hJ" * 2,
        ALLOWED_HOSTS="gov.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_static_files_collect_in_production_mode(tmp_path):
    """The image builds with ``collectstatic`` in production mode, whose manifest storage follows
    every file a CSS or JS file names (Leaflet's images, the vendored files' source maps): one
    missing would fail the build (it did, for the source maps)."""
    result = run_manage(
        "collectstatic",
        "--no-input",
        "-v0",
        DEBUG="false",
        SECRET_KEY="a-real-secret-" + "x7Yq2-9pLm3vB0nKc8rT4wZ6sD1fG5hJ" * 2,
        ALLOWED_HOSTS="gov.example",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest and "vendor/echarts/echarts.min.js" in manifest


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in [(code, str(name)) for code, name in settings.LANGUAGES]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
