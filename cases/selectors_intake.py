"""Reads of the intake desk (受理台): the new reports a chief must accept, reject or merge; and
of dispatching an accepted case by the 4+X plan on the case page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases import dispatch
from cases.access import scope_of, visible_cases
from cases.models import Case, CaseStatus, Category, DispatchMode
from cases.selectors import dispatch_plan_for, with_step_due
from cases.wording import reason_text
from workstation.models import Department, Grid


def intake_queue(user) -> QuerySet[Case]:
    """The reports waiting for acceptance at the stations the user chiefs, the most urgent
    acceptance deadline first (then the oldest), with what a desk row shows: one query."""
    return (
        with_step_due(visible_cases(user))
        .filter(status=CaseStatus.REPORTED, station_id__in=scope_of(user).chief_stations)
        .select_related("category", "grid")
        .order_by("accept_due_at", "reported_at", "pk")
    )


def intake_grids(user) -> QuerySet[Grid]:
    """The grids of the stations the user chiefs: the desk's grid filter."""
    return Grid.objects.filter(station_id__in=scope_of(user).chief_stations, is_active=True).order_by("code")


def intake_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("code")


# --- Dispatch on the case page (issue 11 item 2) ----------------------------------------------


@dataclass(frozen=True)
class DispatchPanel:
    """What the case page shows to dispatch an accepted case: the 4+X plan in words, and what
    the override form offers. ``needs_category``: no category and none suggested; the service
    refuses to dispatch until one is chosen."""

    plan: dispatch.DispatchPlan
    mode: str
    lead: Department | None
    co: list[Department]
    summoned: list[Department]
    reasons: list[str]
    needs_category: bool
    departments: list[Department]  # the station's, for the override
    categories: list[Category]


def dispatch_panel(user, case: Case, *, available: list[str], now: datetime) -> DispatchPanel | None:
    """The plan the chief would dispatch by now, when ``dispatch`` is one of ``available``."""
    if "dispatch" not in available:
        return None
    plan = dispatch_plan_for(case, now=now)
    departments = list(
        Department.objects.filter(presences__station_id=case.station_id, presences__is_active=True, is_active=True)
        .distinct()
        .order_by("code")
    )
    by_id = {d.pk: d for d in departments}
    return DispatchPanel(
        plan=plan,
        mode=str(DispatchMode(plan.mode).label),
        lead=by_id.get(plan.lead_id),
        co=[by_id[d] for d in plan.co_ids if d in by_id],
        summoned=[by_id[s.department_id] for s in plan.summons if s.department_id in by_id],
        reasons=[reason_text(r) for r in plan.reasons],
        needs_category=case.category_id is None and plan.suggestion is None,
        departments=departments,
        categories=list(intake_categories()),
    )


@dataclass(frozen=True)
class OverrideLine:
    label: str
    plan: str
    chosen: str


OVERRIDE_LABELS = {
    "lead_id": gettext_lazy("主办部门"),
    "co_ids": gettext_lazy("协办部门"),
    "mode": gettext_lazy("分拨方式"),
    "handle_due_at": gettext_lazy("办理期限"),
    "category_id": gettext_lazy("类别"),
}


def override_lines(override: dict | None) -> list[OverrideLine]:
    """The chief's recorded changes to the plan (``Case.dispatch_override``), in words."""
    if not override:
        return []
    changes = override.get("changes", {})
    ids = {"lead_id", "co_ids"}
    department_ids = set()
    for name in ids & changes.keys():
        for side in changes[name].values():
            department_ids.update(side if isinstance(side, list) else [side])
    names = {d.pk: d.name for d in Department.objects.filter(pk__in=[i for i in department_ids if i])}
    categories = {}
    if "category_id" in changes:
        categories = {c.pk: c.name for c in Category.objects.filter(pk__in=list(changes["category_id"].values()))}

    def shown(name, value) -> str:
        if value in (None, []):
            return "—"
        if name == "lead_id":
            return names.get(value, str(value))
        if name == "co_ids":
            return "、".join(names.get(v, str(v)) for v in value)
        if name == "mode":
            return str(DispatchMode(value).label)
        if name == "category_id":
            return categories.get(value, str(value))
        return datetime.fromisoformat(value).astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")

    return [
        OverrideLine(str(OVERRIDE_LABELS[name]), *(shown(name, value) for value in sides.values()))
        for name, sides in changes.items()
        if name in OVERRIDE_LABELS
    ]
