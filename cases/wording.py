"""Lines the system writes about a case, rendered in the reader's language when read.

They are stored as a code and plain parameters, never as finished text: dispatch-plan reasons
(``{"code": ..., "params": {...}}`` in ``Case.dispatch_plan["reasons"]``) and the messages of
supervision rungs (from the rung's own columns). Names of departments and categories inside the
parameters are data and are shown as stored. A reason stored as text (plans made before reasons
had codes) is shown as stored.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

REASONS = {
    "category_chosen": gettext_lazy("上报人选定类别「%(category)s」。"),
    "no_keyword_match": gettext_lazy("未匹配到关键词规则，类别须由站长选定。"),
    "category_suggested": gettext_lazy("根据关键词%(keywords)s建议类别「%(category)s」（置信度%(confidence)s）。"),
    "low_confidence": gettext_lazy("建议类别置信度低，请站长核对类别。"),
    "category_inactive": gettext_lazy("类别「%(category)s」不在启用的类别目录中。"),
    "blurred": gettext_lazy("类别「%(category)s」权责边界模糊，联合管。"),
    "text_matter": gettext_lazy(
        "情况描述还涉及「%(category)s」（主责「%(owner)s」）：关键词%(keywords)s，跨部门联合管。"
    ),
    "party_matter": gettext_lazy("当事人信息涉及「%(category)s」（主责「%(owner)s」），跨部门联合管。"),
    "major": gettext_lazy("紧急程度为重大，联合管。"),
    "no_owner": gettext_lazy("类别「%(category)s」未设主责部门。"),
    "chief_lead": gettext_lazy("站长指定「%(department)s」主办。"),
    "joint": gettext_lazy("由「%(lead)s」主办，协办：%(co)s；建议召开联合调处。"),
    "joint_lead_pending": gettext_lazy("由待站长指定的部门主办，协办：%(co)s；建议召开联合调处。"),
    "solo": gettext_lazy("类别「%(category)s」权责清晰，由主责部门「%(department)s」各自管。"),
    "needs_chief": gettext_lazy("无法确定主办部门，请站长指定。"),
    "not_stationed": gettext_lazy("「%(department)s」未入驻本站，需另行对接。"),
    "liaison_unregistered": gettext_lazy("「%(department)s」为按需入驻（X）部门，但未登记联络员，请站长另行联系。"),
    "liaison_summoned": gettext_lazy("「%(department)s」为按需入驻（X）部门，召集其联络员到站。"),
    "due_pending_category": gettext_lazy("类别未定，时限待站长选定类别后计算。"),
    "no_sla": gettext_lazy("类别「%(category)s」没有适用的时限规则，时限待定。"),
    "due_times": gettext_lazy("签收时限%(sign)s，办理时限%(handle)s，自分拨起算。"),
}
DURATIONS = {
    "work_hours": gettext_lazy("%(amount)s个工作小时"),
    "work_days": gettext_lazy("%(amount)s个工作日"),
    "clock_hours": gettext_lazy("%(amount)s小时（自然时）"),
}


def _shown(value) -> str:
    """A reason parameter as text: a list of names quoted, a float as a percentage, a duration
    ``{"amount", "unit"}`` with its unit, nothing as "to be decided"."""
    if isinstance(value, list):
        return "".join(_("「%(name)s」") % {"name": name} for name in value).strip() or _("无")
    if isinstance(value, float):
        return f"{value:.0%}"
    if isinstance(value, dict):
        return DURATIONS[value["unit"]] % {"amount": value["amount"]}
    if value is None:
        return _("待定")
    return value


def reason_text(reason) -> str:
    """One reason of a dispatch plan in the active language: a ``cases.dispatch.Reason``, its JSON
    form, or a line stored as text before reasons had codes."""
    if isinstance(reason, str):
        return reason
    code, params = (reason["code"], reason["params"]) if isinstance(reason, dict) else (reason.code, reason.params)
    return REASONS[code] % {name: _shown(value) for name, value in params.items()}


def plan_with_reasons_rendered(plan: dict | None) -> dict | None:
    """A stored ``Case.dispatch_plan`` with its reasons as text in the active language."""
    if not plan:
        return plan
    return {**plan, "reasons": [reason_text(r) for r in plan.get("reasons", [])]}


DEADLINES = {
    "accept": pgettext_lazy("supervised deadline", "受理"),
    "sign": pgettext_lazy("supervised deadline", "签收"),
    "handle": pgettext_lazy("supervised deadline", "办理"),
}
SUPERVISION_MESSAGES = {
    "yellow": gettext_lazy("%(what)s期限将至（%(due)s），已用去80%%的时限，请抓紧办理。"),
    "red": gettext_lazy("已超过%(what)s期限（%(due)s），请立即办理并说明原因。"),
    "escalated": gettext_lazy("超过%(what)s期限（%(due)s）一个工作日仍未完成，已升级督办，通报站长和领导。"),
}


def local_minute(moment: datetime | str) -> str:
    """An aware moment (or its ISO form) as local time to the minute (TIME_ZONE, Asia/Shanghai)."""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def supervision_message(*, level: str, deadline: str, due_at: datetime | str, department: str | None) -> str:
    """The message of an automatic supervision rung, in the active language."""
    what = DEADLINES[deadline]
    if department:
        what = _("%(department)s%(deadline)s") % {"department": department, "deadline": what}
    return SUPERVISION_MESSAGES[level] % {"what": what, "due": local_minute(due_at)}
