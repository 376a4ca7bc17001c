"""What departments do with a case, and the chief's decisions on their requests.

sign · request/decide return (退单) · request/decide extension (延期) · request/decide hold and
resume (挂账) · record/waive a co-department's part · resolve (办结).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cases.deadlines import due, handle_unit, rung_reached, set_deadline, sla_for
from cases.models import (
    INACTIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    AttachmentPurpose,
    Case,
    CaseStatus,
    Deadline,
    DecisionStatus,
    Extension,
    Hold,
    Ladder,
    ReturnRequest,
)
from cases.selectors import chiefs_of
from cases.services.attachments import EVIDENCE_TYPES, attach_files, clean_uploads
from cases.services.lifecycle import OPEN_CO, Conflict, Step, invalid, now, transition
from notifications.services import notify
from workstation.calendar import get_calendar

A = AssignmentStatus


def _reason(reason: str, message: str, *, field: str = "reason") -> str:
    """The stripped reason; blank raises ``message`` (already translated) on ``field``."""
    reason = (reason or "").strip()
    if not reason:
        raise invalid(field, message)
    return reason


def assignment_sign(case_id: int, *, actor, department_id: int | None = None) -> Case:
    """签收. The lead's signature puts the case in progress; the clock already runs since dispatch.
    The case now waits on handling: its ladder shows the handling deadline's rung, no longer a
    late signature's (the sweep raised it while the case waited to be signed)."""

    def step(case: Case, assignment: Assignment) -> Step:
        assignment.status, assignment.signed_at, assignment.signed_by = A.SIGNED, now(), actor
        assignment.save(update_fields=["status", "signed_at", "signed_by"])
        out = Step(payload={"department": assignment.department_id, "role": assignment.role})
        if assignment.role == AssignmentRole.LEAD:
            out.target = CaseStatus.IN_PROGRESS
            case.ladder = rung_reached(case, Deadline.HANDLE)
            out.fields.add("ladder")
        return out

    case, _result = transition(case_id, actor=actor, action="sign", step=step, subject_id=department_id)
    return case


def return_request(case_id: int, *, actor, reason: str, department_id: int | None = None) -> ReturnRequest:
    """申请退单: a department asks to give the case back; the chief decides."""
    reason = _reason(reason, _("请填写退单理由"))

    def step(case: Case, assignment: Assignment) -> Step:
        request = ReturnRequest.objects.create(case=case, assignment=assignment, reason=reason, requested_by=actor)
        # Remember where it was, so a refusal puts it back.
        was_signed = assignment.signed_at is not None
        assignment.status = A.RETURN_REQUESTED
        assignment.save(update_fields=["status"])
        notify(
            chiefs_of(case.station_id),
            kind="return_requested",
            case=case,
            text=reason,
        )
        return Step(
            payload={"request": request.pk, "department": assignment.department_id, "signed": was_signed},
            result=request,
        )

    _case, request = transition(
        case_id, actor=actor, action="request_return", step=step, reason=reason, subject_id=department_id
    )
    return request


def return_decide(case_id: int, *, actor, request_id: int, approve: bool, note: str = "") -> Case:
    """审批退单. Approved: the assignment ends; a lead's return sends the case back for re-dispatch.

    Refused: the department keeps the case, in the state it was in.
    """
    if not approve:
        note = _reason(note, _("请填写不同意退单的理由"), field="note")

    def step(case: Case, request: ReturnRequest) -> Step:
        assignment = Assignment.objects.select_for_update(no_key=True).get(pk=request.assignment_id)
        _decide(request, actor, approve, note, case=case, kind="return")
        out = Step(payload={"request": request.pk, "approved": approve, "department": assignment.department_id})
        if approve:
            assignment.status, assignment.finished_at = A.RETURNED, now()
            assignment.save(update_fields=["status", "finished_at"])
            if assignment.role == AssignmentRole.LEAD:
                # The whole case goes back to the chief; co-departments stand down until re-dispatch.
                Assignment.objects.filter(case=case, status__in=OPEN_CO).update(status=A.CANCELLED, finished_at=now())
                case.lead_department = None
                out.fields.add("lead_department")
                out.target = CaseStatus.ACCEPTED
        else:
            assignment.status = A.SIGNED if assignment.signed_at else A.PENDING
            assignment.save(update_fields=["status"])
        return out

    case, _result = transition(
        case_id, actor=actor, action="decide_return", step=step, reason=note, subject_id=request_id
    )
    return case


def extension_request(
    case_id: int, *, actor, requested_due_at: datetime, reason: str, department_id: int | None = None
) -> Extension:
    """申请延期: only before the handling due time, and only to a later time."""
    reason = _reason(reason, _("请填写延期理由"))

    def step(case: Case, assignment: Assignment) -> Step:
        if requested_due_at <= case.handle_due_at:
            raise invalid("requested_due_at", _("申请的期限须晚于当前办理期限"))
        extension = Extension.objects.create(
            case=case,
            assignment=assignment,
            reason=reason,
            requested_by=actor,
            previous_due_at=case.handle_due_at,
            requested_due_at=requested_due_at,
        )
        notify(
            chiefs_of(case.station_id),
            kind="extension_requested",
            case=case,
            text=reason,
        )
        return Step(payload={"request": extension.pk, "to": requested_due_at.isoformat()}, result=extension)

    _case, extension = transition(
        case_id, actor=actor, action="request_extension", step=step, reason=reason, subject_id=department_id
    )
    return extension


def extension_decide(case_id: int, *, actor, request_id: int, approve: bool, note: str = "") -> Case:
    """审批延期. Approved: the handling deadline moves and its warning ladder starts afresh."""
    if not approve:
        note = _reason(note, _("请填写不同意延期的理由"), field="note")

    def step(case: Case, extension: Extension) -> Step:
        _decide(extension, actor, approve, note, case=case, kind="extension")
        out = Step(payload={"request": extension.pk, "approved": approve})
        if approve:
            _move_handle_due(case, extension.requested_due_at, out)
        return out

    case, _result = transition(
        case_id, actor=actor, action="decide_extension", step=step, reason=note, subject_id=request_id
    )
    return case


def hold_request(case_id: int, *, actor, reason: str, department_id: int | None = None) -> Hold:
    """申请挂账: the lead asks to pause the clock (e.g. waiting for a court or an appraisal)."""
    reason = _reason(reason, _("请填写挂账理由"))

    def step(case: Case, assignment: Assignment) -> Step:
        hold = Hold.objects.create(case=case, assignment=assignment, reason=reason, requested_by=actor)
        notify(chiefs_of(case.station_id), kind="hold_requested", case=case, text=reason)
        return Step(payload={"request": hold.pk}, result=hold)

    _case, hold = transition(
        case_id, actor=actor, action="request_hold", step=step, reason=reason, subject_id=department_id
    )
    return hold


def hold_decide(case_id: int, *, actor, request_id: int, approve: bool, note: str = "") -> Case:
    """审批挂账. Approved: the handling clock stops until resumed."""
    if not approve:
        note = _reason(note, _("请填写不同意挂账的理由"), field="note")

    def step(case: Case, hold: Hold) -> Step:
        _decide(hold, actor, approve, note, case=case, kind="hold")
        out = Step(payload={"request": hold.pk, "approved": approve})
        if approve:
            if case.held_at is not None:
                raise Conflict(_("案件已挂账"), code="already_held")
            hold.started_at = case.held_at = now()
            hold.save(update_fields=["started_at"])
            out.fields.add("held_at")
        return out

    case, _result = transition(
        case_id, actor=actor, action="decide_hold", step=step, reason=note, subject_id=request_id
    )
    return case


def hold_resume(case_id: int, *, actor) -> Case:
    """恢复办理: the deadline moves on by the working time spent on hold."""

    def step(case: Case, _subject) -> Step:
        moment = now()
        hold = (
            Hold.objects.select_for_update(no_key=True)
            .filter(case=case, status=DecisionStatus.APPROVED, ended_at__isnull=True)
            .order_by("-pk")
            .first()
        )
        calendar = get_calendar()
        paused = calendar.working_time_between(case.held_at, moment)
        out = Step(fields={"held_at"}, payload={"paused_seconds": int(paused.total_seconds())})
        if hold:
            hold.ended_at = moment
            hold.save(update_fields=["ended_at"])
        case.held_at = None
        if case.handle_due_at is not None and paused.total_seconds() > 0:
            # The clock's start and the deadline both move on by the pause: the allotted time stays.
            start = calendar.add_working_time(case.handle_started_at or case.dispatched_at, paused)
            _move_handle_due(case, calendar.add_working_time(case.handle_due_at, paused), out, start=start)
        return out

    case, _result = transition(case_id, actor=actor, action="resume", step=step)
    return case


def part_record(case_id: int, *, actor, text: str, department_id: int | None = None) -> Case:
    """协办反馈: a co-department records its contribution before the lead resolves."""
    text = (text or "").strip()
    if not text:
        raise invalid("text", _("请填写协办情况"))

    def step(case: Case, assignment: Assignment) -> Step:
        assignment.status, assignment.part_text = A.PART_DONE, text
        assignment.part_recorded_at = assignment.finished_at = now()
        assignment.save(update_fields=["status", "part_text", "part_recorded_at", "finished_at"])
        return Step(payload={"department": assignment.department_id})

    case, _result = transition(
        case_id, actor=actor, action="record_part", step=step, reason=text, subject_id=department_id
    )
    return case


def part_waive(case_id: int, *, actor, assignment_id: int, reason: str) -> Case:
    """免除协办: the chief lets the lead resolve without a co-department's part."""
    reason = _reason(reason, _("请填写免除理由"))

    def step(case: Case, assignment: Assignment) -> Step:
        assignment.status, assignment.finished_at = A.WAIVED, now()
        assignment.save(update_fields=["status", "finished_at"])
        return Step(payload={"department": assignment.department_id})

    case, _result = transition(
        case_id, actor=actor, action="waive_part", step=step, reason=reason, subject_id=assignment_id
    )
    return case


def case_resolve(
    case_id: int,
    *,
    actor,
    text: str,
    files: Iterable[UploadedFile] = (),
    department_id: int | None = None,
) -> Case:
    """办结: the lead logs the resolution, once every co-part is in or waived, and not on hold."""
    text = (text or "").strip()
    if not text:
        raise invalid("text", _("请填写办理结果"))
    uploads = clean_uploads(files, field="files", types=EVIDENCE_TYPES)

    def step(case: Case, lead: Assignment) -> Step:
        moment = now()
        lead.status, lead.finished_at = A.DONE, moment
        lead.save(update_fields=["status", "finished_at"])
        attachments = attach_files(case, uploads, purpose=AttachmentPurpose.EVIDENCE, actor=actor, field="files")
        case.resolved_at = moment
        case.feedback_due_at = due(moment, sla_for(case.category, case.urgency).feedback)
        case.ladder = Ladder.NONE
        agreement = case.mediations.filter(outcome="agreement").order_by("-round_no").first()
        notify(
            [case.reporter],
            kind="resolved",
            case=case,
            text=text,
        )
        return Step(
            fields={"resolved_at", "feedback_due_at", "ladder"},
            payload={
                "resolution": text,
                "evidence": attachments,
                "agreement_round": agreement.round_no if agreement else None,
            },
        )

    case, _result = transition(case_id, actor=actor, action="resolve", step=step, reason=text, subject_id=department_id)
    return case


# Notices are stored in the language of record, whatever language the request had active.
def _decide(request, actor, approve: bool, note: str, *, case: Case, kind: str) -> None:
    """Record the chief's decision on a department's request and tell the one who asked."""
    request.status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    notify([request.requested_by], kind=f"{kind}_decided", case=case, approved=approve, text=note)


def _move_handle_due(case: Case, new_due: datetime, out: Step, *, start: datetime | None = None) -> None:
    """Move the handling deadline; the supervision ladder restarts for the new due time.

    ``start`` is where the handling clock now counts from (default: where it counted from).
    """
    out.payload["handle_due"] = {
        "from": case.handle_due_at.isoformat() if case.handle_due_at else None,
        "to": new_due.isoformat(),
    }
    start = start or case.handle_started_at or case.dispatched_at
    out.fields |= set_deadline(case, Deadline.HANDLE, start=start, due_at=new_due, unit=handle_unit(case))
    Assignment.objects.filter(case=case).exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES).update(handle_due_at=new_due)
