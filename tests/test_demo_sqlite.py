"""The zero-setup demo (README: SQLite, tasks in-process, no services) migrates, seeds and serves
every landing page to each kind of user. The rest of the suite runs on PostgreSQL in CI, so a
query SQLite cannot run (a LIMIT inside a UNION, which the inbox's counts once sent) would show
nowhere else."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VISIT = """
from django.test import Client
from workstation.models import Membership
seen = set()
for m in Membership.objects.select_related("user").order_by("role", "pk"):
    if m.role in seen:
        continue
    seen.add(m.role)
    client = Client()
    client.force_login(m.user)
    for url in ("/", "/inbox/", "/inbox/?tab=closed", "/board/", "/notices/", "/api/cases/?category=1&q=空调"):
        print(m.role, url, client.get(url, HTTP_HOST="127.0.0.1").status_code)
"""


def test_the_demo_runs_on_sqlite(tmp_path):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL"}
    }
    environment |= {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    for command in (["migrate", "--no-input"], ["seed_calendar"], ["seed_demo"]):
        output = manage(*command)
        assert "models.W0" not in output, output  # no system-check warning greets the demo
    answers = [line.split() for line in manage("shell", "-c", VISIT).splitlines() if line.count(" ") == 2]
    assert {role for role, _url, _code in answers} >= {"chief", "handler", "grid_worker", "leader"}
    refused = [(role, url, code) for role, url, code in answers if code not in ("200", "404")]
    assert not refused
    # a department's user has an inbox; only a grid worker may lack the board
    assert all(code == "200" for role, url, code in answers if url.startswith("/inbox/") and role == "handler")
