"""Faults (issue 13, item 10): the database connection dropped in the middle of a request, and a
notice whose outside delivery keeps failing."""

import datetime as dt
import uuid

import psycopg2
import pytest
import time_machine
from celery.exceptions import Retry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseNumberSequence, Party
from cases.services import intake
from notifications.models import Notification, NotificationDelivery
from notifications.services import MAX_ATTEMPTS, deliver, notify, sweep_deliveries
from notifications.tasks import deliver_notifications
from tests.api_helpers import client_for
from tests.personas import build_world

Status = NotificationDelivery.Status


def terminate_this_connection() -> None:
    """What a failover or an administrator does: end this connection's server process, from
    another connection, and wait until it is gone."""
    pid = connection.connection.get_backend_pid()
    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _attempt in range(1000):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                break
    other.close()


@pytest.fixture
def drop_once(monkeypatch):
    """The report service loses its connection after writing the case, its parties and its
    event, just before it tells the chiefs; only the first time."""
    real_notify, dropped = intake.notify, []

    def notify_after_a_drop(*args, **kwargs):
        if not dropped:
            dropped.append(True)
            terminate_this_connection()
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(intake, "notify", notify_after_a_drop)
    return dropped


def nothing_written():
    return (
        Case.objects.count(),
        Party.objects.count(),
        CaseEvent.objects.count(),
        CaseNumberSequence.objects.count(),
        Notification.objects.count(),
    ) == (0, 0, 0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_report_answers_503_json_writes_nothing_and_the_retry_succeeds(drop_once):
    w = build_world()
    body = {
        "station": w.station.pk,
        "grid": w.grid.pk,
        "title": "噪音",
        "description": "夜间噪音",
        "parties": [{"name": "刘某", "phone": "13912345678"}],
    }
    client = client_for(w.wang)
    response = client.post("/api/cases/", body, format="json")
    assert drop_once and response.status_code == 503
    assert response.json() == {
        "code": "unavailable",
        "message": "数据库暂时不可用，这次操作没有保存任何内容，请稍后重试",
        "errors": {},
    }
    assert response["Retry-After"] == "5"
    assert nothing_written()
    again = client.post("/api/cases/", body, format="json")
    assert again.status_code == 201, again.json()
    assert Case.objects.count() == 1 and Party.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_report_on_the_page_answers_a_503_page_and_the_resend_files_once(drop_once):
    w = build_world()
    client = Client()
    client.force_login(w.wang)
    form = {
        "idempotency_key": str(uuid.uuid4()),
        "title": "噪音",
        "description": "夜间噪音",
        "grid": str(w.grid.pk),
        "urgency": "normal",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "20",
    }
    response = client.post("/report/", form)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "数据库连接中断，这次操作没有保存任何内容" in page and '<a href="/report/">' in page
    assert "<script" not in page and "style=" not in page
    assert nothing_written()
    again = client.post("/report/", form)  # the same form sent again (its key): one case
    assert again.status_code == 302 and Case.objects.count() == 1


# --- Deliveries that keep failing -------------------------------------------------------------


class BrokenSms:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("短信网关不可用")


@pytest.fixture
def failing_sms(world, settings):
    settings.SMS_GATEWAY = "tests.test_faults.BrokenSms"
    world.zhang.notify_sms = True
    world.zhang.save()
    [notice_id] = notify([world.zhang], kind="rework", number="督办")
    return notice_id


def sms_row(notice_id: int) -> NotificationDelivery:
    return NotificationDelivery.objects.get(notification_id=notice_id, channel="sms")


def run_like_a_worker(task, *args) -> list[int]:
    """Run the task as a worker would, each retry at once instead of after its countdown; return
    the countdowns it asked for."""
    waits = []
    for retries in range(task.max_retries + 1):
        task.push_request(retries=retries, called_directly=False, is_eager=True)
        try:
            task.run(*args)
        except Retry as retry:
            waits.append(retry.when)
            continue
        finally:
            task.pop_request()
        break
    return waits


@pytest.mark.django_db
def test_the_task_backs_off_30_60_120_240_seconds_then_gives_up(failing_sms):
    assert run_like_a_worker(deliver_notifications, [failing_sms]) == [30, 60, 120, 240]
    row = sms_row(failing_sms)
    assert (row.status, row.attempts, row.last_error) == (Status.GAVE_UP, MAX_ATTEMPTS, "短信网关不可用")


@pytest.mark.django_db
def test_a_copy_failing_every_try_is_given_up_and_never_tried_again(failing_sms):
    run_like_a_worker(deliver_notifications, [failing_sms])  # the first try and its four retries
    assert sms_row(failing_sms).status == Status.GAVE_UP
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        assert sweep_deliveries() == 0
        assert deliver([failing_sms]).failed == 0
    assert sms_row(failing_sms).attempts == MAX_ATTEMPTS


@pytest.mark.django_db
def test_the_sweep_retries_a_failed_copy_later_after_each_failure(failing_sms):
    """5 minutes after the first failure, 10 after the second, 20 after the third."""
    NotificationDelivery.objects.filter(pk=sms_row(failing_sms).pk).update(
        status=Status.FAILED, attempts=3, claimed_at=timezone.now()
    )
    claimed = sms_row(failing_sms).claimed_at
    with time_machine.travel(claimed + dt.timedelta(minutes=19)):
        assert sweep_deliveries() == 0
    with time_machine.travel(claimed + dt.timedelta(minutes=21)):
        assert sweep_deliveries() == 1


@pytest.mark.django_db
def test_a_copy_left_sending_on_its_last_try_is_given_up_by_the_sweep(failing_sms):
    NotificationDelivery.objects.filter(pk=sms_row(failing_sms).pk).update(
        status=Status.SENDING, attempts=MAX_ATTEMPTS, claimed_at=timezone.now()
    )
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert sweep_deliveries() == 0
    assert sms_row(failing_sms).status == Status.GAVE_UP


@pytest.mark.django_db
def test_admins_see_the_given_up_copies(failing_sms):
    run_like_a_worker(deliver_notifications, [failing_sms])
    admin = get_user_model().objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/notifications/notificationdelivery/", {"status__exact": "gave_up"}).content.decode()
    assert "1 条通知多次投递失败，已停止重试" in page
    assert "多次失败，已停止重试" in page and "短信网关不可用" in page


def test_a_database_gone_before_the_view_answers_503_not_500(world, settings, monkeypatch):
    """The session is read by a middleware, before any view: its failure reaches ``handler500``
    (DEBUG off, as deployed), which answers the same 503 page. (The retry is shown by the tests
    above, whose database is not held in a test transaction the answer's cleanup would close.)"""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    settings.DEBUG = False
    browser = Client(raise_request_exception=False)
    browser.force_login(world.zhang)

    def gone(self):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(SessionStore, "load", gone)
        response = browser.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "数据库连接中断" in response.content.decode()
