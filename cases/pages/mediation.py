"""Joint mediation (联合调处) on the case page (issue 11, item 6): the rounds in order, and the
forms to schedule a round (time, place, departments, outside participants), record it (minutes,
attendance, outcome, agreement and its signed document) and schedule the next from the last.

The forms post to ``cases:act`` like every action of the page; :func:`schedule_body` and
:func:`record_body` turn what they send into the API's input (``cases.action_forms.PAGE_INPUTS``),
and a refused form comes back here with what was typed and the reasons, by field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import INACTIVE_ASSIGNMENT_STATUSES, Case, MediationOutcome, MediationParticipant, MediationSession
from cases.privacy import Visibility, shown_participant_name
from cases.selectors import mediation_departments

if TYPE_CHECKING:
    from cases.action_forms import ActionForm

Role = MediationParticipant.Role
# Who comes besides the departments: a row each on the schedule form.
OUTSIDE_ROLES = [(role.value, role.label) for role in (Role.LAWYER, Role.ELDER, Role.PARTY, Role.MEDIATOR, Role.OTHER)]
OUTSIDE_ROW = re.compile(r"outside-(\d{1,3})-(role|name|organization|user_id)")
OUTSIDE_FIELDS = ("role", "name", "organization", "user_id")
# After these the next round is offered prefilled from the last (安排下一轮).
GOES_ON = (MediationOutcome.PARTIAL, MediationOutcome.FAILED)

MEDIATION_ACTIONS = ("schedule_mediation", "record_mediation")
SCHEDULE_FIELDS = frozenset({"scheduled_at", "place", "department_ids", "participants"})
RECORD_FIELDS = frozenset({"session_id", "minutes", "outcome", "agreement", "attended_ids", "document"})


# --- What the forms send, as the API takes it -------------------------------------------------


def outside_rows(data) -> list[dict[str, str]]:
    """The outside participants' rows as typed (``outside-<n>-<field>``), in the order of ``n``,
    without the rows left empty."""
    rows: dict[int, dict[str, str]] = {}
    for key in data:
        match = OUTSIDE_ROW.fullmatch(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = data.get(key, "").strip()
    typed = [rows[n] for n in sorted(rows)]
    return [
        {name: row.get(name, "") for name in OUTSIDE_FIELDS}
        for row in typed
        if row.get("name") or row.get("organization")
    ]


def schedule_body(data, files) -> dict:
    """安排联合调处 as sent: the ticked departments (none ticked is a choice too), the rows."""
    return {
        "scheduled_at": data.get("scheduled_at", ""),
        "place": data.get("place", ""),
        "department_ids": data.getlist("department_ids"),
        "participants": [
            {**row, "role": row["role"] or Role.OTHER, "user_id": row["user_id"] or None} for row in outside_rows(data)
        ],
    }


def record_body(data, files) -> dict:
    """记录调处结果 as sent: the ticks are who came (no tick: nobody), the file if one was chosen."""
    body = {name: data.get(name, "") for name in ("session_id", "minutes", "outcome", "agreement")}
    body["attended_ids"] = data.getlist("attended_ids")
    body["document"] = files.get("document")
    return body


# --- What the page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoleGroup:
    label: str
    participants: list[MediationParticipant]


@dataclass(frozen=True)
class Round:
    session: MediationSession
    groups: list[RoleGroup]  # participants grouped by role, in the roles' order

    @property
    def held(self) -> bool:
        return self.session.status == MediationSession.Status.HELD


@dataclass(frozen=True)
class DepartmentChoice:
    pk: int
    name: str
    assigned: bool
    checked: bool


@dataclass
class OutsideRow:
    index: int
    role: str = Role.LAWYER
    name: str = ""
    organization: str = ""
    user_id: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Refusal:
    """A refused form's message and its reasons by field."""

    message: str = ""
    stale: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)

    def of(self, name: str) -> list[str]:
        return self.errors.get(name, [])


@dataclass
class ScheduleForm:
    next_round: bool  # 安排下一轮: prefilled from the last round
    scheduled_at: str
    place: str
    departments: list[DepartmentChoice]
    rows: list[OutsideRow]
    refusal: Refusal
    roles: list = field(default_factory=lambda: OUTSIDE_ROLES)

    @property
    def label(self) -> str:
        return str(_("安排下一轮") if self.next_round else _("安排联合调处"))

    @property
    def next_index(self) -> int:
        return max((row.index for row in self.rows), default=-1) + 1


@dataclass
class RecordForm:
    session: MediationSession
    minutes: str
    outcome: str
    agreement: str
    attended: set[int]
    refusal: Refusal
    document_again: bool  # refused: a browser never keeps a chosen file, it must be chosen again
    outcomes: list = field(default_factory=lambda: MediationOutcome.choices)


@dataclass
class MediationPanel:
    rounds: list[Round]
    schedule: ScheduleForm | None
    record: RecordForm | None

    @property
    def shown(self) -> bool:
        return bool(self.rounds or self.schedule or self.record)


def mediation_panel(
    case: Case, *, available: Iterable[str], refused: ActionForm | None, sent, shown: Visibility
) -> MediationPanel:
    """The rounds of ``case`` (prefetched with their participants and document) and the forms of
    the mediation actions in ``available``; ``refused``, one of them sent back, with ``sent``.
    Participants' names as ``shown`` lets this viewer see them (cases.privacy)."""
    available = set(available)
    rounds = [Round(session, _groups(session, shown)) for session in case.mediations.all()]
    schedule = record = None
    refusal = _refusal(refused)
    if "schedule_mediation" in available or (refused and refused.key == "schedule_mediation"):
        schedule = _schedule_form(case, rounds, sent if refused and refused.key == "schedule_mediation" else None)
        if refused and refused.key == "schedule_mediation":
            schedule.refusal = refusal
            for row, errors in _row_errors(refusal.errors).items():
                if row < len(schedule.rows):
                    schedule.rows[row].errors = errors
    scheduled = MediationSession.Status.SCHEDULED
    open_round = next((r.session for r in rounds if r.session.status == scheduled), None)
    if refused and refused.key == "record_mediation":
        named = next((r.session for r in rounds if str(r.session.pk) == sent.get("session_id")), None)
        record = _record_form(named or open_round, sent, refusal)
    elif "record_mediation" in available and open_round is not None:
        record = _record_form(open_round, None, Refusal())
    return MediationPanel(rounds=rounds, schedule=schedule, record=record)


def _refusal(refused: ActionForm | None) -> Refusal:
    """The refusal's reasons by the field the form shows them beside: a list's item by the list
    (``department_ids.0``), an outside participant's by its row (``participants.1.name``)."""
    if refused is None:
        return Refusal()
    errors: dict[str, list[str]] = {}
    for name, messages in refused.errors.items():
        beside = name if re.fullmatch(r"participants\.\d+\..+", name) else name.split(".")[0]
        errors.setdefault(beside, []).extend(messages)
    return Refusal(message=refused.message, stale=refused.stale, errors=errors)


def _groups(session: MediationSession, shown: Visibility) -> list[RoleGroup]:
    by_role: dict[str, list[MediationParticipant]] = {}
    for participant in session.participants.all():
        participant.shown_name = shown_participant_name(participant, shown)
        by_role.setdefault(participant.role, []).append(participant)
    return [RoleGroup(str(role.label), by_role[role]) for role in Role if role in by_role]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _schedule_form(case: Case, rounds: list[Round], sent) -> ScheduleForm:
    """Blank (the assigned departments ticked), prefilled from the last round when it came to a
    partial agreement or none, or as sent when refused."""
    last = rounds[-1].session if rounds else None
    next_round = last is not None and last.status == MediationSession.Status.HELD and last.outcome in GOES_ON
    departments = mediation_departments(case)
    assigned = {a.department_id for a in case.assignments.all() if a.status not in INACTIVE_ASSIGNMENT_STATUSES}
    if sent is not None:
        ticked = set(sent.getlist("department_ids"))
        rows = [OutsideRow(i, **row) for i, row in enumerate(outside_rows(sent))]
        scheduled_at, place = sent.get("scheduled_at", ""), sent.get("place", "")
        next_round = next_round and sent.get("next_round") == "1"
    elif next_round:
        people = last.participants.all()
        ticked = {str(p.department_id) for p in people if p.role == Role.DEPARTMENT}
        rows = [
            OutsideRow(i, p.role, p.name, p.organization, str(p.user_id or ""))
            for i, p in enumerate(p for p in people if p.role != Role.DEPARTMENT)
        ]
        scheduled_at, place = "", last.place
    else:
        ticked = {str(pk) for pk in assigned}
        rows, scheduled_at, place = [], "", ""
    if not rows or rows[-1].name or rows[-1].organization:
        rows.append(OutsideRow(len(rows)))  # one empty row: enough without the script
    return ScheduleForm(
        next_round=next_round,
        scheduled_at=scheduled_at,
        place=place,
        departments=[DepartmentChoice(d.pk, d.name, d.pk in assigned, str(d.pk) in ticked) for d in departments],
        rows=rows,
        refusal=Refusal(),
    )


def _row_errors(errors: dict[str, list[str]]) -> dict[int, list[str]]:
    """``participants.<i>.<field>`` reasons, by row."""
    rows: dict[int, list[str]] = {}
    for name, messages in errors.items():
        parts = name.split(".")
        if parts[0] == "participants" and len(parts) > 1 and parts[1].isdigit():
            rows.setdefault(int(parts[1]), []).extend(messages)
    return rows


def _record_form(session: MediationSession | None, sent, refusal: Refusal) -> RecordForm | None:
    if session is None:
        return None
    if sent is None:
        everyone = {p.pk for p in session.participants.all()}
        return RecordForm(session, "", "", "", everyone, refusal, document_again=False)
    # Compared as text: what was sent need not be a number int() takes ("²" is a digit to isdigit).
    ticked = set(sent.getlist("attended_ids"))
    attended = {p.pk for p in session.participants.all() if str(p.pk) in ticked}
    return RecordForm(
        session,
        sent.get("minutes", ""),
        sent.get("outcome", ""),
        sent.get("agreement", ""),
        attended,
        refusal,
        document_again=True,
    )
