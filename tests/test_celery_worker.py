"""A real Celery worker process on Redis (not eager): the sweep and the deliveries it queues run
in the worker, against the test database, through the broker.

Needs PostgreSQL (the worker must see the test's committed rows from another process) and a
reachable REDIS_URL: skipped without them, a failure under CI (tests/environment.py). Each run
uses a queue of its own, so parallel test processes and other users of the Redis database do
not meet.
"""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from cases.models import Supervision
from cases.tasks import sweep_deadlines
from governance.celery import app as celery_app
from notifications.models import NotificationDelivery
from tests.database_roles import app_database_url
from tests.personas import report_ac_dispute

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")


pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.needs("redis"),
]


@pytest.fixture
def worker(tmp_path):
    """A worker on a queue of its own; this process publishes there instead of running tasks."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": app_database_url(),
        "MIGRATION_DATABASE_URL": "",  # the worker is the app: the app role only (governance/db_roles.py)
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # what the worker itself queues stays on this queue
    }
    command = [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool=solo", "--concurrency=1"]
    command += ["-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        yield queue, log
    finally:
        conf.task_always_eager, conf.task_default_queue = saved
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        # The queue and the bindings the worker declared for it.
        redis.Redis.from_url(REDIS_URL).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def wait_for(condition, *, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_a_real_worker_sweeps_and_delivers(world, worker):
    """1. A report a month past its accept deadline: its notice to the chief is queued on commit.
    2. The sweep task is queued too. The worker runs both: the escalation is written, and the
       notices the sweep raises are queued by the worker and delivered by it."""
    queue, log = worker
    w = world
    w.zhang.notify_email, w.zhang.email = True, "zhang@example.com"
    w.zhang.save()
    case = report_ac_dispute(w, reported_at=timezone.now() - dt.timedelta(days=30))
    sweep_deadlines.apply_async(queue=queue)

    escalated = Supervision.objects.filter(case=case, deadline="accept", level="escalated")
    owed = NotificationDelivery.objects.filter(notification__recipient=w.zhang, notification__case=case)
    done = wait_for(lambda: escalated.exists() and owed.count() == 2 and not owed.exclude(status="sent").exists())
    assert done, f"worker did not finish; deliveries {list(owed.values_list('status', flat=True))}\n{log.read_text()}"
    assert set(owed.values_list("notification__kind", flat=True)) == {"reported", "supervision_escalated"}
    worked = log.read_text()
    assert "Task cases.tasks.sweep_deadlines" in worked
    assert worked.count("Task notifications.tasks.deliver_notifications") >= 4  # received and succeeded, twice
