"""Schemathesis over the LIVE schema: a real server (gunicorn, as in production) on the test
database, fuzzed through every operation of /api/schema/ as the station chief. No answer may be
a server error or break the schema. Bounded to a few examples per operation (the coverage phase
still sends some 4,000 requests), so it stays within about a minute and a half."""

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cases.services import handling, mediation, supervision
from tests.personas import build_world, report_ac_dispute, walk_to

ROOT = Path(__file__).resolve().parent.parent
SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed"),
    pytest.mark.needs("postgresql"),  # the server needs the test database on PostgreSQL
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url}")


def seed():
    """A station with cases in every working state, for the fuzzer to find real ids."""
    w = build_world()
    for state in ["reported", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected"]:
        walk_to(w, state)
    case = walk_to(w, "in_progress")
    supervision.case_supervise(case.pk, actor=w.zhang, message="请加快办理")
    handling.hold_request(case.pk, actor=w.tiaojie, reason="等待鉴定")
    mediation.mediation_schedule(
        case.pk, actor=w.zhang, scheduled_at=timezone.now() + dt.timedelta(days=1), place="工作站调解室"
    )
    report_ac_dispute(w, latitude=30.27, longitude=120.15)
    return Token.objects.create(user=w.zhang).key


def test_schemathesis_finds_no_server_error(tmp_path):
    key = seed()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "true",  # the insecure demo key is fine here; nothing leaves the loopback
        "REDIS_URL": "",  # tasks in-process: the fuzzer's notices need no broker
        "CELERY_BROKER_URL": "memory://",
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "server.log").open("w")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(  # noqa: S603 - our own app
        [gunicorn, "governance.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz", server)
        command = [
            SCHEMATHESIS,
            "run",
            f"{base}/api/schema/",
            "--header",
            f"Authorization: Token {key}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "5",
            "--seed",
            "2026",
            # One worker: on two cores it is as fast, and Python 3.11.7 can raise a spurious
            # SystemError when schemathesis' threads parse source code at the same moment.
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--no-color",
        ]
        run = subprocess.run(  # noqa: S603 - the schemathesis CLI
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    server_log = (tmp_path / "server.log").read_text()
    summary = run.stdout[-6000:]
    assert run.returncode == 0, f"{summary}\n--- stderr ---\n{run.stderr[-3000:]}\n--- server ---\n{server_log[-4000:]}"
    assert "Internal Server Error" not in server_log, server_log[-4000:]
    print(summary[-1500:])  # the result line, for the CI log
