"""The minute sweep of deadlines (DESIGN §6): supervision rungs come due, feedback windows ended.
(The sweep of notices' outside copies still owed is ``notifications.services.sweep_deliveries``.)

Deadlines are rows, not timers. Each deadline stores when its next rung falls due
(``<kind>_next_rung_at``, set with the due time by :mod:`cases.deadlines`) under a partial index,
so a sweep reads only the rows due now: its cost follows the due rows, not the open cases. Two
sweeps at once are safe: the row lock is the claim, and the constraint ``supervision_rung_once``
holds each rung to once per deadline value whatever happens.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.db.models import Case as Switch
from django.db.models import F, Q, Value, When

from cases.deadlines import RUNG_ORDER, rungs_below
from cases.models import Assignment, AssignmentStatus, Case, CaseStatus, Deadline, Supervision
from cases.selectors import leaders, people_of_stations
from cases.services.feedback import case_close_default
from cases.services.lifecycle import Conflict
from governance import clock
from notifications.services import Notice, notify_all

BATCH = 200
Level = Supervision.Level
# After a rung, the column that holds when the next one falls due (None: the ladder is done).
NEXT_RUNG = {Level.YELLOW: "due_at", Level.RED: "escalate_at", Level.ESCALATED: None}
# The departments still working on a case answer for its handling deadline.
WORKING = [AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.RETURN_REQUESTED]


@dataclass(frozen=True)
class Ladder:
    """One kind of deadline: the model it lives on and the rows whose deadline still runs.

    ``running`` repeats the condition of the model's partial index on ``<deadline>_next_rung_at``.
    A case on hold (挂账) fires nothing.
    """

    deadline: str
    model: type[models.Model]
    running: Q

    def column(self, name: str) -> str:
        return f"{self.deadline}_{name}"

    @property
    def on_case(self) -> bool:
        return self.model is Case


LADDERS = (
    Ladder(Deadline.ACCEPT, Case, Q(status=CaseStatus.REPORTED)),
    Ladder(Deadline.SIGN, Assignment, Q(status=AssignmentStatus.PENDING, case__held_at__isnull=True)),
    Ladder(
        Deadline.HANDLE,
        Case,
        Q(status__in=[CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS], held_at__isnull=True),
    ),
)


def sweep_deadlines(now: datetime | None = None) -> dict[str, int]:
    """Fire every due rung of every ladder, then close the ended feedback windows."""
    now = now or clock.now()
    fired = {ladder.deadline: _sweep_ladder(ladder, now) for ladder in LADDERS}
    fired["closed"] = close_unanswered(now)
    return fired


def _sweep_ladder(ladder: Ladder, now: datetime) -> int:
    total = 0
    while True:  # every claimed row's next rung moves past ``now``, so this ends
        claimed = fire_due_rungs(ladder, now)
        total += claimed
        if claimed < BATCH:
            return total


def fire_due_rungs(ladder: Ladder, now: datetime) -> int:
    """Fire one batch of due rungs of one kind of deadline; return how many rows were claimed.

    1. Lock the due rows (FOR NO KEY UPDATE): the lock is the claim. A second sweep waits on it,
       then finds the rows no longer due (PostgreSQL re-checks the condition on the new rows).
    2. Each row's rung is the highest one reached: escalated, else red, else yellow. A sweep that
       was stopped for a while does not replay the rungs passed meanwhile.
    3. Move each row's next rung on, one UPDATE per rung (and the case's ``ladder``, raised to
       the rung, never lowered).
    4. Write the Supervision rows not already there, and notify for those only; notices are
       delivered after commit. A rung's message is worded from its columns when read
       (``Supervision.text``), in the reader's language.
    5. After commit, for signatures: raise the ladder of the cases still waiting to be signed.
    """
    next_rung = ladder.column("next_rung_at")
    with transaction.atomic():
        due_rows = ladder.model.objects.filter(ladder.running, **{f"{next_rung}__lte": now})
        if ladder.model is Assignment:
            due_rows = due_rows.select_related("case", "department")
        rows = list(due_rows.select_for_update(no_key=True, of=("self",)).order_by(next_rung, "pk")[:BATCH])
        if not rows:
            return 0
        reached = {row.pk: _rung_reached(ladder, row, now) for row in rows}
        for level in NEXT_RUNG:
            pks = [pk for pk, rung in reached.items() if rung == level]
            if pks:
                after = NEXT_RUNG[level]
                changes = {next_rung: F(ladder.column(after)) if after else None}
                if ladder.on_case:
                    changes["ladder"] = _raised_to(level)
                ladder.model.objects.filter(pk__in=pks).update(**changes)
        new = _record(ladder, rows, reached)
        _notify(ladder, new)
    if not ladder.on_case:
        _raise_unsigned_cases(rows, reached)
    return len(rows)


def _raised_to(level: str) -> Switch:
    """The case's ladder, raised to ``level`` if lower: a dispatched case may already stand
    higher on a late signature than its handling deadline does."""
    return Switch(When(ladder__in=rungs_below(level), then=Value(level)), default=F("ladder"))


def _raise_unsigned_cases(assignments: list[Assignment], reached: dict[int, str]) -> None:
    """A case still waiting to be signed for (dispatched) stands on the highest rung its
    departments' signatures reached, so the board and the lists show it (the lead's signature
    sets the case's ladder back to its handling deadline's). Done after the assignments' claim
    is committed, not under it: everywhere else a case is locked before its assignments, and
    raising is idempotent."""
    for level in RUNG_ORDER[1:]:  # the lower first: a higher rung of the same case wins
        case_ids = {a.case_id for a in assignments if reached[a.pk] == level}
        if case_ids:
            Case.objects.filter(pk__in=case_ids, status=CaseStatus.DISPATCHED, ladder__in=rungs_below(level)).update(
                ladder=level
            )


def _rung_reached(ladder: Ladder, row, now: datetime) -> str:
    if now >= getattr(row, ladder.column("escalate_at")):
        return Level.ESCALATED
    if now >= getattr(row, ladder.column("due_at")):
        return Level.RED
    return Level.YELLOW


def _record(ladder: Ladder, rows, reached: dict[int, str]) -> list[Supervision]:
    """Insert the rungs' Supervision rows; return those that were not there already.

    Under the row locks no other sweep can write these keys, so reading first is exact; the
    constraint still has the last word (ON CONFLICT DO NOTHING).
    """
    candidates = []
    for row in rows:
        case = row.case if ladder.model is Assignment else row
        candidates.append(
            Supervision(
                case=case,
                assignment=row if ladder.model is Assignment else None,
                deadline=ladder.deadline,
                due_at=getattr(row, ladder.column("due_at")),
                level=reached[row.pk],
            )
        )
    # By case only (the set below compares the level): with the level in the query PostgreSQL
    # took the (level, created_at) index and filtered every row of that level, 20 ms a batch
    # once 100,000 rows were yellow, where the case's index reads a few.
    existing = set(
        Supervision.objects.filter(case_id__in={s.case_id for s in candidates}, deadline=ladder.deadline).values_list(
            "case_id", "assignment_id", "due_at", "level"
        )
    )
    new = [s for s in candidates if (s.case_id, s.assignment_id, s.due_at, s.level) not in existing]
    Supervision.objects.bulk_create(new, ignore_conflicts=True)
    return new


def _notify(ladder: Ladder, supervisions: list[Supervision]) -> None:
    """Tell the departments that answer for each rung and the station's chiefs; on escalation also
    the district's leaders."""
    if not supervisions:
        return
    departments = _answering_departments(ladder, supervisions)
    stations = {s.case.station_id for s in supervisions}
    chiefs, handlers = people_of_stations(stations, {d for ids in departments for d in ids})
    bosses = leaders() if any(s.level == Level.ESCALATED for s in supervisions) else []
    notices = []
    for supervision, department_ids in zip(supervisions, departments, strict=True):
        case = supervision.case
        people = [u for d in department_ids for u in handlers.get((case.station_id, d), [])]
        people += chiefs.get(case.station_id, [])
        if supervision.level == Level.ESCALATED:
            people += bosses
        params = {
            "deadline": supervision.deadline,
            "due_at": supervision.due_at.isoformat(),
            "department": str(supervision.assignment.department) if supervision.assignment else None,
        }
        notices.append(Notice(people, f"supervision_{supervision.level}", case, params))
    notify_all(notices)  # the batch's notices in two INSERTs, not two per rung


def _answering_departments(ladder: Ladder, supervisions: list[Supervision]) -> list[list[int]]:
    """The departments that answer for each rung: none for acceptance (the chiefs' own step), the
    assignment's department for signing, the departments still working for handling."""
    if ladder.deadline == Deadline.ACCEPT:
        return [[] for _ in supervisions]
    if ladder.deadline == Deadline.SIGN:
        return [[s.assignment.department_id] for s in supervisions]
    working = defaultdict(list)
    rows = Assignment.objects.filter(case_id__in={s.case_id for s in supervisions}, status__in=WORKING)
    for case_id, department_id in rows.values_list("case_id", "department_id"):
        working[case_id].append(department_id)
    return [working[s.case_id] for s in supervisions]


def close_unanswered(now: datetime | None = None) -> int:
    """Close as default-satisfied (逾期默认满意) the resolved cases whose feedback window ended.

    Each goes through the lifecycle (``case_close_default``) with the window the sweep saw: a
    reporter answering at the same moment meets it at the case's row lock, and whoever comes second
    gets a Conflict; here that case is simply left alone.
    """
    now = now or clock.now()
    ended = (
        Case.objects.filter(status=CaseStatus.RESOLVED, feedback_due_at__lte=now)
        .order_by("feedback_due_at", "pk")
        .values_list("pk", "feedback_due_at")
    )
    closed = 0
    for case_id, feedback_due_at in ended[:BATCH]:
        try:
            case_close_default(case_id, feedback_due_at=feedback_due_at)
        except Conflict:
            continue
        closed += 1
    return closed
