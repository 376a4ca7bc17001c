"""Settings for a benchmark process: production mode (DEBUG off: no query log, no debug
toolbar costs), its own PostgreSQL database, tasks in-process. Import before Django."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gov_perf_bench")


def configure() -> None:
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The cache on Redis, as in production (the shared stores of governance/shared_cache.py keep
    # nothing in a process's own memory); tasks still in-process, so that a benchmark measures
    # the request and the task it queues in one place.
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    # One account files from 16 connections: the per-account rate limit (600/min) would answer
    # most of them 429. A benchmark measures the work, not the limit.
    os.environ.setdefault("API_RATE_ACCOUNT", "1000000/min")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")


def setup() -> None:
    configure()
    import django

    django.setup()


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        pg = "?"
    return f"{platform.node()} · {os.cpu_count()} CPU ({cpu}) · Python {platform.python_version()} · {pg}"


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


class Queries:
    """The SQL a block sends (``connection.execute_wrapper``): works with DEBUG off and across the
    test client's request signals, which reset Django's own query log."""

    def __init__(self, using: str = "default"):
        self.using = using
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connections

        self._cm = connections[self.using].execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)

    def __len__(self) -> int:
        return len(self.sql)
