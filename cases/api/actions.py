"""Every lifecycle action as ``POST /api/cases/{id}/<path>/``: one registry entry per action.

An entry names its input serializer, the ONE service it calls, what it answers and the
transition it is (so the case detail can list what a user may try now, from the service's own
table). The view (``CaseActionView``) is the same for all: gate, validate, call, serialize.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from cases.api import inputs
from cases.api import serializers as out
from cases.services import dispatching, feedback, handling, mediation, supervision
from cases.services.dispatching import Override
from cases.services.mediation import ParticipantInput

Run = Callable[[Any, int, dict], Any]


@dataclass(frozen=True)
class CaseAction:
    path: str
    transition: str  # the key in cases.services.lifecycle.TRANSITIONS
    summary: str
    input: type[serializers.Serializer]
    run: Run  # (user, case id, validated data) → the service's result
    output: type[serializers.Serializer] | None = None  # None: the case, in detail
    created: bool = False  # 201: the action created the object it returns
    multipart: type[serializers.Serializer] | None = None  # a multipart variant (file uploads)


def _dispatch(user, case_id: int, data: dict):
    fields = {"category": "category_id", "mode": "mode", "lead": "lead_id", "handle_due_at": "handle_due_at"}
    override = Override(
        **{name: data[key] for key, name in fields.items() if key in data},
        co_ids=tuple(data["co"]) if "co" in data else None,
    )
    return dispatching.case_dispatch(
        case_id,
        actor=user,
        override=override if override != Override() else None,
        reason=data["reason"],
        expected_status=data.get("expected_status"),
    )


def _schedule(user, case_id: int, data: dict):
    participants = [
        ParticipantInput(
            role=p["role"],
            name=p["name"],
            department_id=p["department"].pk if p["department"] else None,
            organization=p["organization"],
        )
        for p in data["participants"]
    ]
    return mediation.mediation_schedule(
        case_id, actor=user, scheduled_at=data["scheduled_at"], place=data["place"], participants=participants
    )


ACTIONS: list[CaseAction] = [
    CaseAction(
        "accept",
        "accept",
        "受理（站长）",
        inputs.AcceptSerializer,
        lambda user, pk, d: dispatching.case_accept(
            pk, actor=user, category=d["category"], expected_status=d.get("expected_status")
        ),
    ),
    CaseAction(
        "reject",
        "reject",
        "不予受理（站长）",
        inputs.RejectSerializer,
        lambda user, pk, d: dispatching.case_reject(
            pk, actor=user, reason=d["reason"], expected_status=d.get("expected_status")
        ),
    ),
    CaseAction(
        "merge",
        "merge",
        "并案（站长）",
        inputs.MergeSerializer,
        lambda user, pk, d: dispatching.case_merge(
            pk, actor=user, into_id=d["into"], reason=d["reason"], expected_status=d.get("expected_status")
        ),
    ),
    CaseAction("dispatch", "dispatch", "分拨：按方案或调整方案（站长）", inputs.DispatchSerializer, _dispatch),
    CaseAction(
        "sign",
        "sign",
        "签收（主办/协办部门）",
        inputs.SignSerializer,
        lambda user, pk, d: handling.assignment_sign(pk, actor=user, department_id=d.get("department")),
    ),
    CaseAction(
        "return-request",
        "request_return",
        "申请退单（主办/协办部门）",
        inputs.ReturnRequestInputSerializer,
        lambda user, pk, d: handling.return_request(
            pk, actor=user, reason=d["reason"], department_id=d.get("department")
        ),
        output=out.ReturnRequestSerializer,
        created=True,
    ),
    CaseAction(
        "return-decision",
        "decide_return",
        "审批退单（站长）",
        inputs.DecisionSerializer,
        lambda user, pk, d: handling.return_decide(
            pk, actor=user, request_id=d["request"], approve=d["approve"], note=d["note"]
        ),
    ),
    CaseAction(
        "extension-request",
        "request_extension",
        "申请延期（主办部门）",
        inputs.ExtensionRequestInputSerializer,
        lambda user, pk, d: handling.extension_request(
            pk,
            actor=user,
            requested_due_at=d["requested_due_at"],
            reason=d["reason"],
            department_id=d.get("department"),
        ),
        output=out.ExtensionSerializer,
        created=True,
    ),
    CaseAction(
        "extension-decision",
        "decide_extension",
        "审批延期（站长）",
        inputs.DecisionSerializer,
        lambda user, pk, d: handling.extension_decide(
            pk, actor=user, request_id=d["request"], approve=d["approve"], note=d["note"]
        ),
    ),
    CaseAction(
        "hold-request",
        "request_hold",
        "申请挂账（主办部门）",
        inputs.HoldRequestInputSerializer,
        lambda user, pk, d: handling.hold_request(
            pk, actor=user, reason=d["reason"], department_id=d.get("department")
        ),
        output=out.HoldSerializer,
        created=True,
    ),
    CaseAction(
        "hold-decision",
        "decide_hold",
        "审批挂账（站长）",
        inputs.DecisionSerializer,
        lambda user, pk, d: handling.hold_decide(
            pk, actor=user, request_id=d["request"], approve=d["approve"], note=d["note"]
        ),
    ),
    CaseAction(
        "resume",
        "resume",
        "恢复办理（站长/主办部门）",
        inputs.EmptySerializer,
        lambda user, pk, d: handling.hold_resume(pk, actor=user),
    ),
    CaseAction(
        "record-part",
        "record_part",
        "协办反馈（协办部门）",
        inputs.RecordPartSerializer,
        lambda user, pk, d: handling.part_record(pk, actor=user, text=d["text"], department_id=d.get("department")),
    ),
    CaseAction(
        "waive-part",
        "waive_part",
        "免除协办（站长）",
        inputs.WaivePartSerializer,
        lambda user, pk, d: handling.part_waive(pk, actor=user, assignment_id=d["assignment"], reason=d["reason"]),
    ),
    CaseAction(
        "resolve",
        "resolve",
        "办结，可附佐证文件（主办部门）",
        inputs.ResolveSerializer,
        lambda user, pk, d: handling.case_resolve(
            pk, actor=user, text=d["text"], files=d.get("files", []), department_id=d.get("department")
        ),
        multipart=inputs.ResolveMultipartSerializer,
    ),
    CaseAction(
        "feedback",
        "feedback",
        "核查反馈（上报人/站长）",
        inputs.FeedbackSerializer,
        lambda user, pk, d: feedback.case_feedback(
            pk, actor=user, result=d["result"], comment=d["comment"], expected_status=d.get("expected_status")
        ),
    ),
    CaseAction(
        "close",
        "close",
        "结案（站长）",
        inputs.CloseSerializer,
        lambda user, pk, d: feedback.case_close(
            pk, actor=user, reason=d["reason"], expected_status=d.get("expected_status")
        ),
    ),
    CaseAction(
        "supervise",
        "supervise",
        "挂牌督办（站长/领导）",
        inputs.SuperviseSerializer,
        lambda user, pk, d: supervision.case_supervise(pk, actor=user, message=d["message"]),
        output=out.SupervisionSerializer,
        created=True,
    ),
    CaseAction(
        "supervision-response",
        "respond_supervision",
        "督办回复（主办/协办部门）",
        inputs.SupervisionResponseSerializer,
        lambda user, pk, d: supervision.supervision_respond(
            pk, actor=user, supervision_id=d["supervision"], response=d["response"]
        ),
        output=out.SupervisionSerializer,
    ),
    CaseAction(
        "schedule-mediation",
        "schedule_mediation",
        "安排联合调处（站长/主办部门/调解员）",
        inputs.ScheduleMediationSerializer,
        _schedule,
        output=out.MediationSessionSerializer,
        created=True,
    ),
    CaseAction(
        "record-mediation",
        "record_mediation",
        "记录调处结果（站长/主办部门/调解员）",
        inputs.RecordMediationSerializer,
        lambda user, pk, d: mediation.mediation_record(
            pk,
            actor=user,
            session_id=d["session"],
            minutes=d["minutes"],
            outcome=d["outcome"],
            agreement=d["agreement"],
            attended_ids=d["attended"],
        ),
        output=out.MediationSessionSerializer,
    ),
]
