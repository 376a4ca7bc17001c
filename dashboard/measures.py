"""Every measure of DESIGN §7, for any period and scope: the selectors the dashboard page calls.

Public, stable:

- :func:`measures` (period, scope) → :class:`Measures`: every measure of the period;
- :func:`with_changes` (period, scope) → :class:`Compared`: the period, the previous one (环比)
  and the same period a year before (同比), with :meth:`Compared.changes`;
- :func:`trend` (period, scope, step="day"|"week"|"month") → list of :class:`Row` per bucket;
- :func:`breakdown` (period, scope, by="category"|"source"|"department"|"station"|"grid") → rows;
- :func:`ranking` (period, scope, of="station"|"department") → rows by 综合指数, best first.

How a fact is attributed to a period (``start <= moment < end``, local days, Asia/Shanghai):

===================  ==========================================================================
受理量 intake        cases by ``reported_at`` (every case reported, whatever became of it)
及时签收率           派单 (assignments) whose ``sign_due_at`` fell in the period; signed on time
                     when ``signed_at <= sign_due_at``. An assignment cancelled unsigned (its
                     case's lead return was approved) is no longer owed and not counted. A due
                     time is judged once its day is over: deadlines of today count from tomorrow.
按期办结率           dispatched cases whose handling due time (``handle_due_at``, as it stands:
                     an approved extension counts by the extended due, a hold by the moved due,
                     a rework by the fresh due of the new round) fell in the period, up to the
                     end of yesterday; on time when the latest ``resolved_at <= handle_due_at``.
办结率               cases first dispatched in the period (``dispatched_at``; a re-dispatch after
                     a return does not move it): those now resolved or closed ÷ all of them
超期率               the same cohort: those now unresolved (待签收, 办理中, or returned awaiting
                     re-dispatch) and past ``handle_due_at`` at the moment of reading ÷ all
返工率               the same cohort: cases with ≥ 1 rework ÷ cases ever resolved (resolved or
                     closed now, or reworked — a rework follows a resolution)
退单率               approved return requests by ``decided_at`` ÷ 派单 (assignments) by their
                     ``dispatched_at``; a department's returns ÷ its own assignments
满意率               feedback rows by ``created_at``: (满意 + 基本满意) ÷ (满意 + 基本满意 + 不满意);
                     逾期默认满意 is counted apart (``default_satisfied``) and in neither term.
                     A reworked case gives one row per round.
综合指数             weighted mean of 及时签收率, 按期办结率, 满意率 and (1 − 返工率) × 100 with
                     settings.DASHBOARD_INDEX_WEIGHTS (default 20/40/25/15); a part with nothing
                     to measure drops out and the others' weights are scaled up; none → no index.
                     Green ≥ DASHBOARD_INDEX_GREEN (90), yellow ≥ DASHBOARD_INDEX_YELLOW (75),
                     red below, "none" without an index.
===================  ==========================================================================

Scope: a case-level fact belongs to the case's station, grid, category (a top-level category
includes its sub-categories) and source, and to the department that leads it now
(``lead_department``); an assignment-level fact (签收, 派单, 退单) to the assignment's department.

Each function runs a fixed number of aggregate queries, whatever the data, the stations or the
departments (:mod:`dashboard.counting`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dashboard import counting
from dashboard.counting import Counts
from dashboard.periods import Period
from dashboard.scopes import Scope
from governance import clock

BREAKDOWNS = ("category", "source", "department", "station", "grid")
RANKINGS = ("station", "department")
STEPS = ("day", "week", "month")


@dataclass(frozen=True)
class Ratio:
    """A rate with the numbers it comes from."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """0 … 1, or None when there is nothing to measure."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)


@dataclass(frozen=True)
class Measure:
    """What the page needs to show a measure: its name, words, and which way is better."""

    name: str
    label: str
    kind: str  # "count" | "rate" | "index"
    better: str  # "up" | "down"


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        Measure("intake", _("受理量"), "count", "up"),
        Measure("sign_on_time", _("及时签收率"), "rate", "up"),
        Measure("on_time", _("按期办结率"), "rate", "up"),
        Measure("completion", _("办结率"), "rate", "up"),
        Measure("overdue", _("超期率"), "rate", "down"),
        Measure("rework", _("返工率"), "rate", "down"),
        Measure("returns", _("退单率"), "rate", "down"),
        Measure("satisfaction", _("满意率"), "rate", "up"),
        Measure("default_satisfied", _("逾期默认满意"), "count", "down"),
        Measure("index", _("综合指数"), "index", "up"),
    ]
}

COLOURS = {"green": _("绿"), "yellow": _("黄"), "red": _("红"), "none": _("无")}


@dataclass(frozen=True)
class Measures:
    """Every §7 measure of one period and scope, with the counts behind each rate."""

    counts: Counts
    index: float | None
    colour: str  # green | yellow | red | none

    @property
    def intake(self) -> int:
        return self.counts.intake

    @property
    def sign_on_time(self) -> Ratio:
        return Ratio(self.counts.sign_met, self.counts.sign_due)

    @property
    def on_time(self) -> Ratio:
        return Ratio(self.counts.due_met, self.counts.due)

    @property
    def completion(self) -> Ratio:
        return Ratio(self.counts.done, self.counts.dispatched)

    @property
    def overdue(self) -> Ratio:
        return Ratio(self.counts.overdue, self.counts.dispatched)

    @property
    def rework(self) -> Ratio:
        return Ratio(self.counts.reworked, self.counts.resolved)

    @property
    def returns(self) -> Ratio:
        return Ratio(self.counts.returned, self.counts.assigned)

    @property
    def satisfaction(self) -> Ratio:
        c = self.counts
        return Ratio(c.fb_satisfied + c.fb_basic, c.fb_satisfied + c.fb_basic + c.fb_dissatisfied)

    @property
    def default_satisfied(self) -> int:
        return self.counts.fb_default

    def value(self, name: str) -> int | float | None:
        """The number the page shows for a measure of :data:`MEASURES`: a count, a rate in
        percent (one decimal), or the index."""
        got = getattr(self, name)
        return got.percent if isinstance(got, Ratio) else got


def index_of(counts: Counts) -> tuple[float | None, str]:
    """综合指数 and its colour, from the counts (see the module docstring)."""
    rework = Ratio(counts.reworked, counts.resolved).rate
    parts = {
        "sign": Ratio(counts.sign_met, counts.sign_due).rate,
        "on_time": Ratio(counts.due_met, counts.due).rate,
        "satisfaction": Ratio(counts.fb_satisfied + counts.fb_basic, counts.fb_given).rate,
        "no_rework": None if rework is None else 1 - rework,
    }
    weights = settings.DASHBOARD_INDEX_WEIGHTS
    weighted = [(weights.get(name, 0), rate) for name, rate in parts.items() if rate is not None]
    total = sum(weight for weight, _rate in weighted)
    if not total:
        return None, "none"
    index = round(100 * sum(weight * rate for weight, rate in weighted) / total, 1)
    if index >= settings.DASHBOARD_INDEX_GREEN:
        return index, "green"
    if index >= settings.DASHBOARD_INDEX_YELLOW:
        return index, "yellow"
    return index, "red"


def measured(counts: Counts) -> Measures:
    index, colour = index_of(counts)
    return Measures(counts=counts, index=index, colour=colour)


@dataclass(frozen=True)
class Change:
    """A measure now and before: ``delta`` (for rates, in percentage points), ``relative``
    (delta ÷ before, for counts and the index), ``direction`` up / down / flat."""

    now: int | float | None
    before: int | float | None

    @property
    def delta(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return round(self.now - self.before, 1)

    @property
    def relative(self) -> float | None:
        if self.delta is None or not self.before:
            return None
        return round(100 * self.delta / self.before, 1)

    @property
    def direction(self) -> str | None:
        if self.delta is None:
            return None
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "flat"


@dataclass(frozen=True)
class Compared:
    """A period's measures beside the previous period's (环比) and a year before (同比)."""

    period: Period
    current: Measures
    previous: Measures
    year_ago: Measures

    def changes(self) -> dict[str, dict[str, Change]]:
        """{measure name: {"mom": 环比 change, "yoy": 同比 change}} for every :data:`MEASURES`."""
        return {
            name: {
                "mom": Change(self.current.value(name), self.previous.value(name)),
                "yoy": Change(self.current.value(name), self.year_ago.value(name)),
            }
            for name in MEASURES
        }


@dataclass(frozen=True)
class Row:
    """One row of a trend, breakdown or ranking: its key (a bucket's Period, an id, a source
    code), its label, its measures, and for a ranking its rank."""

    key: object
    label: str
    measures: Measures
    rank: int | None = field(default=None)


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def measures(period: Period, scope: Scope, *, now: datetime | None = None) -> Measures:
    """Every measure of the period in the scope."""
    got = counting.count([period], scope, now=_now(now))
    return measured(got.get((0, None), Counts()))


def with_changes(period: Period, scope: Scope, *, now: datetime | None = None) -> Compared:
    """The period, the previous period and the same period a year before, counted together."""
    spans = [period, period.previous(), period.year_ago()]
    got = counting.count(spans, scope, now=_now(now))
    current, previous, year_ago = (measured(got.get((i, None), Counts())) for i in range(3))
    return Compared(period=period, current=current, previous=previous, year_ago=year_ago)


def trend(period: Period, scope: Scope, *, step: str = "day", now: datetime | None = None) -> list[Row]:
    """One row per day, week or month of the period (every bucket, empty ones too), in order."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    buckets = period.buckets(step)
    got = counting.count_steps(period, step, scope, now=_now(now))
    return [
        Row(key=bucket, label=bucket.label, measures=measured(got.get(bucket.first, Counts()))) for bucket in buckets
    ]


def breakdown(period: Period, scope: Scope, *, by: str, now: datetime | None = None) -> list[Row]:
    """One row per category (top level), source, department, station or grid with any fact in
    the period, largest intake first (then by label)."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    got = counting.count([period], scope, by=by, now=_now(now))
    labels = counting.labels(by, [key for _i, key in got])
    rows = [
        Row(key=key, label=labels.get(key, str(key)), measures=measured(counts)) for (_i, key), counts in got.items()
    ]
    return sorted(rows, key=lambda row: (-row.measures.intake, row.label))


def ranking(period: Period, scope: Scope, *, of: str = "station", now: datetime | None = None) -> list[Row]:
    """Stations or departments of the scope by 综合指数, best first; those without an index last.
    Equal indexes share a rank."""
    if of not in RANKINGS:
        raise ValueError(f"unknown ranking {of!r}")
    rows = breakdown(period, scope, by=of, now=now)
    rows.sort(key=lambda row: (row.measures.index is None, -(row.measures.index or 0), row.label))
    ranked, rank, last = [], 0, object()
    for position, row in enumerate(rows, start=1):
        if row.measures.index != last:
            rank, last = position, row.measures.index
        ranked.append(Row(key=row.key, label=row.label, measures=row.measures, rank=rank))
    return ranked


__all__ = [
    "BREAKDOWNS",
    "MEASURES",
    "RANKINGS",
    "STEPS",
    "Change",
    "Compared",
    "Counts",
    "Measure",
    "Measures",
    "Ratio",
    "Row",
    "breakdown",
    "measures",
    "ranking",
    "trend",
    "with_changes",
]
