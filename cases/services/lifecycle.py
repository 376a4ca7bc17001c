"""The one function that changes a case, and the table that says who may do what, when.

Every action on an existing case goes through :func:`transition`, which

1. locks the case row (``SELECT … FOR NO KEY UPDATE``), so concurrent actions queue up;
2. checks the caller's expected status, then :func:`admit`: the table (the case's status must be
   one the action starts from, else :class:`Conflict`, HTTP 409; the actor must hold one of the
   action's roles towards this case, else :class:`Forbidden`, HTTP 403) and the action's
   :class:`Precondition` on the case's sub-state (already signed, on hold, a request pending …),
   which also picks and locks what the action is done to;
3. runs the action's step, which validates its input (else :class:`Invalid`, HTTP 400), changes
   rows and may pick the target status;
4. saves the case with ``update_fields`` and appends one :class:`CaseEvent`;
all in one transaction. Side effects (notices, tasks) are queued by the step through
:mod:`governance.effects` and run only after commit. A failure anywhere rolls back all.

:func:`admit` is also what the case detail asks for each action to list what a user may try
now: what it offers succeeds given valid input, and the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import BigIntegerField, BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cases.access import case_roles, department_ids_for
from cases.models import (
    INACTIVE_ASSIGNMENT_STATUSES,
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    DecisionStatus,
    Extension,
    Hold,
    MediationSession,
    ReturnRequest,
    Summons,
    Supervision,
)
from governance import clock

S = CaseStatus
A = AssignmentStatus
# A co-department's part still to come: neither recorded nor waived.
OPEN_CO = [A.PENDING, A.SIGNED, A.RETURN_REQUESTED]


class LifecycleError(Exception):
    """A refused action. ``code`` is machine-readable; ``message`` is for people, in the active
    language (raise it with ``gettext``; the msgid is the Chinese text)."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.errors = errors or {}


class Invalid(LifecycleError):
    """Bad input: a missing reason, a date in the past, a department that does not exist."""


class Forbidden(LifecycleError):
    status_code = 403
    default_code = "forbidden"


class NotFound(LifecycleError):
    """The case is gone (or never was): the same answer as one out of the user's scope."""

    status_code = 404
    default_code = "not_found"


class Conflict(LifecycleError):
    """The case is not (or no longer) in a state the action starts from."""

    status_code = 409
    default_code = "conflict"


def invalid(field_name: str, message: str) -> Invalid:
    return Invalid(message, code="invalid", errors={field_name: [message]})


@dataclass(frozen=True)
class Rule:
    label: str  # lazy (msgctxt "action"): translated when a message is formatted with it
    sources: frozenset[str]
    roles: frozenset[str]
    # The status after the action; None keeps it, unless the step chooses one of ``may_choose``.
    target: str | None = None
    may_choose: frozenset[str] = frozenset()


def rule(label: str, sources, roles, target: str | None = None, *, may_choose=()) -> Rule:
    return Rule(label, frozenset(sources), frozenset(roles), target, frozenset(may_choose))


HANDLING = (S.DISPATCHED, S.IN_PROGRESS)

# state × action × role. Roles are relative to the case (cases.access.case_roles): chief of its
# station, lead / co for a department holding an active assignment, mediator of an assigned
# mediation force, liaison (an open summons to the case is addressed to them), reporter (filed it
# or walks its grid), leader (district), system (tasks). The case detail offers a user's actions
# in this order.
TRANSITIONS: dict[str, Rule] = {
    "accept": rule(pgettext_lazy("action", "受理"), [S.REPORTED], ["chief"], S.ACCEPTED),
    "reject": rule(pgettext_lazy("action", "不予受理"), [S.REPORTED], ["chief"], S.REJECTED),
    "merge": rule(pgettext_lazy("action", "并案"), [S.REPORTED, S.ACCEPTED], ["chief"], S.MERGED),
    "dispatch": rule(pgettext_lazy("action", "分拨"), [S.ACCEPTED], ["chief"], S.DISPATCHED),
    # the lead's signature puts the case in progress
    "sign": rule(pgettext_lazy("action", "签收"), HANDLING, ["lead", "co"], may_choose=[S.IN_PROGRESS]),
    "request_return": rule(pgettext_lazy("action", "申请退单"), HANDLING, ["lead", "co"]),
    # a lead's return approved sends the case back to accepted
    "decide_return": rule(pgettext_lazy("action", "审批退单"), HANDLING, ["chief"], may_choose=[S.ACCEPTED]),
    "request_extension": rule(pgettext_lazy("action", "申请延期"), HANDLING, ["lead"]),
    "decide_extension": rule(pgettext_lazy("action", "审批延期"), HANDLING, ["chief"]),
    "request_hold": rule(pgettext_lazy("action", "申请挂账"), [S.IN_PROGRESS], ["lead"]),
    "decide_hold": rule(pgettext_lazy("action", "审批挂账"), [S.IN_PROGRESS], ["chief"]),
    "resume": rule(pgettext_lazy("action", "恢复办理"), [S.IN_PROGRESS], ["chief", "lead"]),
    "record_part": rule(pgettext_lazy("action", "协办反馈"), [S.IN_PROGRESS], ["co"]),
    "waive_part": rule(pgettext_lazy("action", "免除协办"), [S.IN_PROGRESS], ["chief"]),
    "resolve": rule(pgettext_lazy("action", "办结"), [S.IN_PROGRESS], ["lead"], S.RESOLVED),
    "feedback": rule(
        pgettext_lazy("action", "反馈评价"), [S.RESOLVED], ["reporter", "chief"], may_choose=[S.CLOSED, S.IN_PROGRESS]
    ),
    "close": rule(pgettext_lazy("action", "结案"), [S.RESOLVED], ["chief"], S.CLOSED),
    "close_default": rule(pgettext_lazy("action", "逾期默认满意结案"), [S.RESOLVED], ["system"], S.CLOSED),
    "supervise": rule(pgettext_lazy("action", "挂牌督办"), OPEN_STATUSES, ["chief", "leader"]),
    "respond_supervision": rule(pgettext_lazy("action", "督办回复"), OPEN_STATUSES, ["lead", "co"]),
    "schedule_mediation": rule(pgettext_lazy("action", "安排联合调处"), HANDLING, ["chief", "lead", "mediator"]),
    "record_mediation": rule(pgettext_lazy("action", "记录调处结果"), HANDLING, ["chief", "lead", "mediator"]),
    # a summoned liaison officer confirms the summons, then comes: they or the chief record it
    "acknowledge_summons": rule(pgettext_lazy("action", "确认召集"), HANDLING, ["liaison"]),
    "record_arrival": rule(pgettext_lazy("action", "记录到岗"), HANDLING, ["liaison", "chief"]),
}


# --- Preconditions: the sub-state an action needs, beyond the table -------------------------


@dataclass(frozen=True)
class Item:
    """A request, a mediation round, a manual supervision or a summons of a case, as
    preconditions see it."""

    kind: str  # a key of ITEM_KINDS
    pk: int
    open: bool  # pending, scheduled, unanswered, not yet arrived
    assignment_id: int | None
    addressee_id: int | None  # the user it is addressed to (a summons' liaison officer)
    status: str  # the row's status ("" for a supervision, which has none)


NO_ID = Cast(None, output_field=BigIntegerField())  # typed: a union of NULLs alone would be text


@dataclass(frozen=True)
class ItemKind:
    rows: Any  # a queryset
    open: Q
    assignment: str | Value = NO_ID
    addressee: str | Value = NO_ID
    status: str | Value = "status"


ITEM_KINDS = {
    "return": ItemKind(ReturnRequest.objects.all(), Q(status=DecisionStatus.PENDING), "assignment_id"),
    "extension": ItemKind(Extension.objects.all(), Q(status=DecisionStatus.PENDING), "assignment_id"),
    "hold": ItemKind(Hold.objects.all(), Q(status=DecisionStatus.PENDING), "assignment_id"),
    "session": ItemKind(MediationSession.objects.all(), Q(status=MediationSession.Status.SCHEDULED)),
    "supervision": ItemKind(
        Supervision.objects.filter(level=Supervision.Level.MANUAL),
        Q(responded_at__isnull=True),
        "assignment_id",
        status=Value(""),
    ),
    "summons": ItemKind(
        Summons.objects.all(),
        Q(status__in=[Summons.Status.SENT, Summons.Status.ACKNOWLEDGED]),
        addressee="liaison_officer_id",
    ),
}


@dataclass(frozen=True)
class Facts:
    """What the preconditions read about one case, once: its live assignments (with their
    departments) and its requests, mediation rounds and manual supervisions."""

    assignments: tuple[Assignment, ...]
    items: tuple[Item, ...]

    def of(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]

    def pending(self, kind: str, assignment: Assignment) -> bool:
        return any(item.open and item.assignment_id == assignment.pk for item in self.of(kind))


def case_facts(case: Case) -> Facts:
    """Two queries, whatever the case holds."""
    live = Assignment.objects.filter(case=case).exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES)
    rows = [
        # order_by(): no part needs the models' default ordering (a sort per part for nothing).
        k.rows.filter(case=case)
        .order_by()
        .values_list(
            Value(kind),
            "pk",
            ExpressionWrapper(k.open, output_field=BooleanField()),
            k.assignment,
            k.addressee,
            k.status,
        )
        for kind, k in ITEM_KINDS.items()
    ]
    items = rows[0].union(*rows[1:], all=True)
    return Facts(tuple(live.select_related("department")), tuple(Item(*row) for row in items))


def _sign(case: Case, facts: Facts, assignment: Assignment) -> LifecycleError | None:
    if assignment.status != A.PENDING:
        return Conflict(_("该派单已签收"), code="already_signed")
    return None


def _request_return(case: Case, facts: Facts, assignment: Assignment) -> LifecycleError | None:
    if assignment.status == A.RETURN_REQUESTED:
        return Conflict(_("已提交退单申请，待站长审批"), code="pending_request")
    if assignment.status not in (A.PENDING, A.SIGNED):
        return Conflict(_("该派单当前不能退单"), code="illegal_transition")
    return None


def _request_extension(case: Case, facts: Facts, assignment: Assignment) -> LifecycleError | None:
    if case.handle_due_at is None:
        return Conflict(_("案件没有办理期限"), code="no_deadline")
    if now() >= case.handle_due_at:
        return Conflict(_("已超过办理期限，不能再申请延期"), code="past_due")
    if facts.pending("extension", assignment):
        return Conflict(_("已有待审批的延期申请"), code="pending_request")
    return None


def _request_hold(case: Case, facts: Facts, assignment: Assignment) -> LifecycleError | None:
    if case.held_at is not None:
        return Conflict(_("案件已挂账"), code="already_held")
    if facts.pending("hold", assignment):
        return Conflict(_("已有待审批的挂账申请"), code="pending_request")
    return None


def _record_part(case: Case, facts: Facts, assignment: Assignment) -> LifecycleError | None:
    if assignment.status == A.PENDING:
        return Conflict(_("请先签收派单"), code="not_signed")
    if assignment.status != A.SIGNED:
        return Conflict(_("该派单当前不能反馈"), code="not_signed")
    return None


def _resolve(case: Case, facts: Facts, lead: Assignment) -> LifecycleError | None:
    if lead.status != A.SIGNED:
        return Conflict(_("请先签收派单"), code="not_signed")
    if case.held_at is not None:
        return Conflict(_("案件挂账中，请先恢复办理"), code="on_hold")
    waiting = [a for a in facts.assignments if a.role == AssignmentRole.CO and a.status in OPEN_CO]
    if waiting:
        names = _("、").join(str(a.department) for a in waiting)
        return Conflict(
            _("协办部门尚未反馈：%(departments)s（或由站长免除）") % {"departments": names}, code="parts_missing"
        )
    return None


def _undecided(case: Case, facts: Facts, request: Item) -> LifecycleError | None:
    return None if request.open else Conflict(_("该申请已审批"), code="already_decided")


def _held(case: Case, facts: Facts, _subject) -> LifecycleError | None:
    return None if case.held_at is not None else Conflict(_("案件未挂账"), code="not_held")


def _part_open(case: Case, facts: Facts, assignment: Assignment) -> LifecycleError | None:
    return None if assignment.status in OPEN_CO else _no_part_to_waive()


def _no_part_to_waive() -> Invalid:
    return invalid("assignment_id", _("没有可免除的协办派单"))


def _never_dispatched(case: Case, facts: Facts, _subject) -> LifecycleError | None:
    # A case once dispatched counts in the handling measures: it may be re-dispatched, not merged
    # (the constraint case_dispatched_state_consistent holds the database to it).
    if case.dispatched_at is not None:
        return Conflict(_("案件已分拨过，不能并案"), code="already_dispatched")
    return None


def _unassigned(case: Case, facts: Facts, _subject) -> LifecycleError | None:
    if facts.assignments:
        return Conflict(_("案件仍有未退回的派单，不能重复分拨"), code="already_assigned")
    return None


def _no_open_round(case: Case, facts: Facts, _subject) -> LifecycleError | None:
    if any(session.open for session in facts.of("session")):
        return Conflict(_("上一轮调处尚未记录结果"), code="round_open")
    return None


def _round_open(case: Case, facts: Facts, session: Item) -> LifecycleError | None:
    return None if session.open else Conflict(_("该轮调处已记录结果"), code="already_recorded")


def _unanswered(case: Case, facts: Facts, item: Item) -> LifecycleError | None:
    return None if item.open else Conflict(_("该督办已回复"), code="already_responded")


def _unacknowledged(case: Case, facts: Facts, summons: Item) -> LifecycleError | None:
    if summons.status == Summons.Status.CANCELLED:
        return Conflict(_("该召集已取消"), code="cancelled")
    if summons.status != Summons.Status.SENT:
        return Conflict(_("该召集已确认"), code="already_acknowledged")
    return None


def _acknowledged(case: Case, facts: Facts, summons: Item) -> LifecycleError | None:
    if summons.status == Summons.Status.SENT:
        return Conflict(_("联络员尚未确认召集"), code="not_acknowledged")
    if summons.status == Summons.Status.ARRIVED:
        return Conflict(_("已记录到岗"), code="already_arrived")
    if summons.status == Summons.Status.CANCELLED:
        return Conflict(_("该召集已取消"), code="cancelled")
    return None


def _no_summons() -> Invalid:
    return invalid("summons_id", _("召集不存在"))


def _no_assignment() -> Forbidden:
    return Forbidden(_("您的部门没有该案件的有效派单"))


def _no_request() -> Invalid:
    return invalid("request_id", _("申请不存在"))


@dataclass(frozen=True)
class Precondition:
    """What an action needs beyond the table: ``check(case, facts, subject)`` says why not, or None.

    ``subject`` is what the action is done to, named by the user (``subject_id``): None, the case
    itself; "own", the user's own live assignment (of ``role`` if set, lead first), named by its
    department; "co", a co-department's assignment; else a kind of ``ITEM_KINDS``. An actor who
    holds no role of the action's but ``addressee_role`` acts only on items addressed to them.
    An action with a subject is possible when one of the candidates passes the check; ``missing``
    is the refusal when there is none.
    """

    check: Callable[[Case, Facts, Any], LifecycleError | None]
    subject: str | None = None
    role: str | None = None
    missing: Callable[[], LifecycleError] = _no_assignment
    addressee_role: str | None = None


OWN = "own"
PRECONDITIONS: dict[str, Precondition] = {
    "merge": Precondition(_never_dispatched),
    "dispatch": Precondition(_unassigned),
    "sign": Precondition(_sign, OWN),
    "request_return": Precondition(_request_return, OWN),
    "decide_return": Precondition(_undecided, "return", missing=_no_request),
    "request_extension": Precondition(_request_extension, OWN, AssignmentRole.LEAD),
    "decide_extension": Precondition(_undecided, "extension", missing=_no_request),
    "request_hold": Precondition(_request_hold, OWN, AssignmentRole.LEAD),
    "decide_hold": Precondition(_undecided, "hold", missing=_no_request),
    "resume": Precondition(_held),
    "record_part": Precondition(_record_part, OWN, AssignmentRole.CO),
    "waive_part": Precondition(_part_open, "co", missing=_no_part_to_waive),
    "schedule_mediation": Precondition(_no_open_round),
    "record_mediation": Precondition(_round_open, "session", missing=lambda: invalid("session_id", _("调处不存在"))),
    "resolve": Precondition(_resolve, OWN, AssignmentRole.LEAD),
    "respond_supervision": Precondition(
        _unanswered, "supervision", missing=lambda: invalid("supervision_id", _("督办不存在"))
    ),
    "acknowledge_summons": Precondition(_unacknowledged, "summons", missing=_no_summons, addressee_role="liaison"),
    "record_arrival": Precondition(_acknowledged, "summons", missing=_no_summons, addressee_role="liaison"),
}


def _candidates(
    pre: Precondition, case: Case, facts: Facts, actor, subject_id: int | None, acting_roles: set[str]
) -> list:
    if pre.subject == OWN:
        mine = department_ids_for(actor, case.station_id) if actor else set()
        if subject_id is not None:
            if subject_id not in mine:
                raise Forbidden(_("您不属于该部门"))
            mine = {subject_id}
        own = [a for a in facts.assignments if a.department_id in mine and pre.role in (None, a.role)]
        return sorted(own, key=lambda a: a.role != AssignmentRole.LEAD)  # the lead assignment first
    if pre.subject == "co":
        rows = [a for a in facts.assignments if a.role == AssignmentRole.CO]
    else:
        rows = facts.of(pre.subject)
        if pre.addressee_role and acting_roles == {pre.addressee_role}:
            rows = [row for row in rows if row.addressee_id == actor.pk]
    return [row for row in rows if subject_id is None or row.pk == subject_id]


def admit(action: str, case: Case, *, actor, roles: set[str], facts: Facts | None = None, subject_id=None):
    """May ``actor``, holding ``roles``, try ``action`` on ``case`` now? The one answer, asked by
    :func:`transition` and by the list of actions a user is offered.

    Raises the refusal; else returns what the action is done to (see :class:`Precondition`):
    the first candidate that passes, or None. ``facts`` are read here when not given.
    """
    rule_ = TRANSITIONS[action]
    if case.status not in rule_.sources:
        raise Conflict(
            _("案件当前状态为「%(status)s」，不能%(action)s")
            % {"status": case.get_status_display(), "action": rule_.label},
            code="illegal_transition",
        )
    if not roles & rule_.roles:
        raise Forbidden(_("您无权对该案件执行「%(action)s」") % {"action": rule_.label}, code="forbidden")
    pre = PRECONDITIONS.get(action)
    if pre is None:
        return None
    if facts is None:
        facts = case_facts(case)
    if pre.subject is None:
        refusal = pre.check(case, facts, None)
        if refusal:
            raise refusal
        return None
    candidates = _candidates(pre, case, facts, actor, subject_id, roles & rule_.roles)
    if not candidates:
        raise pre.missing()
    refusals = [pre.check(case, facts, candidate) for candidate in candidates]
    for candidate, refusal in zip(candidates, refusals, strict=True):
        if refusal is None:
            return candidate
    raise refusals[0]


def may_try(action: str, case: Case, *, actor, roles: set[str], facts: Facts) -> bool:
    """Whether :func:`admit` lets the user try the action (for a list of buttons)."""
    rule_ = TRANSITIONS[action]
    if case.status not in rule_.sources or not roles & rule_.roles:
        return False  # admit's first two refusals, without wording a message nobody reads
    try:
        admit(action, case, actor=actor, roles=roles, facts=facts)
    except LifecycleError:
        return False
    return True


def _locked(chosen: Assignment | Item | None):
    """The row an action is done to, fresh and locked (after the case: one lock order)."""
    if chosen is None:
        return None
    rows = Assignment.objects.all() if isinstance(chosen, Assignment) else ITEM_KINDS[chosen.kind].rows
    return rows.select_for_update(no_key=True).get(pk=chosen.pk)


@dataclass
class Step:
    """What an action's step tells the transition: the fields it changed and what to record."""

    fields: set[str] = field(default_factory=set)
    target: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    result: Any = None


def transition(
    case_id: int,
    *,
    actor,
    action: str,
    step: Callable[[Case, Any], Step],
    reason: str = "",
    expected_status: str | None = None,
    subject_id: int | None = None,
) -> tuple[Case, Any]:
    """Apply ``action`` to the case under a row lock; see the module docstring for the order.

    ``actor`` None means the system (a Celery task). ``subject_id`` names what the action is done
    to (see :class:`Precondition`); ``step(case, subject)`` does the work, given that row locked
    (None for an action on the case itself). Returns the saved case and the step's ``result``.
    """
    with transaction.atomic():
        try:
            case = Case.objects.select_for_update(no_key=True).get(pk=case_id)
        except Case.DoesNotExist:
            raise NotFound(_("案件不存在"), code="not_found") from None
        if expected_status and case.status != expected_status:
            raise Conflict(
                _("案件状态已变为「%(status)s」，请刷新后重试") % {"status": case.get_status_display()}, code="stale"
            )
        roles = {"system"} if actor is None else case_roles(actor, case)
        subject = _locked(admit(action, case, actor=actor, roles=roles, subject_id=subject_id))

        from_status = case.status
        outcome = step(case, subject)
        rule_ = TRANSITIONS[action]
        if outcome.target and outcome.target not in rule_.may_choose:
            raise AssertionError(f"{action} may not lead to {outcome.target}")  # a bug, not a user error
        target = outcome.target or rule_.target
        if target and target != case.status:
            case.status = target
            outcome.fields.add("status")
        if outcome.fields:
            case.save(update_fields=[*sorted(outcome.fields), "updated_at"])
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=case.status,
            reason=reason,
            payload=outcome.payload,
        )
    return case, outcome.result


def now():
    """The moment every service stamps: the real time, or the one the caller set (governance.clock)."""
    return clock.now()
