"""Notifications: in the app, by e-mail and SMS as each user chose, retried, never sent twice, and
nothing lost while the broker is down."""

import datetime as dt
import logging
import socket
import threading
from contextlib import contextmanager

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone, translation

from cases.models import Case
from cases.services import dispatching, handling
from governance.celery import app as celery_app
from notifications.models import Notification, NotificationDelivery
from notifications.selectors import unread_count
from notifications.services import deliver, mark_read, notify, sweep_deliveries
from notifications.tasks import deliver_notifications
from tests.api_helpers import client_for, post
from tests.personas import report_ac_dispute, walk_to
from tests.test_api_cases import report_payload

pytestmark = pytest.mark.django_db
LATER = dt.timedelta(minutes=2)


class RecordingSms:
    """An SMS gateway that keeps what it was asked to send (the outside world, mocked)."""

    sent: list[tuple[str, str]] = []  # shared on purpose: the setting names the class, not an instance

    def send(self, phone: str, text: str) -> None:
        RecordingSms.sent.append((phone, text))


class BrokenSms:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("短信网关不可用")


@pytest.fixture
def sms(settings):
    RecordingSms.sent = []
    settings.SMS_GATEWAY = "tests.test_notifications.RecordingSms"
    return RecordingSms.sent


@pytest.fixture
def chief_by_mail_and_sms(world):
    w = world
    w.zhang.notify_email, w.zhang.notify_sms, w.zhang.email = True, True, "zhang@example.com"
    w.zhang.save()
    return w


def statuses(notification_id: int) -> dict[str, str]:
    rows = NotificationDelivery.objects.filter(notification_id=notification_id)
    return dict(rows.values_list("channel", "status"))


def test_unread_count_and_mark_read_are_the_users_own(world):
    w = world
    mine = notify([w.zhang, w.zhang], kind="rework", number="一")  # listed twice, told once
    notify([w.zhang], kind="rework", number="二")
    theirs = notify([w.tiaojie], kind="rework", number="三")
    assert unread_count(w.zhang) == 2
    assert mark_read(w.zhang, mine + theirs) == 1  # another's id is ignored
    assert (unread_count(w.zhang), unread_count(w.tiaojie)) == (1, 1)
    assert mark_read(w.zhang) == 1
    assert unread_count(w.zhang) == 0


def test_each_user_gets_the_channels_they_chose(chief_by_mail_and_sms, sms, django_capture_on_commit_callbacks):
    w = chief_by_mail_and_sms
    with django_capture_on_commit_callbacks(execute=True):
        case = report_ac_dispute(w)  # tells the chief (mail and SMS); nobody else is told
    notice = Notification.objects.get(recipient=w.zhang, case=case)
    assert statuses(notice.pk) == {"email": "sent", "sms": "sent"}
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]
    assert mail.outbox[0].subject == f"[联动工作站] {notice.rendered.title}"
    assert sms == [("13800000002", f"【联动工作站】{notice.rendered.title}")]
    assert deliver([notice.pk]).sent == 0  # again: nothing is sent twice
    assert len(mail.outbox) == 1


def test_a_failed_copy_is_retried_with_backoff_then_by_the_sweep(
    chief_by_mail_and_sms, settings, sms, django_capture_on_commit_callbacks
):
    w = chief_by_mail_and_sms
    settings.SMS_GATEWAY = "tests.test_notifications.BrokenSms"
    [notice_id] = notify([w.zhang], kind="rework", number="督办")
    with pytest.raises(Retry):  # called directly, the task asks Celery to try again later
        deliver_notifications([notice_id])
    sms_row = NotificationDelivery.objects.get(notification_id=notice_id, channel="sms")
    assert (sms_row.status, sms_row.attempts, sms_row.last_error) == ("failed", 1, "短信网关不可用")
    assert statuses(notice_id)["email"] == "sent"

    settings.SMS_GATEWAY = "tests.test_notifications.RecordingSms"
    assert sweep_deliveries() == 0  # the task's own retries come first
    # The sweep queues after commit: run that here.
    later = timezone.now() + dt.timedelta(minutes=6)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        queued = sweep_deliveries()
    assert queued == 1
    assert statuses(notice_id) == {"email": "sent", "sms": "sent"}
    assert len(sms) == 1 and len(mail.outbox) == 1


def test_retries_are_bounded(chief_by_mail_and_sms, sms):
    w = chief_by_mail_and_sms
    [notice_id] = notify([w.zhang], kind="rework", number="督办")
    NotificationDelivery.objects.filter(notification_id=notice_id).update(status="failed", attempts=5)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        assert sweep_deliveries() == 0
    assert deliver([notice_id]).sent == 0
    assert sms == [] and mail.outbox == []


def test_a_copy_left_sending_by_a_crashed_worker_is_sent_after_ten_minutes(
    chief_by_mail_and_sms, sms, django_capture_on_commit_callbacks
):
    w = chief_by_mail_and_sms
    [notice_id] = notify([w.zhang], kind="rework", number="督办")
    claimed = timezone.now()
    NotificationDelivery.objects.filter(notification_id=notice_id).update(
        status="sending", attempts=1, claimed_at=claimed
    )
    assert deliver([notice_id]).sent == 0  # claimed by the (dead) worker: not ours to send
    with time_machine.travel(claimed + dt.timedelta(minutes=9)):
        assert sweep_deliveries() == 0
    with time_machine.travel(claimed + dt.timedelta(minutes=11)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_deliveries() == 1
    assert statuses(notice_id) == {"email": "sent", "sms": "sent"}
    assert NotificationDelivery.objects.get(notification_id=notice_id, channel="sms").attempts == 2


# --- the broker is down ------------------------------------------------------------------------


@contextmanager
def broker_at(url: str):
    """Publish to ``url`` for real (not in-process) for a while, then restore the app."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def reset_pools() -> None:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        reset_pools()


@contextmanager
def silent_server():
    """A TCP port that accepts connections and never answers: a stalled broker."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        server.close()


@pytest.mark.django_db(transaction=True)
def test_broker_outage_loses_nothing(world, caplog):
    """With nothing listening on the broker's port every step succeeds, the notices wait as
    pending rows, and the first delivery sweep after the broker is back sends them all. (How long
    a failed publish takes is a measurement, not an assertion: see the closing note of issue 8.)"""
    w = world
    for person in (w.zhang, w.tiaojie):
        person.notify_email, person.email = True, f"{person.username}@example.com"
        person.save()
    steps = {
        "report": lambda: setattr(w, "case", report_ac_dispute(w)),
        "accept": lambda: dispatching.case_accept(w.case.pk, actor=w.zhang),
        "dispatch": lambda: dispatching.case_dispatch(w.case.pk, actor=w.zhang),
        "sign": lambda: handling.assignment_sign(w.case.pk, actor=w.tiaojie),
        "request_hold": lambda: handling.hold_request(w.case.pk, actor=w.tiaojie, reason="等待鉴定"),
    }
    with broker_at("redis://127.0.0.1:1/0"):
        for step in steps.values():
            step()
    assert "could not queue notifications.tasks.deliver_notifications" in caplog.text
    owed = NotificationDelivery.objects.filter(notification__case=w.case)
    assert set(owed.values_list("status", flat=True)) == {"pending"}
    assert owed.count() == 3  # report and hold request to the chief, the new assignment to the mediator
    assert mail.outbox == []

    assert sweep_deliveries() == 0  # within a minute the notices' own tasks still count
    with time_machine.travel(timezone.now() + LATER):
        assert sweep_deliveries() == 3  # the broker is back (in-process here): all delivered
    assert set(owed.values_list("status", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["tiaojie@example.com", "zhang@example.com", "zhang@example.com"]


@pytest.mark.django_db(transaction=True)
def test_a_stalled_broker_gives_up_on_its_socket_timeout(world, caplog):
    """A broker that accepts the connection and never answers: the publish gives up on the
    transport's socket timeout (it would hang without one), and the step still succeeds."""
    w = world
    w.zhang.notify_email, w.zhang.email = True, "zhang@example.com"
    w.zhang.save()
    caplog.set_level(logging.INFO, logger="governance.effects")
    with silent_server() as port, broker_at(f"redis://127.0.0.1:{port}/0"):
        report_ac_dispute(w)
    [failure] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("could not queue")]
    assert "timeout" in failure.lower(), failure
    assert NotificationDelivery.objects.get().status == "pending"


@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_logs_one_line_per_failure_and_a_warning_a_minute(world, caplog):
    """Each report whose notice cannot be queued answers 201 and costs the log one line naming
    the cause, without a traceback; a warning counts the failures, at most once a minute."""
    w = world
    w.zhang.notify_email, w.zhang.email = True, "zhang@example.com"
    w.zhang.save()
    caplog.set_level(logging.INFO, logger="governance.effects")
    start = timezone.now() + dt.timedelta(days=1)  # well after any warning an earlier test caused
    with broker_at("redis://127.0.0.1:1/0"), time_machine.travel(start, tick=False) as clock:
        for seconds in (0, 10, 20, 70):
            clock.move_to(start + dt.timedelta(seconds=seconds))
            response = post(w.wang, "/api/cases/", report_payload(w, title=f"楼道堆物{seconds}"))
            assert response.status_code == 201, response.json()

    records = [r for r in caplog.records if r.name == "governance.effects"]
    assert [r.levelname for r in records] == ["INFO", "WARNING", "INFO", "INFO", "INFO", "WARNING"]
    for line in [r.getMessage() for r in records if r.levelname == "INFO"]:
        assert line.startswith("could not queue notifications.tasks.deliver_notifications(")
        assert "Connection refused" in line
    since = timezone.localtime(start + dt.timedelta(seconds=10)).isoformat(timespec="seconds")
    assert records[-1].getMessage().startswith(f"broker unreachable since {since}: 3 failed publishes;")
    assert not any(r.exc_info for r in records)
    assert "Traceback" not in caplog.text
    owed = NotificationDelivery.objects.filter(notification__recipient=w.zhang)
    assert list(owed.values_list("status", flat=True)) == ["pending"] * 4  # the sweep sends them later


# --- in the reader's language ------------------------------------------------------------------


def test_a_notice_stored_once_reads_in_chinese_and_in_english(world):
    w = world
    case = report_ac_dispute(w)
    notice = Notification.objects.get(recipient=w.zhang, case=case)
    assert (notice.kind, notice.params, notice.title) == ("reported", {"number": case.number, "title": case.title}, "")

    def inbox(language):
        response = client_for(w.zhang).get("/api/notifications/", HTTP_ACCEPT_LANGUAGE=language)
        return response.json()["results"][0]

    assert inbox("zh-hans")["title"] == f"新事件待受理：{case.number} {case.title}"
    assert inbox("en")["title"] == f"New case to accept: {case.number} {case.title}"


def test_a_long_case_title_is_cut_for_display_only(world):
    w = world
    case = report_ac_dispute(w, title="长" * 200)
    notice = Notification.objects.get(recipient=w.zhang, case=case)
    assert notice.params["title"] == "长" * 200
    assert len(notice.rendered.title) == 120 and notice.rendered.title.endswith("…")


def test_notices_written_before_kinds_had_params_read_as_stored(world):
    w = world
    Notification.objects.create(recipient=w.zhang, kind="dispatched", title="新派单待签收：ZX-1 旧事件", body="旧理由")
    for language in ("zh-hans", "en"):
        response = client_for(w.zhang).get("/api/notifications/", HTTP_ACCEPT_LANGUAGE=language)
        [notice] = response.json()["results"]
        assert (notice["title"], notice["body"]) == ("新派单待签收：ZX-1 旧事件", "旧理由")


def test_mail_and_sms_are_written_in_the_recipients_language(
    chief_by_mail_and_sms, sms, django_capture_on_commit_callbacks
):
    w = chief_by_mail_and_sms
    w.zhang.language = "en"
    w.zhang.save()
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        case = report_ac_dispute(w)  # reported by a Chinese-speaking grid worker
    assert mail.outbox[0].subject == f"[Linkage workstation] New case to accept: {case.number} {case.title}"
    assert sms == [("13800000002", f"[Linkage workstation] New case to accept: {case.number} {case.title}")]


def test_the_plans_reasons_read_in_the_readers_language(world):
    """Stored once as codes and names; the case, the plan preview and the dispatch notice word them."""
    w = world
    case = walk_to(w, "dispatched")
    english = [
        "Keywords “空调外机” “噪音” suggest the category “邻里纠纷” (confidence 100%).",
        "The category “邻里纠纷” has blurred responsibilities: handled jointly.",
        "Led by “人民调解委员会”, assisted by “综合行政执法局” “公安分局”; a joint mediation session is proposed.",
        "Sign for within 1 working days, handle within 5 working days, counted from dispatch.",
    ]
    chief = client_for(w.zhang)
    assert chief.get(f"/api/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["dispatch_plan"]["reasons"] == english
    chinese = chief.get(f"/api/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["dispatch_plan"]["reasons"]
    assert chinese[1] == "类别「邻里纠纷」权责边界模糊，联合管。"

    notices = client_for(w.tiaojie).get("/api/notifications/", {"kind": "dispatched"}, HTTP_ACCEPT_LANGUAGE="en")
    assert notices.json()["results"][0]["body"] == "; ".join(english)


def test_a_plan_stored_with_text_reasons_still_reads(world):
    w = world
    case = walk_to(w, "dispatched")
    Case.objects.filter(pk=case.pk).update(dispatch_plan={**case.dispatch_plan, "reasons": ["旧方案的理由。"]})
    response = client_for(w.zhang).get(f"/api/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["dispatch_plan"]["reasons"] == ["旧方案的理由。"]
