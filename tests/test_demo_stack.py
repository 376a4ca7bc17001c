"""The demo's Procfile as ``make demo`` runs it with honcho: the web server answers, the Celery
worker and beat start, the worker sweeps the database, and one SIGINT — what the terminal's Ctrl-C
sends honcho — stops every process it started.

Against the test database as the app role, with a Celery queue and a beat schedule of its own, so a
demo running in the same checkout meets none of it."""

import datetime as dt
import os
import signal
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Case
from governance.celery import app as celery_app
from tests.database_roles import app_database_url
from tests.personas import report_ac_dispute
from tests.test_api_schemathesis import free_port
from tests.test_celery_worker import wait_for

ROOT = Path(__file__).resolve().parent.parent
HONCHO = Path(sys.executable).parent / "honcho"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs("redis"), pytest.mark.long]


def processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid → (parent, process group, state), from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        found[int(stat.parent.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return found


def running_in(groups: set[int]) -> list[int]:
    """The processes of these groups still running (a zombie has ended: its parent reaps late)."""
    return [pid for pid, (_parent, group, state) in processes().items() if group in groups and state != "Z"]


@pytest.fixture
def demo(tmp_path, world):
    """``honcho start`` of the Procfile, in a session of its own as from a terminal."""
    port = free_port()
    queue = f"test-demo-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "honcho.log"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": app_database_url(),
        "MIGRATION_DATABASE_URL": "",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "BEAT_SCHEDULE": str(tmp_path / "celerybeat-schedule"),
        "HOST": "127.0.0.1",
    }
    command = [str(HONCHO), "start", "--procfile", "Procfile", "--port", str(port), "--no-colour"]
    with log.open("w") as out:
        honcho = subprocess.Popen(  # noqa: S603 - our own Procfile
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield honcho, port, queue, log
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGINT)
            honcho.wait(timeout=60)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
            return response.status == 200
    except OSError:
        return False


def test_web_worker_and_beat_run_and_one_ctrl_c_stops_them_all(world, demo):
    honcho, port, queue, log = demo
    case = report_ac_dispute(world, reported_at=timezone.now() - dt.timedelta(days=30))

    started = wait_for(lambda: answers(f"http://127.0.0.1:{port}/accounts/login/"), seconds=90)
    assert started, log.read_text()
    ready = wait_for(lambda: "ready." in log.read_text() and "beat: Starting..." in log.read_text(), seconds=90)
    assert ready, log.read_text()
    # What beat sends every minute, sent now: the worker sweeps the database the demo runs on.
    conf = celery_app.conf
    saved, conf.task_always_eager = conf.task_always_eager, False
    try:
        celery_app.send_task("cases.tasks.sweep_deadlines", queue=queue)
    finally:
        conf.task_always_eager = saved
    escalated = wait_for(lambda: Case.objects.get(pk=case.pk).ladder == "escalated", seconds=60)
    assert escalated, log.read_text()

    started = {pid for pid, (parent, _group, _state) in processes().items() if parent == honcho.pid}
    assert len(started) == 3  # web, worker, beat
    groups = {processes()[pid][1] for pid in started}
    os.killpg(honcho.pid, signal.SIGINT)
    honcho.wait(timeout=60)

    assert wait_for(lambda: not running_in(groups), seconds=30), running_in(groups)
    said = log.read_text()
    assert "SIGINT received" in said
    assert {"web.1 stopped", "worker.1 stopped", "beat.1 stopped"} <= {
        line.split("|", 1)[1].split(" (")[0].strip() for line in said.splitlines() if "stopped" in line
    }
