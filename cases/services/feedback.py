"""Closing the loop (反馈): the reporter's verdict, the chief's close, the default after the window."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from cases.deadlines import due, set_deadline, sla_for
from cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseStatus,
    Deadline,
    Feedback,
    Satisfaction,
)
from cases.selectors import handlers_of
from cases.services.lifecycle import Conflict, Step, invalid, now, transition
from notifications.services import notify

GIVEN = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED)


def case_feedback(case_id: int, *, actor, result: str, comment: str = "", expected_status: str | None = None) -> Case:
    """核查反馈. Satisfied or basically satisfied closes the case; dissatisfied (with a reason)
    sends it back to the lead department as rework (返工), counted, with a fresh handling time."""
    comment = (comment or "").strip()
    if result not in GIVEN:
        raise invalid("result", _("请选择满意、基本满意或不满意"))
    if result == Satisfaction.DISSATISFIED and not comment:
        raise invalid("comment", _("不满意时请说明原因"))

    def step(case: Case, _subject) -> Step:
        moment = now()
        Feedback.objects.create(case=case, result=result, comment=comment, given_by=actor)
        case.satisfaction = result
        out = Step(fields={"satisfaction"}, payload={"result": result})
        if result != Satisfaction.DISSATISFIED:
            case.closed_at = moment
            out.fields.add("closed_at")
            out.target = CaseStatus.CLOSED
            return out
        # Rework: the lead's assignment reopens and the handling clock starts again from now.
        lead = (
            Assignment.objects.filter(case=case, role=AssignmentRole.LEAD, status=AssignmentStatus.DONE)
            .select_for_update(no_key=True)
            .first()
        )
        case.rework_count += 1
        case.resolved_at = case.feedback_due_at = None
        limit = sla_for(case.category, case.urgency).handle
        out.fields |= {"rework_count", "resolved_at", "feedback_due_at"}
        out.fields |= set_deadline(case, Deadline.HANDLE, start=moment, due_at=due(moment, limit), unit=limit[1])
        if lead:
            lead.status, lead.finished_at, lead.handle_due_at = AssignmentStatus.SIGNED, None, case.handle_due_at
            lead.save(update_fields=["status", "finished_at", "handle_due_at"])
            notify(handlers_of(case.station_id, [lead.department_id]), kind="rework", case=case, text=comment)
        out.target = CaseStatus.IN_PROGRESS
        out.payload["rework"] = case.rework_count
        return out

    case, _result = transition(
        case_id, actor=actor, action="feedback", step=step, reason=comment, expected_status=expected_status
    )
    return case


def case_close(case_id: int, *, actor, reason: str = "", expected_status: str | None = None) -> Case:
    """结案 by the chief, e.g. after verifying by phone with a reporter who is not in the system."""

    def step(case: Case, _subject) -> Step:
        case.closed_at = now()
        return Step(fields={"closed_at"})

    case, _result = transition(
        case_id, actor=actor, action="close", step=step, reason=reason, expected_status=expected_status
    )
    return case


def case_close_default(case_id: int, *, actor=None, feedback_due_at: datetime | None = None) -> Case:
    """逾期默认满意: no feedback within the window. Counted apart from real satisfaction.

    Only the system (actor None, the feedback sweep) may do this; a person closes with case_close.
    The sweep passes the window it saw end: a case reworked and resolved again since then has a new
    window, and is left alone (Conflict).
    """

    def step(case: Case, _subject) -> Step:
        if feedback_due_at is not None and case.feedback_due_at != feedback_due_at:
            raise Conflict(_("反馈期限已变更"), code="stale")
        Feedback.objects.create(case=case, result=Satisfaction.DEFAULT)
        case.satisfaction = Satisfaction.DEFAULT
        case.closed_at = now()
        return Step(fields={"satisfaction", "closed_at"}, payload={"result": Satisfaction.DEFAULT})

    reason = "反馈期限内未反馈，默认满意"  # the event reason is stored in the language of record
    case, _result = transition(case_id, actor=actor, action="close_default", step=step, reason=reason)
    return case
