"""The dashboard's tables, built once from the measures and used twice: drawn on the page (the
view for those who would rather read numbers, and the page without script) and written to Excel.
So an export holds exactly the table the page shows.

A ``DashTable`` has columns and rows of plain values (numbers stay numbers, rates are percents
with one decimal); a row may carry a link (a drill-down, a case) and a colour (the 综合指数's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard.measures import MEASURES, Compared, Measures, Row
from dashboard.periods import Period
from dashboard.scopes import Scope

# The measure columns of a trend, breakdown or ranking row, in the order shown.
ROW_MEASURES = (
    "intake",
    "sign_on_time",
    "on_time",
    "completion",
    "overdue",
    "rework",
    "returns",
    "satisfaction",
    "default_satisfied",
    "index",
)

TITLES = {
    "kpi": gettext_lazy("关键指标"),
    "trend": gettext_lazy("趋势"),
    "category": gettext_lazy("按事项类别"),
    "source": gettext_lazy("按来源"),
    "department": gettext_lazy("按部门"),
    "ranking-station": gettext_lazy("工作站综合指数排名"),
    "ranking-department": gettext_lazy("部门综合指数排名"),
    "overdue": gettext_lazy("超期与升级督办案件"),
}


@dataclass
class DashRow:
    cells: list
    link: str = ""
    colour: str = ""


@dataclass
class DashTable:
    key: str
    title: str
    columns: list[str]
    rows: list[DashRow] = field(default_factory=list)
    link_at: int = 0  # the column whose cell carries the row's link


# A breakdown row without a key (core's label would be "None"): the cases with no such value yet.
NO_KEY = {
    "category": gettext_lazy("未分类"),
    "department": gettext_lazy("未分拨"),
    "grid": gettext_lazy("无网格"),
    "station": gettext_lazy("未知工作站"),
    "source": gettext_lazy("未知来源"),
}


def row_label(by: str, row: Row) -> str:
    return str(NO_KEY[by]) if row.key is None else row.label


def measure_heading(name: str) -> str:
    measure = MEASURES[name]
    return f"{measure.label}(%)" if measure.kind == "rate" else str(measure.label)


def _measure_cells(measures: Measures) -> list:
    return [measures.value(name) for name in ROW_MEASURES]


def _colour_label(colour: str) -> str:
    return {"green": _("绿"), "yellow": _("黄"), "red": _("红")}.get(colour, "")


def dashboard_url(period: Period, scope: Scope, **extra) -> str:
    return reverse("dashboard:page") + "?" + urlencode({**period.as_params(), **scope.as_params(), **extra})


def kpi_table(compared: Compared) -> DashTable:
    """Each measure: now, the previous period (环比) and a year before (同比), and the changes."""
    changes = compared.changes()
    columns = [_("指标"), _("本期"), _("上期"), _("环比变化"), _("去年同期"), _("同比变化")]
    rows = []
    for name in MEASURES:
        mom, yoy = changes[name]["mom"], changes[name]["yoy"]
        cells = [measure_heading(name), mom.now, mom.before, mom.delta, yoy.before, yoy.delta]
        rows.append(DashRow(cells=cells))
    return DashTable("kpi", str(TITLES["kpi"]), [str(c) for c in columns], rows)


def trend_table(rows: list[Row]) -> DashTable:
    columns = [_("时段"), *(measure_heading(name) for name in ROW_MEASURES)]
    body = [DashRow(cells=[row.label, *_measure_cells(row.measures)]) for row in rows]
    return DashTable("trend", str(TITLES["trend"]), [str(c) for c in columns], body)


def breakdown_table(by: str, rows: list[Row]) -> DashTable:
    heading = {"category": _("事项类别"), "source": _("来源"), "department": _("部门")}[by]
    columns = [heading, *(measure_heading(name) for name in ROW_MEASURES)]
    body = [DashRow(cells=[row_label(by, row), *_measure_cells(row.measures)]) for row in rows]
    return DashTable(by, str(TITLES[by]), [str(c) for c in columns], body)


def ranking_table(of: str, rows: list[Row], period: Period, scope: Scope) -> DashTable:
    """Best first; a station's row links to its drill-down (the dashboard narrowed to it)."""
    heading = {"station": _("工作站"), "department": _("部门")}[of]
    columns = [_("名次"), heading, measure_heading("index"), _("等级")]
    columns += [measure_heading(name) for name in ROW_MEASURES if name != "index"]
    body = []
    for row in rows:
        m = row.measures
        cells = [row.rank, row_label(of, row), m.index, _colour_label(m.colour)]
        cells += [m.value(name) for name in ROW_MEASURES if name != "index"]
        link = dashboard_url(period, scope.narrowed(of, row.key)) if of == "station" and row.key else ""
        body.append(DashRow(cells=cells, link=link, colour=m.colour))
    return DashTable(f"ranking-{of}", str(TITLES[f"ranking-{of}"]), [str(c) for c in columns], body, link_at=1)


def overdue_table(cases) -> DashTable:
    """Cases from ``overdue_cases`` (with ``step_due_at``), each linking to its page."""
    columns = [_("编号"), _("标题"), _("工作站"), _("主办部门"), _("督办等级"), _("当前期限")]
    body = []
    for case in cases:
        due = case.step_due_at
        cells = [
            case.number,
            case.title,
            case.station.name,
            case.lead_department.name if case.lead_department else "",
            case.get_ladder_display(),
            timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "",
        ]
        body.append(DashRow(cells=cells, link=reverse("cases:case", args=[case.pk]), colour=case.ladder))
    return DashTable("overdue", str(TITLES["overdue"]), [str(c) for c in columns], body)
