"""Sweeps and senders at the same moment, on real database connections: every rung, notice and
message exactly once."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.db import connections, transaction

from cases.models import Case, Supervision
from cases.services import feedback, handling
from cases.services.sweep import sweep_deadlines
from notifications.models import Notification, NotificationDelivery
from notifications.services import deliver, deliveries_for
from tests.personas import walk_to
from tests.test_concurrency import race, waiting_on_locks

pytestmark = [
    pytest.mark.django_db(transaction=True),
]
SH = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=SH)
YELLOW = dt.datetime(2026, 11, 27, 9, tzinfo=SH)  # 4 of 5 working days after Monday 09:00


def in_threads(*actions) -> None:
    def run(action):
        try:
            action()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    return threads


def test_two_sweeps_at_once_write_each_rung_and_notice_once(world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        cases = [walk_to(w, "in_progress") for _ in range(3)]
        for case in cases:
            for co in (w.zhifa, w.gongan):
                handling.assignment_sign(case.pk, actor=co)
    ids = [c.pk for c in cases]
    results: list[dict] = []

    with transaction.atomic():
        list(Case.objects.select_for_update().filter(pk__in=ids))  # both sweeps queue behind this
        threads = in_threads(*[lambda: results.append(sweep_deadlines(YELLOW))] * 2)
        deadline = time.monotonic() + 10
        while waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting_on_locks() == 2, "the sweeps never met at the lock"
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(r["handle"] for r in results) == [0, 3]
    assert Supervision.objects.filter(case_id__in=ids, level="yellow").count() == 3
    notices = Notification.objects.filter(case_id__in=ids, kind="supervision_yellow")
    assert notices.count() == 3 * 4  # three departments and the chief, per case
    assert len(set(notices.values_list("recipient_id", "case_id"))) == notices.count()
    assert set(Case.objects.filter(pk__in=ids).values_list("ladder", flat=True)) == {"yellow"}


def test_default_closure_and_real_feedback_at_once(world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        case = walk_to(w, "resolved")
    window = case.feedback_due_at
    outcomes = race(
        case.pk,
        lambda: feedback.case_close_default(case.pk, feedback_due_at=window),
        lambda: feedback.case_feedback(case.pk, actor=w.wang, result="satisfied"),
    )
    assert outcomes == ["conflict", "won"]
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.feedbacks.count() == 1


class SlowSms:
    """A gateway slow enough that the second sender arrives while the first is sending."""

    sent: list[str] = []  # shared on purpose: the setting names the class, not an instance

    def send(self, phone: str, text: str) -> None:
        time.sleep(0.3)
        SlowSms.sent.append(phone)


def test_deliver_called_twice_at_once_sends_once(world, settings):
    w = world
    SlowSms.sent = []
    settings.SMS_GATEWAY = "tests.test_sweep_concurrency.SlowSms"
    w.zhang.notify_email, w.zhang.notify_sms, w.zhang.email = True, True, "zhang@example.com"
    w.zhang.save()
    notice = Notification.objects.create(recipient=w.zhang, kind="k", title="督办")
    NotificationDelivery.objects.bulk_create(deliveries_for([notice]))

    start = threading.Barrier(2)
    outcomes = []

    def sender():
        start.wait(5)
        outcomes.append(deliver([notice.pk]))

    for thread in in_threads(sender, sender):
        thread.join(timeout=20)

    assert sum(o.sent for o in outcomes) == 2  # each copy claimed by one sender or the other
    assert SlowSms.sent == ["13800000002"]
    assert len(mail.outbox) == 1
    rows = NotificationDelivery.objects.filter(notification=notice)
    assert set(rows.values_list("status", "attempts")) == {("sent", 1)}
