"""The registry of notice kinds: one entry per kind, its title and body as translatable templates.

A notice is stored as its kind and plain JSON parameters (a case's number and title, a
department's name, a moment in ISO 8601, a reason as a person typed it) and rendered here in the
active language: the API renders in the request's language, e-mail and SMS in the recipient's.
A template is a gettext msgid (the zh-hans text) over the parameters, or a function of them where
a parameter needs words of its own (a moment, a decision, the dispatch reasons).
Notices stored as finished text before kinds had parameters are shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.wording import local_minute, reason_text, supervision_message

# Titles are shown cut to this many characters; the parameters keep the full text.
TITLE_LENGTH = 120

Template = Promise | Callable[[dict], str]


@dataclass(frozen=True)
class Kind:
    title: Template
    body: Template | None = None


def _typed(params: dict) -> str:
    """The text a person typed (a reason, a note, a comment), shown as typed."""
    return params.get("text", "")


def _decided(approved: Promise, refused: Promise, params: dict) -> str:
    return (approved if params["approved"] else refused) % params


def _case_title(params: dict) -> str:
    return params["title"]


def _mediation(params: dict) -> str:
    return _("第%(round)s轮联合调处：%(at)s，%(place)s") % {**params, "at": local_minute(params["at"])}


def _dispatched(params: dict) -> str:
    return _("；").join(reason_text(reason) for reason in params["reasons"])


def _rung(level: str, params: dict) -> str:
    return supervision_message(
        level=level, deadline=params["deadline"], due_at=params["due_at"], department=params["department"]
    )


KINDS: dict[str, Kind] = {
    "reported": Kind(gettext_lazy("新事件待受理：%(number)s %(title)s")),
    "rejected": Kind(gettext_lazy("事件不予受理：%(number)s"), _typed),
    "dispatched": Kind(gettext_lazy("新派单待签收：%(number)s %(title)s"), _dispatched),
    "summons": Kind(gettext_lazy("联络员召集：请到%(station)s参与处置 %(number)s"), _case_title),
    "summons_acknowledged": Kind(
        gettext_lazy("联络员已确认召集：%(number)s"), gettext_lazy("%(department)s：%(officer)s")
    ),
    "summons_arrived": Kind(gettext_lazy("联络员已到岗：%(number)s"), gettext_lazy("%(department)s：%(officer)s")),
    "mediation_scheduled": Kind(gettext_lazy("联合调处通知：%(number)s %(title)s"), _mediation),
    "return_requested": Kind(gettext_lazy("退单申请：%(number)s"), _typed),
    "extension_requested": Kind(gettext_lazy("延期申请：%(number)s"), _typed),
    "hold_requested": Kind(gettext_lazy("挂账申请：%(number)s"), _typed),
    "return_decided": Kind(
        partial(_decided, gettext_lazy("退单申请已同意：%(number)s"), gettext_lazy("退单申请未同意：%(number)s")),
        _typed,
    ),
    "extension_decided": Kind(
        partial(_decided, gettext_lazy("延期申请已同意：%(number)s"), gettext_lazy("延期申请未同意：%(number)s")),
        _typed,
    ),
    "hold_decided": Kind(
        partial(_decided, gettext_lazy("挂账申请已同意：%(number)s"), gettext_lazy("挂账申请未同意：%(number)s")),
        _typed,
    ),
    "resolved": Kind(gettext_lazy("事件已办结，请核查反馈：%(number)s"), _typed),
    "rework": Kind(gettext_lazy("群众不满意，案件返工：%(number)s"), _typed),
    "supervision": Kind(gettext_lazy("挂牌督办：%(number)s %(title)s"), _typed),
    "supervision_response": Kind(gettext_lazy("督办已回复：%(number)s"), _typed),
    "supervision_yellow": Kind(gettext_lazy("督办预警：%(number)s %(title)s"), partial(_rung, "yellow")),
    "supervision_red": Kind(gettext_lazy("超期督办：%(number)s %(title)s"), partial(_rung, "red")),
    "supervision_escalated": Kind(gettext_lazy("升级督办：%(number)s %(title)s"), partial(_rung, "escalated")),
}


class Rendered(NamedTuple):
    title: str
    body: str


def _text(template: Template, params: dict) -> str:
    return str(template % params) if isinstance(template, Promise) else template(params)


def render(notification) -> Rendered:
    """The notice's title (cut for display) and body in the active language."""
    kind = KINDS.get(notification.kind)
    if kind is None or not notification.params:
        return Rendered(notification.title, notification.body)
    title = Truncator(_text(kind.title, notification.params)).chars(TITLE_LENGTH, truncate="…")
    body = _text(kind.body, notification.params) if kind.body else ""
    return Rendered(title, body)
