"""Two actions on one case at the same moment, on two real database connections: exactly one
wins, the other gets a conflict, and the history has no duplicate."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from cases.models import Assignment, Case, CaseEvent
from cases.services import dispatching, handling
from cases.services.lifecycle import Conflict
from tests.personas import report_ac_dispute, walk_to

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Statistics views are a snapshot per transaction: take a fresh one each time.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def race(case_id: int, *actions):
    """Run the actions in threads that all queue on the case's row lock, then let them go."""
    outcomes: list[str] = [""] * len(actions)

    def run(index, action):
        try:
            action()
            outcomes[index] = "won"
        except Conflict:
            outcomes[index] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case_id)  # hold the lock while both line up
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while waiting_on_locks() < len(actions) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting_on_locks() == len(actions), "the actions never met at the lock"
    for thread in threads:
        thread.join(timeout=20)
    return sorted(outcomes)


def test_accept_and_reject_at_once(world):
    w = world
    case = report_ac_dispute(w)
    outcomes = race(
        case.pk,
        lambda: dispatching.case_accept(case.pk, actor=w.zhang),
        lambda: dispatching.case_reject(case.pk, actor=w.zhang, reason="不属于受理范围"),
    )
    assert outcomes == ["conflict", "won"]
    case.refresh_from_db()
    assert case.status in ("accepted", "rejected")
    assert CaseEvent.objects.filter(case=case).exclude(action="report").count() == 1


def test_double_dispatch_creates_one_set_of_assignments(world):
    w = world
    case = report_ac_dispute(w)
    dispatching.case_accept(case.pk, actor=w.zhang)
    outcomes = race(
        case.pk,
        lambda: dispatching.case_dispatch(case.pk, actor=w.zhang),
        lambda: dispatching.case_dispatch(case.pk, actor=w.zhang),
    )
    assert outcomes == ["conflict", "won"]
    assert Assignment.objects.filter(case=case).count() == 3
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1


def test_double_click_on_sign(world):
    w = world
    case = walk_to(w, "dispatched")
    outcomes = race(
        case.pk,
        lambda: handling.assignment_sign(case.pk, actor=w.tiaojie),
        lambda: handling.assignment_sign(case.pk, actor=w.tiaojie),
    )
    assert outcomes == ["conflict", "won"]
    assert CaseEvent.objects.filter(case=case, action="sign").count() == 1
