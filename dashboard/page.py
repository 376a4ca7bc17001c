"""What the dashboard page shows for one request, read once: the period and scope asked for
(checked through the user's reach), every measure with its changes, the trend, the breakdowns,
the rankings, the overdue list and the map. The view renders it; the exports write its tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard import measures as m
from dashboard.periods import KINDS, Period, PeriodError, local_day, parse_period
from dashboard.scopes import Reach, Scope, ScopeError, reach_of, scope_for
from dashboard.selectors_page import MapData, map_data, overdue_cases, picker_choices
from dashboard.tables import DashTable, breakdown_table, kpi_table, overdue_table, ranking_table, trend_table
from governance import clock

PERIOD_LABELS = {
    "day": gettext_lazy("日"),
    "week": gettext_lazy("周"),
    "month": gettext_lazy("月"),
    "quarter": gettext_lazy("季度"),
    "year": gettext_lazy("年"),
    "custom": gettext_lazy("自定义"),
}
STEP_LABELS = {"day": gettext_lazy("按日"), "week": gettext_lazy("按周"), "month": gettext_lazy("按月")}
# The trend's default step for each kind of period.
DEFAULT_STEP = {"day": "day", "week": "day", "month": "day", "quarter": "week", "year": "month"}
BREAKDOWNS_SHOWN = ("category", "source", "department")


@dataclass
class Asked:
    """The period, scope and trend step of a request, with the reasons for what was refused
    (the page then shows the default in its place, and the reasons beside the fields)."""

    reach: Reach
    period: Period
    scope: Scope
    step: str
    errors: dict[str, list[str]] = field(default_factory=dict)


def _default_step(period: Period) -> str:
    if period.kind == "custom":
        return "day" if period.days <= 62 else "week" if period.days <= 366 else "month"
    return DEFAULT_STEP[period.kind]


def read_request(user, params) -> Asked:
    """The request's choices, checked. Out of the user's reach: Http404 (as a case out of scope)."""
    reach = reach_of(user)
    if reach.is_empty:
        raise Http404(_("无权查看数据看板"))
    errors: dict[str, list[str]] = {}
    today = local_day(clock.now())
    try:
        period = parse_period(params, today=today)
    except PeriodError as refused:
        errors.update(refused.errors)
        period = Period.containing("month", today)
    try:
        scope = scope_for(user, params)
    except ScopeError as refused:
        errors.update(refused.errors)
        scope = reach.default_scope()
    step = (params.get("step") or "").strip() or _default_step(period)
    if step not in m.STEPS:
        errors["step"] = [_("未知的趋势粒度：%(value)s") % {"value": step}]
        step = _default_step(period)
    return Asked(reach=reach, period=period, scope=scope, step=step, errors=errors)


@dataclass
class Board:
    asked: Asked
    compared: m.Compared
    tables: dict[str, DashTable]
    trend: list[m.Row]
    breakdowns: dict[str, list[m.Row]]
    rankings: dict[str, list[m.Row]]
    map: MapData
    choices: dict[str, list[tuple[str, str]]]
    scope_label: str = ""


def read_board(user, asked: Asked) -> Board:
    """Everything the page shows; a fixed number of queries, whatever the data."""
    period, scope = asked.period, asked.scope
    now = clock.now()
    compared = m.with_changes(period, scope, now=now)
    trend = m.trend(period, scope, step=asked.step, now=now)
    breakdowns = {by: m.breakdown(period, scope, by=by, now=now) for by in BREAKDOWNS_SHOWN}
    rankings = {of: m.ranking(period, scope, of=of, now=now) for of in m.RANKINGS}
    tables = {
        "kpi": kpi_table(compared),
        "trend": trend_table(trend),
        **{by: breakdown_table(by, rows) for by, rows in breakdowns.items()},
        **{f"ranking-{of}": ranking_table(of, rows, period, scope) for of, rows in rankings.items()},
        "overdue": overdue_table(overdue_cases(user, scope)),
    }
    return Board(
        asked=asked,
        compared=compared,
        tables=tables,
        trend=trend,
        breakdowns=breakdowns,
        rankings=rankings,
        map=map_data(user, period, scope),
        choices=(choices := picker_choices(asked.reach)),
        scope_label=scope_label(scope, choices),
    )


def scope_label(scope: Scope, choices: dict[str, list[tuple[str, str]]]) -> str:
    """The scope in words, from the pickers' labels (no query): 全区, or its filters joined."""
    names = []
    for name, value in scope.filters.items():
        labels = dict(choices.get(name, []))
        names.append(labels.get(str(value), str(value)))
    return " · ".join(names) or _("全区")


def _ranking(of: str):
    def build(user, a: Asked, now) -> DashTable:
        return ranking_table(of, m.ranking(a.period, a.scope, of=of, now=now), a.period, a.scope)

    return build


def _breakdown(by: str):
    def build(user, a: Asked, now) -> DashTable:
        return breakdown_table(by, m.breakdown(a.period, a.scope, by=by, now=now))

    return build


# Each table of the page by its key, built alone (an export needs only its own reads).
TABLES = {
    "kpi": lambda user, a, now: kpi_table(m.with_changes(a.period, a.scope, now=now)),
    "trend": lambda user, a, now: trend_table(m.trend(a.period, a.scope, step=a.step, now=now)),
    **{by: _breakdown(by) for by in BREAKDOWNS_SHOWN},
    **{f"ranking-{of}": _ranking(of) for of in m.RANKINGS},
    "overdue": lambda user, a, now: overdue_table(overdue_cases(user, a.scope)),
}


def one_table(user, params, key: str) -> tuple[Asked, DashTable]:
    """One table of the page (``TABLES``), for an export."""
    asked = read_request(user, params)
    return asked, TABLES[key](user, asked, clock.now())


__all__ = ["KINDS", "PERIOD_LABELS", "STEP_LABELS", "Asked", "Board", "one_table", "read_board", "read_request"]
