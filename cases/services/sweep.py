"""The minute sweeps (DESIGN §6): supervision rungs come due, feedback windows ended, and
outside-channel copies of notices still owed.

Deadlines are rows, not timers. Each deadline stores when its next rung falls due
(``<kind>_next_rung_at``, set with the due time by :mod:`cases.deadlines`) under a partial index,
so a sweep reads only the rows due now: its cost follows the due rows, not the open cases. Two
sweeps at once are safe: the row lock is the claim, and the constraint ``supervision_rung_once``
holds each rung to once per deadline value whatever happens.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Assignment, AssignmentStatus, Case, CaseStatus, Deadline, NotificationDelivery, Supervision
from cases.selectors import leaders, people_of_stations
from cases.services.effects import notify, queue_task
from cases.services.feedback import case_close_default
from cases.services.lifecycle import Conflict
from cases.services.notifications import MAX_ATTEMPTS, STALE_AFTER
from cases.tasks import deliver_notifications
from governance import clock

BATCH = 200
Level = Supervision.Level
Status = NotificationDelivery.Status
# After a rung, the column that holds when the next one falls due (None: the ladder is done).
NEXT_RUNG = {Level.YELLOW: "due_at", Level.RED: "escalate_at", Level.ESCALATED: None}
# The departments still working on a case answer for its handling deadline.
WORKING = [AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.RETURN_REQUESTED]

# Notices are stored text in the language of record, whatever language a request had active.
DEADLINE_NAMES = {Deadline.ACCEPT: "受理", Deadline.SIGN: "签收", Deadline.HANDLE: "办理"}
NOTICES = {
    Level.YELLOW: ("督办预警", "{what}期限将至（{due}），已用去80%的时限，请抓紧办理。"),
    Level.RED: ("超期督办", "已超过{what}期限（{due}），请立即办理并说明原因。"),
    Level.ESCALATED: ("升级督办", "超过{what}期限（{due}）一个工作日仍未完成，已升级督办，通报站长和领导。"),
}


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
    3. Move each row's next rung on, one UPDATE per rung (and the case's ``ladder``).
    4. Write the Supervision rows not already there, and notify for those only; notices are
       delivered after commit.
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
                    changes["ladder"] = level
                ladder.model.objects.filter(pk__in=pks).update(**changes)
        new = _record(ladder, rows, reached)
        _notify(ladder, new)
    return len(rows)


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
        level = reached[row.pk]
        what = DEADLINE_NAMES[ladder.deadline]
        if ladder.model is Assignment:
            what = f"{row.department}{what}"
        due_at = getattr(row, ladder.column("due_at"))
        candidates.append(
            Supervision(
                case=case,
                assignment=row if ladder.model is Assignment else None,
                deadline=ladder.deadline,
                due_at=due_at,
                level=level,
                message=NOTICES[level][1].format(what=what, due=f"{timezone.localtime(due_at):%Y-%m-%d %H:%M}"),
            )
        )
    existing = set(
        Supervision.objects.filter(
            case_id__in={s.case_id for s in candidates}, deadline=ladder.deadline, level__in=set(reached.values())
        ).values_list("case_id", "assignment_id", "due_at", "level")
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
    for supervision, department_ids in zip(supervisions, departments, strict=True):
        case = supervision.case
        people = [u for d in department_ids for u in handlers.get((case.station_id, d), [])]
        people += chiefs.get(case.station_id, [])
        if supervision.level == Level.ESCALATED:
            people += bosses
        notify(
            people,
            kind=f"supervision_{supervision.level}",
            title=f"{NOTICES[supervision.level][0]}：{case.number} {case.title}",
            body=supervision.message,
            case=case,
        )


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


# A notice's own task normally delivers it within seconds; the sweep steps in after this.
DELIVERY_GRACE = timedelta(minutes=1)
# The task retries a failed copy with backoff for about 8 minutes; the sweep then retries slower.
FAILED_RETRY_AFTER = timedelta(minutes=5)
QUEUE_CHUNK = 100


def sweep_deliveries(now: datetime | None = None) -> int:
    """Queue every outside-channel copy still owed; return how many notifications were queued.

    1. Rows left "sending" for longer than ``STALE_AFTER`` (a worker died mid-send) become failed.
    2. Owed: pending rows older than ``DELIVERY_GRACE`` (their task was never queued: the broker was
       down at commit) and failed rows last tried ``FAILED_RETRY_AFTER`` ago, with tries left.
    3. Queue their notifications in chunks. The task claims each row, so a copy whose own task is
       running at the same time is still sent once.
    """
    now = now or clock.now()
    # last_error is stored text in the language of record.
    NotificationDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=Status.FAILED, last_error="发送中断（超时未完成），将重试"
    )
    owed = NotificationDelivery.objects.filter(
        Q(status=Status.PENDING, notification__created_at__lte=now - DELIVERY_GRACE)
        | Q(status=Status.FAILED, claimed_at__lte=now - FAILED_RETRY_AFTER),
        attempts__lt=MAX_ATTEMPTS,
    )
    ids = sorted(set(owed.values_list("notification_id", flat=True)))
    for start in range(0, len(ids), QUEUE_CHUNK):
        queue_task(deliver_notifications, ids[start : start + QUEUE_CHUNK])
    return len(ids)
