"""The case page's small forms: one per action the user may take now (the API's
``available_actions``), read from the API's registry (``cases.api.actions.ACTIONS``). The same
input serializer validates what was typed and the same service acts: ``act`` is the page's
``CaseActionView``. A refused action comes back as its form, with what was typed and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from cases.api.actions import ACTIONS
from cases.api.errors import RACE_CONSTRAINTS, flatten_errors, violated_constraint
from cases.models import AssignmentRole, Case, DecisionStatus, Extension, Hold, MediationSession, ReturnRequest, Summons
from cases.pages import mediation
from cases.selectors import available_actions
from cases.services.lifecycle import OPEN_CO, TRANSITIONS, LifecycleError

# What the small generic forms do not offer (the API does): adjusting a dispatch plan (the plan's
# own panel does), mediation's departments, participants, attendance and agreement document (the
# mediation panel's forms do, cases/pages/mediation.py), choosing a department for someone who
# acts for several.
NOT_ON_THE_PAGE = frozenset(
    {
        "department_id",
        "category_id",
        "mode",
        "lead_id",
        "co_ids",
        "handle_due_at",
        "participants",
        "attended_ids",
        "department_ids",
        "document",
    }
)

LABELS = {
    "category": gettext_lazy("类别"),
    "reason": gettext_lazy("理由"),
    "into_id": gettext_lazy("并入的案件 id"),
    "summons_id": gettext_lazy("召集"),
    "request_id": gettext_lazy("申请"),
    "approve": gettext_lazy("同意"),
    "note": gettext_lazy("审批意见"),
    "requested_due_at": gettext_lazy("申请延至"),
    "text": gettext_lazy("情况说明"),
    "assignment_id": gettext_lazy("协办部门"),
    "files": gettext_lazy("佐证文件"),
    "result": gettext_lazy("评价"),
    "comment": gettext_lazy("核查意见（不满意时必填）"),
    "message": gettext_lazy("督办内容"),
    "supervision_id": gettext_lazy("督办"),
    "response": gettext_lazy("回复内容"),
    "scheduled_at": gettext_lazy("时间"),
    "place": gettext_lazy("地点"),
    "session_id": gettext_lazy("调处"),
    "minutes": gettext_lazy("调处笔录"),
    "outcome": gettext_lazy("结果"),
    "agreement": gettext_lazy("协议内容（达成协议时必填）"),
}
LABELS_BY_ACTION = {
    ("resolve", "text"): gettext_lazy("办理结果"),
    ("record_part", "text"): gettext_lazy("协办情况"),
}
DECISIONS = {"decide_return": ReturnRequest, "decide_extension": Extension, "decide_hold": Hold}


def request_choice(request: ReturnRequest | Extension | Hold) -> tuple[int, str]:
    """A pending request as a choice of its decision's form: who asks, and why."""
    return request.pk, f"{request.assignment.department} · {request.reason}"


def _items(key: str, name: str, case: Case) -> list[tuple[int, str]] | None:
    """The rows of ``case`` an id field may name, as choices; None for a field that names none."""
    if name == "request_id":
        pending = DECISIONS[key].objects.filter(case=case, status=DecisionStatus.PENDING)
        return [request_choice(r) for r in pending.select_related("assignment__department")]
    if name == "summons_id":
        open_ = [Summons.Status.SENT, Summons.Status.ACKNOWLEDGED]
        return [(s.pk, str(s.presence.department)) for s in case.summonses.all() if s.status in open_]
    if name == "session_id":
        scheduled = [m for m in case.mediations.all() if m.status == MediationSession.Status.SCHEDULED]
        return [(m.pk, _("第 %(round)s 轮 · %(place)s") % {"round": m.round_no, "place": m.place}) for m in scheduled]
    if name == "supervision_id":
        return [(s.pk, s.text) for s in case.supervisions.all() if not s.responded_at]
    if name == "assignment_id":
        return [
            (a.pk, str(a.department))
            for a in case.assignments.all()
            if a.role == AssignmentRole.CO and a.status in OPEN_CO
        ]
    return None


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # text, textarea, select, checkbox, datetime, number, files
    required: bool
    choices: list[tuple[Any, str]] = field(default_factory=list)
    value: Any = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ActionForm:
    key: str
    fields: list[FormField]
    expected_status: str | None  # sent back with the form: a page gone stale is refused (409)
    multipart: bool = False
    status: int = 200
    message: str = ""
    # Set where a page shows the same action more than once (one per case or per request), so
    # that each form's element ids stay unique.
    suffix: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)  # every reason, by (dotted) field name

    @property
    def label(self) -> str:
        return str(TRANSITIONS[self.key].label)

    @property
    def stale(self) -> bool:
        return self.status == 409

    @property
    def anchor(self) -> str:
        """The form's fragment id: ``#feedback`` is linked from 我的上报."""
        return self.key.replace("_", "-")

    @property
    def dom_id(self) -> str:
        """The stem of the form's element ids."""
        return f"{self.key}-{self.suffix}" if self.suffix else self.key

    @property
    def is_open(self) -> bool:
        """Shown open: a refused form, and the reporter's feedback (the one thing left to do)."""
        return self.status != 200 or self.key == "feedback"


def _widget(serializer_field: serializers.Field, choices) -> str:
    if choices is not None:
        return "select"
    for kind, widget in [
        (serializers.BooleanField, "checkbox"),
        (serializers.DateTimeField, "datetime"),
        (serializers.ChoiceField, "select"),
        (serializers.ListField, "files"),  # the only list the page offers: resolve's evidence
        (serializers.CharField, "text"),
    ]:
        if isinstance(serializer_field, kind):
            if widget == "text" and (serializer_field.max_length or 0) > 200:
                return "textarea"
            return widget
    return "number"


def _choices(key: str, name: str, serializer_field, case: Case, given: dict):
    items = given[name] if name in given else _items(key, name, case)
    if items is not None:
        return items
    if isinstance(serializer_field, serializers.ChoiceField):
        return list(serializer_field.choices.items())
    if isinstance(serializer_field, serializers.RelatedField):
        return [(row.pk, str(row)) for row in serializer_field.get_queryset()]
    return None


def action_form(
    key: str, case: Case, data=None, errors: dict | None = None, *, choices: dict | None = None, suffix: str = ""
) -> ActionForm:
    """The form of one action on ``case``; with ``data`` and ``errors``, as it was sent back.
    ``choices`` gives a field's choices the caller already read (else they are read here)."""
    spec = ACTIONS[key]
    serializer = (spec.multipart or spec.input)()
    errors = errors or {}
    fields = []
    for name, serializer_field in serializer.fields.items():
        if name in NOT_ON_THE_PAGE or name == "expected_status":
            continue
        field_choices = _choices(key, name, serializer_field, case, choices or {})
        widget = _widget(serializer_field, field_choices)
        value = "" if data is None or widget == "files" else data.get(name, "")
        fields.append(
            FormField(
                name=name,
                label=str(LABELS_BY_ACTION.get((key, name), LABELS[name])),
                widget=widget,
                required=serializer_field.required,
                choices=field_choices or [],
                value=value,
                errors=errors.get(name, []),
            )
        )
    expected = case.status if "expected_status" in serializer.fields else None
    if data is not None and data.get("expected_status"):
        expected = data["expected_status"]  # the state the person saw, kept through a refusal
    return ActionForm(
        key=key, fields=fields, expected_status=expected, multipart=spec.multipart is not None, suffix=suffix
    )


def forms_for(user, case: Case) -> list[ActionForm]:
    """A form for exactly the actions the user may take now."""
    return [action_form(key, case) for key in available_actions(user, case)]


def decision_form(key: str, case: Case, request: ReturnRequest | Extension | Hold) -> ActionForm:
    """The chief's form deciding one pending request of ``case``, built from the request read
    by the caller: a list of decisions shows one per request at no query of its own."""
    return action_form(key, case, choices={"request_id": [request_choice(request)]}, suffix=str(request.pk))


@dataclass(frozen=True)
class PageInput:
    """An action whose page form is not the generic one: how its fields become the API input,
    and which fields (dotted names by their first part) it shows each with its reasons."""

    body: Callable[[Any, Any], dict]  # body(POST, FILES)
    fields: frozenset[str]


PAGE_INPUTS: dict[str, PageInput] = {
    "schedule_mediation": PageInput(mediation.schedule_body, mediation.SCHEDULE_FIELDS),
    "record_mediation": PageInput(mediation.record_body, mediation.RECORD_FIELDS),
}


def _as_sent(data, files):
    body = data.copy()
    body.update(files)
    return body


def act(user, case: Case, key: str, data, files) -> ActionForm | None:
    """Validate with the action's input serializer and call its service. None when done; else
    the form again, with the input, the reason and the status of the refusal (400, 403, 409)."""
    spec = ACTIONS[key]
    page_input = PAGE_INPUTS.get(key)
    body = page_input.body(data, files) if page_input else _as_sent(data, files)
    serializer = (spec.multipart or spec.input)(data=body)
    if not serializer.is_valid():
        return _refused(key, case, data, 400, _("提交的数据有误，请检查后重试"), flatten_errors(serializer.errors))
    try:
        spec.service(case.pk, actor=user, **serializer.validated_data)
    except LifecycleError as exc:
        return _refused(key, case, data, exc.status_code, exc.message, exc.errors)
    except IntegrityError as exc:
        if violated_constraint(exc) not in RACE_CONSTRAINTS:
            raise
        return _refused(key, case, data, 409, _("数据已被他人修改，请刷新后重试"))
    return None


def _refused(key: str, case: Case, data, status: int, message: str, errors: dict | None = None) -> ActionForm:
    """The form as sent, each reason beside its field; a reason for a field the page does not
    show (``files.0``, ``department_id``) joins the message."""
    form = action_form(key, case, data, errors)
    page_input = PAGE_INPUTS.get(key)
    beside = page_input.fields if page_input else {f.name for f in form.fields}

    def shown(name: str) -> bool:
        return (name.split(".")[0] if page_input else name) in beside

    elsewhere = [m for name, messages in (errors or {}).items() if not shown(name) for m in messages]
    form.status, form.message, form.errors = status, " ".join([message, *elsewhere]), dict(errors or {})
    return form
