"""Intake decisions of the chief: accept, reject, merge, and dispatch by the 4+X rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from cases.deadlines import deadline_fields, set_deadline, sla_for
from cases.dispatch import JOINT, LIAISON, SOLO, iso
from cases.models import (
    Assignment,
    AssignmentRole,
    Case,
    CaseStatus,
    Category,
    Deadline,
    Ladder,
    Summons,
)
from cases.selectors import dispatch_plan_for, handlers_of
from cases.services.lifecycle import Step, invalid, now, transition
from notifications.services import notify
from workstation.models import Department, StationDepartment


def case_accept(case_id: int, *, actor, category: Category | None = None, expected_status: str | None = None) -> Case:
    """受理: the chief takes the case in, optionally setting or correcting its category."""

    def step(case: Case, _subject) -> Step:
        # Accepted in time or not, the accept deadline is met: its ladder stops here.
        out = Step(fields={"accepted_at", "accept_next_rung_at", "ladder"})
        case.accepted_at, case.accept_next_rung_at, case.ladder = now(), None, Ladder.NONE
        if category is not None and category.pk != case.category_id:
            out.payload["category"] = {"from": case.category_id, "to": category.pk}
            case.category = category
            out.fields.add("category")
        return out

    case, _result = transition(case_id, actor=actor, action="accept", step=step, expected_status=expected_status)
    return case


def case_reject(case_id: int, *, actor, reason: str, expected_status: str | None = None) -> Case:
    """不予受理, with the reason the reporter will read."""
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写不予受理的理由"))

    def step(case: Case, _subject) -> Step:
        case.reject_reason = reason
        case.closed_at = now()
        notify([case.reporter], kind="rejected", case=case, text=reason)
        return Step(fields={"reject_reason", "closed_at"})

    case, _result = transition(
        case_id, actor=actor, action="reject", step=step, reason=reason, expected_status=expected_status
    )
    return case


def case_merge(case_id: int, *, actor, into_id: int, reason: str = "", expected_status: str | None = None) -> Case:
    """并案: a duplicate joins the case it repeats (same station); only a person decides this."""
    if into_id == case_id:
        raise invalid("into_id", _("不能并入案件本身"))

    def step(case: Case, _subject) -> Step:
        target = Case.objects.filter(pk=into_id, station_id=case.station_id).first()
        if target is None:
            raise invalid("into_id", _("目标案件不存在或不属于同一工作站"))
        if target.status in (CaseStatus.MERGED, CaseStatus.REJECTED):
            raise invalid(
                "into_id",
                _("目标案件%(number)s已%(status)s，不能并入")
                % {"number": target.number, "status": target.get_status_display()},
            )
        case.duplicate_of = target
        case.closed_at = now()
        return Step(fields={"duplicate_of", "closed_at"}, payload={"into": target.number})

    case, _result = transition(
        case_id, actor=actor, action="merge", step=step, reason=reason, expected_status=expected_status
    )
    return case


def case_dispatch(
    case_id: int,
    *,
    actor,
    category_id: int | None = None,
    mode: str | None = None,
    lead_id: int | None = None,
    co_ids: Iterable[int] | None = None,
    handle_due_at: datetime | None = None,
    reason: str = "",
    expected_status: str | None = None,
) -> Case:
    """分拨: assign by the 4+X plan, or by the chief's override of any part of it (with a reason):
    each of ``category_id`` … ``handle_due_at`` given replaces the plan's value.

    1. Settle the category (the chief's, the case's, else the rule's suggestion) and plan.
    2. Apply the override; an override that changes the plan needs a reason.
    3. Create the lead and co assignments with their due times; the handling clock starts at
       the first dispatch and is not restarted by a re-dispatch after a return.
    4. Summon the liaison officers of chosen X departments; tell every assigned department.
    """
    chosen_co = tuple(co_ids) if co_ids is not None else None
    reason = (reason or "").strip()

    def step(case: Case, _subject) -> Step:
        moment = now()
        if category_id is not None:
            category = Category.objects.filter(pk=category_id, is_active=True).first()
            if category is None:
                raise invalid("category_id", _("事项类别不存在"))
            case.category = category
        plan = dispatch_plan_for(case, now=moment, chief_lead_id=lead_id)
        if case.category_id is None and plan.suggestion is not None:
            # The plan was made for the suggested category: keep it, so that the stored reasons
            # say the keywords chose it (planning again would credit the reporter).
            case.category_id = plan.suggestion.category_id
        if case.category_id is None:
            raise invalid("category_id", _("无法自动判断事项类别，请选择类别"))

        lead = lead_id or plan.lead_id
        if lead is None:
            raise invalid("lead_id", _("请指定主办部门"))
        co = chosen_co if chosen_co is not None else plan.co_ids
        co = tuple(dict.fromkeys(d for d in co if d != lead))
        if mode:
            chosen_mode = mode
        elif chosen_co is not None:  # the chief chose the co-departments: they decide the mode
            chosen_mode = JOINT if co else SOLO
        else:
            chosen_mode = plan.mode
        if chosen_mode not in (SOLO, JOINT):
            raise invalid("mode", _("分拨方式无效"))
        if chosen_mode == SOLO and co:
            raise invalid("co_ids", _("各自管的事项不设协办部门"))
        known = set(Department.objects.filter(pk__in=[lead, *co], is_active=True).values_list("pk", flat=True))
        missing = [d for d in [lead, *co] if d not in known]
        if missing:
            raise invalid("lead_id" if lead in missing else "co_ids", _("部门不存在或已停用"))

        changes = {}
        if lead != plan.lead_id:
            changes["lead_id"] = {"plan": plan.lead_id, "chosen": lead}
        if set(co) != set(plan.co_ids):
            changes["co_ids"] = {"plan": list(plan.co_ids), "chosen": list(co)}
        if chosen_mode != plan.mode:
            changes["mode"] = {"plan": plan.mode, "chosen": chosen_mode}
        if handle_due_at is not None:
            if handle_due_at <= moment:
                raise invalid("handle_due_at", _("办理期限须晚于当前时间"))
            changes["handle_due_at"] = {"plan": iso(plan.handle_due_at), "chosen": iso(handle_due_at)}
        if category_id is not None and plan.suggestion and plan.suggestion.category_id != case.category_id:
            changes["category_id"] = {"suggested": plan.suggestion.category_id, "chosen": case.category_id}
        if changes and not reason:
            raise invalid("reason", _("调整分拨方案须说明理由"))

        fields = {"category", "dispatch_mode", "lead_department", "dispatch_plan", "dispatch_override"}
        sla = sla_for(case.category, case.urgency)
        first_dispatch = case.dispatched_at is None
        if first_dispatch:
            case.dispatched_at = moment
            fields.add("dispatched_at")
            handle_due = handle_due_at or plan.handle_due_at
            fields |= set_deadline(case, Deadline.HANDLE, start=moment, due_at=handle_due, unit=sla.handle[1])
        elif handle_due_at is not None:
            start = case.handle_started_at or case.dispatched_at
            fields |= set_deadline(case, Deadline.HANDLE, start=start, due_at=handle_due_at, unit=sla.handle[1])
        case.dispatch_mode = chosen_mode
        case.lead_department_id = lead
        case.dispatch_plan = plan.to_json()
        case.dispatch_override = (
            {"by": actor.pk, "by_name": str(actor), "at": moment.isoformat(), "reason": reason, "changes": changes}
            if changes
            else None
        )

        for department_id, role in [(lead, AssignmentRole.LEAD), *[(d, AssignmentRole.CO) for d in co]]:
            Assignment.objects.create(
                case=case,
                department_id=department_id,
                role=role,
                dispatched_at=moment,
                handle_due_at=case.handle_due_at,
                **deadline_fields(Deadline.SIGN, start=moment, due_at=plan.sign_due_at, unit=sla.sign[1]),
            )
        # Summons reasons and notices are stored in the language of record.
        summoned = _summon_liaisons(case, [lead, *co], reason="联合处置" if chosen_mode == JOINT else "牵头办理")
        notify(
            handlers_of(case.station_id, [lead, *co]),
            kind="dispatched",
            case=case,
            reasons=[reason.to_json() for reason in plan.reasons],
        )
        return Step(
            fields=fields,
            payload={
                "mode": chosen_mode,
                "lead": lead,
                "co": list(co),
                "summons": summoned,
                "overridden": bool(changes),
                "redispatch": not first_dispatch,
            },
        )

    case, _result = transition(
        case_id, actor=actor, action="dispatch", step=step, reason=reason, expected_status=expected_status
    )
    return case


def _summon_liaisons(case: Case, department_ids, *, reason: str) -> list[int]:
    """Summon the liaison officer of each chosen X department not already summoned."""
    presences = StationDepartment.objects.filter(
        station_id=case.station_id, department_id__in=department_ids, presence=LIAISON, is_active=True
    ).select_related("liaison_officer", "department")
    summoned = []
    for presence in presences:
        if Summons.objects.filter(case=case, presence=presence).exclude(status=Summons.Status.CANCELLED).exists():
            continue
        Summons.objects.create(case=case, presence=presence, liaison_officer=presence.liaison_officer, reason=reason)
        summoned.append(presence.department_id)
        notify(
            [presence.liaison_officer],
            kind="summons",
            case=case,
            station=case.station.name,
        )
    return summoned
