"""Joint mediation (联合调处): rounds scheduled on a case, with participants, minutes, outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from cases.models import (
    INACTIVE_ASSIGNMENT_STATUSES,
    AttachmentPurpose,
    Case,
    MediationOutcome,
    MediationParticipant,
    MediationSession,
    Summons,
)
from cases.selectors import handlers_of
from cases.services.attachments import EVIDENCE_TYPES, attach_files, clean_uploads
from cases.services.lifecycle import Step, invalid, now, transition
from notifications.services import notify
from workstation.models import Department, Membership, StationDepartment, User

Role = MediationParticipant.Role


@dataclass(frozen=True)
class ParticipantInput:
    """One participant; ``user_id`` names a person in the system (their name is the default)."""

    role: str
    name: str = ""
    department_id: int | None = None
    organization: str = ""
    user_id: int | None = None


def mediation_schedule(
    case_id: int,
    *,
    actor,
    scheduled_at: datetime,
    place: str,
    participants: Iterable[ParticipantInput] = (),
    department_ids: Iterable[int] | None = None,
) -> MediationSession:
    """Schedule the next round. The departments that take part are ``department_ids`` (each
    assigned to the case or present at its station), every assigned department when not given,
    plus any named as a participant; summoned liaison officers and the assigned departments'
    handlers are told the time and place.

    A participant may name a user: an active member of the case's station, or of a department
    assigned to the case (at any station); a leader or a stranger is not invited this way.
    """
    place = (place or "").strip()
    if not place:
        raise invalid("place", _("请填写调处地点"))
    if scheduled_at <= now():
        raise invalid("scheduled_at", _("调处时间须晚于当前时间"))
    participants = list(participants)
    for index, p in enumerate(participants):
        if p.role not in Role.values:
            raise invalid(f"participants.{index}.role", _("参与人身份无效：%(role)s") % {"role": p.role})
        if p.role == Role.DEPARTMENT and not p.department_id:
            raise invalid(f"participants.{index}.department_id", _("部门代表须指定部门"))
        if p.role != Role.DEPARTMENT and not p.name.strip() and not p.user_id:
            raise invalid(f"participants.{index}.name", _("请填写参与人姓名"))
    chosen_ids = None if department_ids is None else list(dict.fromkeys(department_ids))

    def step(case: Case, _subject) -> Step:
        users = _invitable(case, {p.user_id for p in participants if p.user_id})
        assigned = list(
            case.assignments.exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES).values_list("department_id", flat=True)
        )
        # a department chosen with a person: that person represents it
        represented = {p.department_id: p.user_id for p in participants if p.role == Role.DEPARTMENT}
        taking_part = list(dict.fromkeys([*(assigned if chosen_ids is None else chosen_ids), *represented]))
        if not taking_part:
            raise invalid("department_ids", _("请至少选择一个参加部门"))
        departments = _departments_of(case, taking_part, assigned)
        last = case.mediations.aggregate(n=Max("round_no"))["n"] or 0
        session = MediationSession.objects.create(
            case=case, round_no=last + 1, scheduled_at=scheduled_at, place=place, created_by=actor
        )
        MediationParticipant.objects.bulk_create(
            [
                MediationParticipant(
                    session=session,
                    role=Role.DEPARTMENT,
                    department_id=department_id,
                    name=departments[department_id].name,
                    user=users.get(represented.get(department_id)),
                )
                for department_id in taking_part
            ]
            + [
                MediationParticipant(
                    session=session,
                    role=p.role,
                    name=p.name.strip() or str(users[p.user_id]),
                    organization=p.organization.strip(),
                    user=users.get(p.user_id),
                )
                for p in participants
                if p.role != Role.DEPARTMENT
            ]
        )
        summonses = list(case.summonses.exclude(status=Summons.Status.CANCELLED).select_related("liaison_officer"))
        Summons.objects.filter(pk__in=[s.pk for s in summonses]).update(session=session)
        notify(
            [s.liaison_officer for s in summonses] + handlers_of(case.station_id, assigned),
            kind="mediation_scheduled",
            case=case,
            round=session.round_no,
            at=scheduled_at.isoformat(),
            place=place,
        )
        return Step(
            payload={
                "session": session.pk,
                "round": session.round_no,
                "at": scheduled_at.isoformat(),
                "place": place,
                "departments": taking_part,
            },
            result=session,
        )

    _case, session = transition(case_id, actor=actor, action="schedule_mediation", step=step)
    return session


def _departments_of(case: Case, department_ids: list[int], assigned: list[int]) -> dict[int, Department]:
    """The departments by id, each assigned to the case or present at its station (入驻部门)."""
    present = StationDepartment.objects.filter(station_id=case.station_id, is_active=True).values("department_id")
    found = {
        d.pk: d
        for d in Department.objects.filter(pk__in=department_ids, is_active=True).filter(
            Q(pk__in=assigned) | Q(pk__in=present)
        )
    }
    if len(found) < len(department_ids):
        raise invalid("department_ids", _("参加部门须为本案承办部门或本站入驻部门"))
    return found


def _invitable(case: Case, user_ids: set[int]) -> dict[int, User]:
    """The named users, each an active member of the case's station or of an assigned department."""
    assigned = case.assignments.exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES).values("department_id")
    members = Membership.objects.filter(is_active=True, user__is_active=True).filter(
        Q(station_id=case.station_id) | Q(department_id__in=assigned)
    )
    users = User.objects.filter(pk__in=user_ids).filter(pk__in=members.values("user_id"))
    found = {user.pk: user for user in users}
    if len(found) < len(user_ids):
        raise invalid("participants", _("参与人须为本站或承办部门的在岗人员"))
    return found


def mediation_record(
    case_id: int,
    *,
    actor,
    session_id: int,
    minutes: str,
    outcome: str,
    agreement: str = "",
    attended_ids: Iterable[int] | None = None,
    document: UploadedFile | None = None,
) -> MediationSession:
    """Record what a round came to: agreement (its text becomes part of the resolution), partial
    agreement or failure (another round may follow either). What was agreed, in full or in part,
    may come with the signed agreement (调解协议书): a PDF or a photo, kept as an attachment of the
    case. ``attended_ids``: the participants who came (None: all of them)."""
    minutes, agreement = (minutes or "").strip(), (agreement or "").strip()
    if outcome not in MediationOutcome.values:
        raise invalid("outcome", _("请选择调处结果"))
    if not minutes:
        raise invalid("minutes", _("请填写调处笔录"))
    if outcome == MediationOutcome.AGREEMENT and not agreement:
        raise invalid("agreement", _("达成协议时请填写协议内容"))
    if outcome == MediationOutcome.FAILED and agreement:
        raise invalid("agreement", _("未达成时不填写协议内容"))
    if outcome == MediationOutcome.FAILED and document is not None:
        raise invalid("document", _("未达成时没有调解协议书"))
    # A signed paper, scanned to PDF or photographed (调解协议书): checked and cleaned as evidence is.
    uploads = clean_uploads([document] if document is not None else [], field="document", types=EVIDENCE_TYPES)

    def step(case: Case, session: MediationSession) -> Step:
        attended = None if attended_ids is None else set(attended_ids)
        participants = set(session.participants.values_list("pk", flat=True))
        if attended is not None and not attended <= participants:
            raise invalid("attended_ids", _("到场人员须为本轮调处的参与人"))
        session.status = MediationSession.Status.HELD
        session.minutes, session.outcome, session.agreement, session.held_at = minutes, outcome, agreement, now()
        fields = ["status", "minutes", "outcome", "agreement", "held_at"]
        if uploads:
            [session.agreement_document_id] = attach_files(
                case, uploads, purpose=AttachmentPurpose.AGREEMENT, actor=actor, field="document"
            )
            fields.append("agreement_document")
        session.save(update_fields=fields)
        session.participants.filter(pk__in=participants if attended is None else attended).update(attended=True)
        return Step(
            payload={
                "session": session.pk,
                "round": session.round_no,
                "outcome": outcome,
                "document": session.agreement_document_id,
            },
            result=session,
        )

    _case, session = transition(
        case_id, actor=actor, action="record_mediation", step=step, reason=minutes, subject_id=session_id
    )
    return session
