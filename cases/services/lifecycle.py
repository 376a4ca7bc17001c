"""The one function that changes a case, and the table that says who may do what, when.

Every action on an existing case goes through :func:`transition`, which

1. locks the case row (``SELECT … FOR NO KEY UPDATE``), so concurrent actions queue up;
2. checks the caller's expected status, then the table: the case's status must be one the
   action starts from (else :class:`Conflict`, HTTP 409) and the actor must hold one of the
   action's roles towards this case (else :class:`Forbidden`, HTTP 403);
3. runs the action's step, which validates its input (else :class:`Invalid`, HTTP 400), changes
   rows and may pick the target status;
4. saves the case with ``update_fields`` and appends one :class:`CaseEvent`;
all in one transaction. Side effects (notices, tasks) are queued by the step through
:mod:`cases.services.effects` and run only after commit. A failure anywhere rolls back all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cases.access import case_roles
from cases.models import Case, CaseEvent, CaseStatus
from governance import clock

S = CaseStatus


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

    def allows(self, status: str, roles: set[str]) -> bool:
        """Whether someone holding ``roles`` may try this action in ``status``."""
        return status in self.sources and bool(roles & self.roles)


def rule(label: str, sources, roles, target: str | None = None, *, may_choose=()) -> Rule:
    return Rule(label, frozenset(sources), frozenset(roles), target, frozenset(may_choose))


HANDLING = (S.DISPATCHED, S.IN_PROGRESS)
OPEN = (S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED)

# state × action × role. Roles are relative to the case (cases.access.case_roles): chief of its
# station, lead / co for a department holding an active assignment, mediator of an assigned
# mediation force, reporter (filed it or walks its grid), leader (district), system (tasks).
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
    "schedule_mediation": rule(pgettext_lazy("action", "安排联合调处"), HANDLING, ["chief", "lead", "mediator"]),
    "record_mediation": rule(pgettext_lazy("action", "记录调处结果"), HANDLING, ["chief", "lead", "mediator"]),
    "resolve": rule(pgettext_lazy("action", "办结"), [S.IN_PROGRESS], ["lead"], S.RESOLVED),
    "feedback": rule(
        pgettext_lazy("action", "反馈评价"), [S.RESOLVED], ["reporter", "chief"], may_choose=[S.CLOSED, S.IN_PROGRESS]
    ),
    "close": rule(pgettext_lazy("action", "结案"), [S.RESOLVED], ["chief"], S.CLOSED),
    "close_default": rule(pgettext_lazy("action", "逾期默认满意结案"), [S.RESOLVED], ["system"], S.CLOSED),
    "supervise": rule(pgettext_lazy("action", "挂牌督办"), OPEN, ["chief", "leader"]),
    "respond_supervision": rule(pgettext_lazy("action", "督办回复"), OPEN, ["lead", "co"]),
}


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
    step: Callable[[Case, set[str]], Step],
    reason: str = "",
    expected_status: str | None = None,
) -> tuple[Case, Any]:
    """Apply ``action`` to the case under a row lock; see the module docstring for the order.

    ``actor`` None means the system (a Celery task). ``step(case, roles)`` does the work.
    Returns the saved case and the step's ``result``.
    """
    rule_ = TRANSITIONS[action]
    with transaction.atomic():
        try:
            case = Case.objects.select_for_update(no_key=True).get(pk=case_id)
        except Case.DoesNotExist:
            raise NotFound(_("案件不存在"), code="not_found") from None
        if expected_status and case.status != expected_status:
            raise Conflict(
                _("案件状态已变为「%(status)s」，请刷新后重试") % {"status": case.get_status_display()}, code="stale"
            )
        if case.status not in rule_.sources:
            raise Conflict(
                _("案件当前状态为「%(status)s」，不能%(action)s")
                % {"status": case.get_status_display(), "action": rule_.label},
                code="illegal_transition",
            )
        roles = {"system"} if actor is None else case_roles(actor, case)
        if not roles & rule_.roles:
            raise Forbidden(_("您无权对该案件执行「%(action)s」") % {"action": rule_.label}, code="forbidden")

        from_status = case.status
        outcome = step(case, roles)
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
