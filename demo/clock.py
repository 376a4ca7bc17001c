"""The demo's clock moved forward, to watch a deadline come and pass in minutes
(``manage.py demo_clock +2h``).

Deadlines are moments stored on the rows (cases.deadlines), and the minute sweep compares them
with the real time. So the demo's clock moves forward from the other side: every running deadline
of the open cases comes ``delta`` nearer, as if each had started that much earlier, and the next
sweep — in the worker, queued here after commit, and beat's every minute anyway — fires the rungs
that fell due meanwhile (yellow, red, escalated) with their notices, exactly as it does at the
real time. Nothing else moves: the reports' times and the event log (append-only) stay as they
were. A case on hold is left alone: its time does not run.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F

from cases.models import INACTIVE_ASSIGNMENT_STATUSES, OPEN_STATUSES, Assignment, Case
from cases.tasks import sweep_deadlines
from governance.effects import queue_task

# A deadline's columns (cases.deadlines.deadline_fields), and the other moments counted towards.
LADDER = ("due_at", "warn_at", "escalate_at", "next_rung_at")
CASE_DEADLINES = [
    *(f"accept_{name}" for name in LADDER),
    *(f"handle_{name}" for name in LADDER),
    "handle_started_at",
    "feedback_due_at",
]
ASSIGNMENT_DEADLINES = [*(f"sign_{name}" for name in LADDER), "handle_due_at"]


def advance(delta: timedelta) -> tuple[int, int]:
    """Bring the running deadlines of the open cases not on hold ``delta`` nearer, then queue a
    sweep; returns how many cases and assignments moved."""
    if delta <= timedelta(0):
        raise ValueError("the demo's clock only moves forward")
    with transaction.atomic():
        cases = Case.objects.filter(status__in=OPEN_STATUSES, held_at__isnull=True)
        # F() of a NULL column stays NULL: a deadline not set stays unset.
        moved_cases = cases.update(**{name: F(name) - delta for name in CASE_DEADLINES})
        assignments = Assignment.objects.filter(case__in=cases).exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES)
        moved_assignments = assignments.update(**{name: F(name) - delta for name in ASSIGNMENT_DEADLINES})
        queue_task(sweep_deadlines)
    return moved_cases, moved_assignments
