"""Joint mediation (联合调处): rounds scheduled on a case, with participants, minutes, outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from cases.models import (
    INACTIVE_ASSIGNMENT_STATUSES,
    Case,
    MediationOutcome,
    MediationParticipant,
    MediationSession,
    Summons,
)
from cases.selectors import handlers_of
from cases.services.lifecycle import Step, invalid, now, transition
from notifications.services import notify
from workstation.models import Department, Membership, User

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
    case_id: int, *, actor, scheduled_at: datetime, place: str, participants: Iterable[ParticipantInput] = ()
) -> MediationSession:
    """Schedule the next round. Every assigned department takes part by default; summoned liaison
    officers and the departments' handlers are told the time and place.

    A participant may name a user: an active member of the case's station, or of a department
    assigned to the case (at any station); a leader or a stranger is not invited this way.
    """
    place = (place or "").strip()
    if not place:
        raise invalid("place", _("请填写调处地点"))
    if scheduled_at <= now():
        raise invalid("scheduled_at", _("调处时间须晚于当前时间"))
    participants = list(participants)
    for p in participants:
        if p.role not in Role.values:
            raise invalid("participants", _("参与人身份无效：%(role)s") % {"role": p.role})
        if p.role == Role.DEPARTMENT and not p.department_id:
            raise invalid("participants", _("部门代表须指定部门"))
        if p.role != Role.DEPARTMENT and not p.name.strip() and not p.user_id:
            raise invalid("participants", _("请填写参与人姓名"))

    def step(case: Case, _subject) -> Step:
        users = _invitable(case, {p.user_id for p in participants if p.user_id})
        last = case.mediations.aggregate(n=Max("round_no"))["n"] or 0
        session = MediationSession.objects.create(
            case=case, round_no=last + 1, scheduled_at=scheduled_at, place=place, created_by=actor
        )
        assigned = list(
            case.assignments.exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES).values_list("department_id", flat=True)
        )
        # a department chosen with a person: that person represents it
        chosen = {p.department_id: p.user_id for p in participants if p.role == Role.DEPARTMENT}
        departments = {d.pk: d for d in Department.objects.filter(pk__in=[*assigned, *chosen])}
        for department_id in dict.fromkeys([*assigned, *chosen]):
            MediationParticipant.objects.create(
                session=session,
                role=Role.DEPARTMENT,
                department_id=department_id,
                name=departments[department_id].name,
                user=users.get(chosen.get(department_id)),
            )
        for p in participants:
            if p.role != Role.DEPARTMENT:
                user = users.get(p.user_id)
                MediationParticipant.objects.create(
                    session=session,
                    role=p.role,
                    name=p.name.strip() or str(user),
                    organization=p.organization,
                    user=user,
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
            payload={"session": session.pk, "round": session.round_no, "at": scheduled_at.isoformat(), "place": place},
            result=session,
        )

    _case, session = transition(case_id, actor=actor, action="schedule_mediation", step=step)
    return session


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
) -> MediationSession:
    """Record what a round came to: agreement (its text becomes part of the resolution), no
    agreement, or continue with another round."""
    minutes, agreement = (minutes or "").strip(), (agreement or "").strip()
    if outcome not in MediationOutcome.values:
        raise invalid("outcome", _("请选择调处结果"))
    if not minutes:
        raise invalid("minutes", _("请填写调处笔录"))
    if outcome == MediationOutcome.AGREEMENT and not agreement:
        raise invalid("agreement", _("达成协议时请填写协议内容"))

    def step(case: Case, session: MediationSession) -> Step:
        session.status = MediationSession.Status.HELD
        session.minutes, session.outcome, session.agreement, session.held_at = minutes, outcome, agreement, now()
        session.save(update_fields=["status", "minutes", "outcome", "agreement", "held_at"])
        if attended_ids is None:
            session.participants.update(attended=True)
        else:
            session.participants.filter(pk__in=list(attended_ids)).update(attended=True)
        return Step(payload={"session": session.pk, "round": session.round_no, "outcome": outcome}, result=session)

    _case, session = transition(
        case_id, actor=actor, action="record_mediation", step=step, reason=minutes, subject_id=session_id
    )
    return session
