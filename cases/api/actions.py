"""Every lifecycle action as ``POST /api/cases/{id}/<key>/``: one registry entry per action.

The key is the action's name everywhere: the transition table (``TRANSITIONS``), the URL, the
operation id (``cases_<key>``), the case detail's ``available_actions`` and the input serializer
(``inputs.<Key>Serializer``). An entry names the ONE service the action calls, its input and what
it answers. The view (``CaseActionView``) is the same for all: gate, validate, then
``service(case_id, actor=user, **validated_data)``: an input's fields are its service's keyword
arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from cases.api import inputs
from cases.api import serializers as out
from cases.services import dispatching, feedback, handling, mediation, summonses, supervision


@dataclass(frozen=True)
class CaseAction:
    service: Callable[..., Any]  # service(case_id, *, actor, **input)
    summary: str
    input: type[serializers.Serializer]
    output: type[serializers.Serializer] | None = None  # None: the case, in detail
    created: bool = False  # 201: the action created the object it returns
    multipart: type[serializers.Serializer] | None = None  # a multipart variant (file uploads)


# Keyed by the transition, in the order of the table (cases.services.lifecycle.TRANSITIONS).
ACTIONS: dict[str, CaseAction] = {
    "accept": CaseAction(dispatching.case_accept, "受理（站长）", inputs.AcceptSerializer),
    "reject": CaseAction(dispatching.case_reject, "不予受理（站长）", inputs.RejectSerializer),
    "merge": CaseAction(dispatching.case_merge, "并案（站长）", inputs.MergeSerializer),
    "dispatch": CaseAction(dispatching.case_dispatch, "分拨：按方案或调整方案（站长）", inputs.DispatchSerializer),
    "sign": CaseAction(handling.assignment_sign, "签收（主办/协办部门）", inputs.SignSerializer),
    "request_return": CaseAction(
        handling.return_request,
        "申请退单（主办/协办部门）",
        inputs.RequestReturnSerializer,
        output=out.ReturnRequestSerializer,
        created=True,
    ),
    "decide_return": CaseAction(handling.return_decide, "审批退单（站长）", inputs.DecideReturnSerializer),
    "request_extension": CaseAction(
        handling.extension_request,
        "申请延期（主办部门）",
        inputs.RequestExtensionSerializer,
        output=out.ExtensionSerializer,
        created=True,
    ),
    "decide_extension": CaseAction(handling.extension_decide, "审批延期（站长）", inputs.DecideExtensionSerializer),
    "request_hold": CaseAction(
        handling.hold_request,
        "申请挂账（主办部门）",
        inputs.RequestHoldSerializer,
        output=out.HoldSerializer,
        created=True,
    ),
    "decide_hold": CaseAction(handling.hold_decide, "审批挂账（站长）", inputs.DecideHoldSerializer),
    "resume": CaseAction(handling.hold_resume, "恢复办理（站长/主办部门）", inputs.ResumeSerializer),
    "record_part": CaseAction(handling.part_record, "协办反馈（协办部门）", inputs.RecordPartSerializer),
    "waive_part": CaseAction(handling.part_waive, "免除协办（站长）", inputs.WaivePartSerializer),
    "resolve": CaseAction(
        handling.case_resolve,
        "办结，可附佐证文件（主办部门）",
        inputs.ResolveSerializer,
        multipart=inputs.ResolveMultipartSerializer,
    ),
    "feedback": CaseAction(feedback.case_feedback, "核查反馈（上报人/站长）", inputs.FeedbackSerializer),
    "close": CaseAction(feedback.case_close, "结案（站长）", inputs.CloseSerializer),
    "supervise": CaseAction(
        supervision.case_supervise,
        "挂牌督办（站长/领导）",
        inputs.SuperviseSerializer,
        output=out.SupervisionSerializer,
        created=True,
    ),
    "respond_supervision": CaseAction(
        supervision.supervision_respond,
        "督办回复（主办/协办部门）",
        inputs.RespondSupervisionSerializer,
        output=out.SupervisionSerializer,
    ),
    "schedule_mediation": CaseAction(
        mediation.mediation_schedule,
        "安排联合调处（站长/主办部门/调解员）",
        inputs.ScheduleMediationSerializer,
        output=out.MediationSessionSerializer,
        created=True,
    ),
    "record_mediation": CaseAction(
        mediation.mediation_record,
        "记录调处结果，可附调解协议书（站长/主办部门/调解员）",
        inputs.RecordMediationSerializer,
        output=out.MediationSessionSerializer,
        multipart=inputs.RecordMediationMultipartSerializer,
    ),
    "acknowledge_summons": CaseAction(
        summonses.summons_acknowledge,
        "确认召集（被召集的联络员）",
        inputs.AcknowledgeSummonsSerializer,
        output=out.SummonsSerializer,
    ),
    "record_arrival": CaseAction(
        summonses.summons_arrive,
        "记录联络员到岗（联络员本人/站长）",
        inputs.RecordArrivalSerializer,
        output=out.SummonsSerializer,
    ),
}
