"""Schemathesis over the LIVE schema: a real server (gunicorn, as in production) on the test
database, fuzzed through every operation of /api/schema/ as the station chief, and the intake
operations as their service accounts. No answer may be a server error or break the schema.

Generated data reaches the services, not only the validation in front of them: the schema
states what the services refuse (required text, lengths, choices), and a config file gives the
fuzzer the seeded ids and times in range (as dictionaries it mixes with its own values), since
no schema can say which ids exist. Some 6,500 generated cases, in about three minutes on two cores."""

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import (
    Assignment,
    Case,
    Category,
    Extension,
    Hold,
    MediationSession,
    ReturnRequest,
    Summons,
    Supervision,
)
from cases.services import dispatching, handling, mediation, supervision
from demo.tokens import ensure_intake_accounts
from tests.api_helpers import token_for
from tests.database_roles import app_database_url
from tests.personas import build_world, report_ac_dispute, walk_to

ROOT = Path(__file__).resolve().parent.parent
SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed"),
    pytest.mark.long,
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    """A station with cases in every working state and requests awaiting the chief, for the
    fuzzer to find real ids."""
    w = build_world()
    for state in ["reported", "reported", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected"]:
        walk_to(w, state)
    case = walk_to(w, "in_progress")
    supervision.case_supervise(case.pk, actor=w.zhang, message="请加快办理")
    handling.hold_request(case.pk, actor=w.tiaojie, reason="等待鉴定")
    mediation.mediation_schedule(
        case.pk, actor=w.zhang, scheduled_at=timezone.now() + dt.timedelta(days=1), place="工作站调解室"
    )
    handling.return_request(walk_to(w, "in_progress").pk, actor=w.tiaojie, reason="不属于调解范围")
    case = walk_to(w, "in_progress")
    handling.extension_request(
        case.pk, actor=w.tiaojie, requested_due_at=case.handle_due_at + dt.timedelta(days=5), reason="等待鉴定结论"
    )
    co_ids = (w.dept.enforcement.pk, w.dept.police.pk, w.dept.emergency.pk)  # summons its liaison officer
    dispatching.case_dispatch(walk_to(w, "accepted").pk, actor=w.zhang, co_ids=co_ids, reason="需应急管理参与")
    report_ac_dispute(w, latitude=30.27, longitude=120.15)
    return w, token_for(w.zhang)


def fuzz_config(w, chief_key: str) -> str:
    """schemathesis.toml: who the fuzzer is, and real values it mixes into what it generates."""
    now = timezone.now()
    pending = [m.objects.filter(status="pending") for m in (ReturnRequest, Extension, Hold)]
    dictionaries = {
        "case": list(Case.objects.values_list("pk", flat=True)),
        "station": [w.station.pk],
        "grid": [w.grid.pk],
        "category": list(Category.objects.filter(is_active=True).values_list("pk", flat=True)),
        "department": [d.pk for d in vars(w.dept).values()],
        "request": [pk for rows in pending for pk in rows.values_list("pk", flat=True)],
        "supervision": list(Supervision.objects.values_list("pk", flat=True)),
        "session": list(MediationSession.objects.values_list("pk", flat=True)),
        "assignment": list(Assignment.objects.filter(role="co").values_list("pk", flat=True)),
        "summons": list(Summons.objects.values_list("pk", flat=True)),
        "moment": [(now + dt.timedelta(days=days)).isoformat() for days in (-3, 2, 40, 400)],
        "station_code": [w.station.code],
        "grid_code": [w.grid.code],
    }
    body = {
        "station": "station",
        "grid": "grid",
        "category": "category",
        "lead_id": "department",
        "category_id": "category",
        "into_id": "case",
        "request_id": "request",
        "supervision_id": "supervision",
        "session_id": "session",
        "summons_id": "summons",
        "assignment_id": "assignment",
        "scheduled_at": "moment",
        "requested_due_at": "moment",
        "handle_due_at": "moment",
    }
    intake = {
        "110": {"station": "station_code", "bjsj": "moment"},
        "12345": {"cbdw": "station_code", "slsj": "moment"},
        "four-platforms": {"org_code": "station_code", "grid_code": "grid_code", "occur_time": "moment"},
    }
    keys = ensure_intake_accounts()

    def bind(name: str) -> str:
        return f'{{ dictionary = "{name}", probability = 0.6 }}'

    def token(key: str) -> str:
        return f'{{ Authorization = "Token {key}" }}'

    lines = [f"headers = {token(chief_key)}", "", "[dictionaries]"]
    lines += [f"{name} = {{ values = {json.dumps(values)} }}" for name, values in dictionaries.items()]
    lines += ["", "[parameters]", f'"path.id" = {bind("case")}']
    lines += [f'"body.{field}" = {bind(name)}' for field, name in body.items()]
    for slug, fields in intake.items():
        bindings = ", ".join(f'"body.{field}" = {bind(name)}' for field, name in fields.items())
        lines += ["", "[[operations]]", f'include-path = "/api/intake/{slug}/"']
        lines += [f"headers = {token(keys['intake-' + slug])}", f"parameters = {{ {bindings} }}"]
    return "\n".join(lines) + "\n"


def test_schemathesis_finds_no_server_error(tmp_path):
    w, key = seed()
    (tmp_path / "schemathesis.toml").write_text(fuzz_config(w, key))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app_database_url(),
        "MIGRATION_DATABASE_URL": "",  # the server is the app: the app role only (governance/db_roles.py)
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
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "50",
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
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200, check=False
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
