"""Manual supervision (挂牌督办) by a chief or leader, and the department's written response."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import INACTIVE_ASSIGNMENT_STATUSES, Case, Supervision
from cases.selectors import handlers_of
from cases.services.lifecycle import Step, invalid, now, transition
from notifications.services import notify


def case_supervise(case_id: int, *, actor, message: str) -> Supervision:
    message = (message or "").strip()
    if not message:
        raise invalid("message", _("请填写督办内容"))

    def step(case: Case, _subject) -> Step:
        supervision = Supervision.objects.create(
            case=case, level=Supervision.Level.MANUAL, message=message, created_by=actor
        )
        departments = case.assignments.exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES).values_list(
            "department_id", flat=True
        )
        notify(
            handlers_of(case.station_id, departments),
            kind="supervision",
            case=case,
            text=message,
        )
        return Step(payload={"supervision": supervision.pk}, result=supervision)

    _case, supervision = transition(case_id, actor=actor, action="supervise", step=step, reason=message)
    return supervision


def supervision_respond(case_id: int, *, actor, supervision_id: int, response: str) -> Supervision:
    response = (response or "").strip()
    if not response:
        raise invalid("response", _("请填写督办回复"))

    def step(case: Case, supervision: Supervision) -> Step:
        supervision.response, supervision.responded_by, supervision.responded_at = response, actor, now()
        supervision.save(update_fields=["response", "responded_by", "responded_at"])
        notify([supervision.created_by], kind="supervision_response", case=case, text=response)
        return Step(payload={"supervision": supervision.pk}, result=supervision)

    _case, supervision = transition(
        case_id, actor=actor, action="respond_supervision", step=step, reason=response, subject_id=supervision_id
    )
    return supervision
