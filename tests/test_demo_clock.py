"""``manage.py demo_clock``: the demo's deadlines come nearer, and the sweep then fires the rungs
that fell due, as the running worker does (here in-process: tests/conftest.py)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Assignment, Case, Supervision
from cases.services import handling
from tests.personas import report_ac_dispute, walk_to

pytestmark = pytest.mark.django_db
SH = dt.timezone(dt.timedelta(hours=8))
MONDAY_9 = dt.datetime(2026, 11, 23, 9, tzinfo=SH)  # a working Monday: accept due 11:00, yellow 10:36


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # what `make demo` and `make manage` run with


def clock(delta: str, capture) -> str:
    out = StringIO()
    with capture(execute=True):  # the sweep queued after commit runs here, in-process
        call_command("demo_clock", delta, stdout=out)
    return out.getvalue()


@time_machine.travel(MONDAY_9, tick=False)
def test_a_fresh_report_turns_yellow_then_red(world, demo, django_capture_on_commit_callbacks):
    case = report_ac_dispute(world)
    assert case.accept_due_at == dt.datetime(2026, 11, 23, 11, tzinfo=SH)

    said = clock("+100m", django_capture_on_commit_callbacks)  # yellow was at 10:36: now 08:56

    case.refresh_from_db()
    assert case.ladder == "yellow"
    assert case.accept_due_at == dt.datetime(2026, 11, 23, 9, 20, tzinfo=SH)
    assert "deadlines 1:40:00 nearer" in said

    clock("+30m", django_capture_on_commit_callbacks)  # due at 08:50

    case.refresh_from_db()
    assert case.ladder == "red"
    assert list(Supervision.objects.filter(case=case).values_list("level", flat=True).order_by("pk")) == [
        "yellow",
        "red",
    ]


@time_machine.travel(MONDAY_9, tick=False)
def test_signatures_move_too_and_closed_or_held_cases_stay(world, demo, django_capture_on_commit_callbacks):
    w = world
    dispatched = walk_to(w, "dispatched")
    closed = walk_to(w, "closed")
    held = walk_to(w, "in_progress")
    hold = handling.hold_request(held.pk, actor=w.tiaojie, reason="等待法院判决")
    held = handling.hold_decide(held.pk, actor=w.zhang, request_id=hold.pk, approve=True)
    before = {c.pk: (c.accept_due_at, c.handle_due_at, c.feedback_due_at) for c in Case.objects.all()}
    pending = Assignment.objects.get(case=dispatched, role="lead")
    sign_due = pending.sign_due_at

    clock("+2h", django_capture_on_commit_callbacks)

    pending.refresh_from_db()
    assert pending.sign_due_at == sign_due - dt.timedelta(hours=2)
    for unmoved in (closed, held):
        unmoved.refresh_from_db()
        assert (unmoved.accept_due_at, unmoved.handle_due_at, unmoved.feedback_due_at) == before[unmoved.pk]
    handling.assignment_sign(dispatched.pk, actor=w.tiaojie)  # the case goes on as before


@pytest.mark.parametrize("delta", ["0h", "+0m", "2 hours", "+2w"])
def test_only_a_time_ahead(world, demo, delta):
    with pytest.raises(CommandError, match="give a time ahead"):
        call_command("demo_clock", delta)


def test_refused_on_a_production_server(world, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("demo_clock", "+2h")
