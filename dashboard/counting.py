"""The counts behind the measures, aggregated in the database (DESIGN §7; definitions in
:mod:`dashboard.measures`).

Two ways to the same numbers, chosen per call by :func:`_engine`:

- **the rollup** (``settings.DASHBOARD_ROLLUP``): one query over
  :class:`dashboard.models.Tally` (month rows for whole past months, day rows for the rest) and
  one over the open cases for the overdue count, which moves with the clock; a breakdown by
  category reads the category tree once more. Used when one dimension answers the scope and the
  breakdown together;
- **live** (a scope and breakdown on two dimensions, or the rollup turned off): one aggregate query per kind of
  fact (:data:`FACTS`, seven) over the case tables.

Either way the number of queries does not depend on the data, the stations or the departments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from django.db.models import Case as When_
from django.db.models import Count, DateField, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Trunc
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    Category,
    DecisionStatus,
    Feedback,
    ReturnRequest,
    Satisfaction,
    Source,
)
from dashboard import rollup
from dashboard.models import Tally
from dashboard.periods import Period, local_day, midnight, zone
from dashboard.scopes import Scope
from workstation.models import Department, Grid, Workstation


@dataclass(frozen=True)
class Counts:
    """The raw counts of one period (or bucket) and scope (or breakdown row)."""

    intake: int = 0  # cases reported
    dispatched: int = 0  # cases first dispatched
    done: int = 0  # … of which resolved or closed now
    resolved: int = 0  # … of which ever resolved
    reworked: int = 0  # … of which reworked at least once
    overdue: int = 0  # … of which unresolved and past their handling due now
    due: int = 0  # cases whose handling due fell in the period (judged days)
    due_met: int = 0  # … resolved by it
    assigned: int = 0  # assignments (派单) made
    returned: int = 0  # return requests approved
    sign_due: int = 0  # assignments whose sign due fell in the period (judged days)
    sign_met: int = 0  # … signed by it
    fb_satisfied: int = 0
    fb_basic: int = 0
    fb_dissatisfied: int = 0
    fb_default: int = 0

    @property
    def fb_given(self) -> int:
        """Feedback given by a person (the default closure not counted)."""
        return self.fb_satisfied + self.fb_basic + self.fb_dissatisfied

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)})


COUNT_FIELDS = tuple(f.name for f in fields(Counts))

RESOLVED = [CaseStatus.RESOLVED, CaseStatus.CLOSED]
# Dispatched and not resolved: waiting for a signature, in progress, or returned to the chief.
UNRESOLVED = [CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS]


def judged_before(now: datetime) -> datetime:
    """Due times before this moment are judged: the start of today (a day's deadlines are
    judged once the day is over)."""
    return midnight(local_day(now))


# --- The facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One kind of fact: its rows, the moment that puts it in a period, the path to its case,
    its department, whether it is a due time (judged only when past), and what it counts."""

    rows: Callable[[], QuerySet]
    moment: str
    case: str  # "" for a case, "case__" for a row of a case
    department: str
    due: bool
    counts: Callable[[datetime], dict]


def _n(condition: Q | None = None) -> Count:
    return Count("pk", filter=condition)


FACTS: dict[str, Fact] = {
    "reported": Fact(
        lambda: Case.objects.all(), "reported_at", "", "lead_department_id", False, lambda now: {"intake": _n()}
    ),
    "dispatched": Fact(
        lambda: Case.objects.filter(dispatched_at__isnull=False),
        "dispatched_at",
        "",
        "lead_department_id",
        False,
        lambda now: {
            "dispatched": _n(),
            "done": _n(Q(status__in=RESOLVED)),
            "resolved": _n(Q(status__in=RESOLVED) | Q(rework_count__gt=0)),
            "reworked": _n(Q(rework_count__gt=0)),
            "overdue": _n(Q(status__in=UNRESOLVED, handle_due_at__lt=now)),
        },
    ),
    "handle_due": Fact(
        lambda: Case.objects.filter(handle_due_at__isnull=False),
        "handle_due_at",
        "",
        "lead_department_id",
        True,
        lambda now: {"due": _n(), "due_met": _n(Q(resolved_at__isnull=False, resolved_at__lte=F("handle_due_at")))},
    ),
    "assigned": Fact(
        lambda: Assignment.objects.all(),
        "dispatched_at",
        "case__",
        "department_id",
        False,
        lambda now: {"assigned": _n()},
    ),
    "sign_due": Fact(
        lambda: Assignment.objects.filter(sign_due_at__isnull=False).exclude(
            status=AssignmentStatus.CANCELLED, signed_at__isnull=True
        ),
        "sign_due_at",
        "case__",
        "department_id",
        True,
        lambda now: {"sign_due": _n(), "sign_met": _n(Q(signed_at__lte=F("sign_due_at")))},
    ),
    "returned": Fact(
        lambda: ReturnRequest.objects.filter(status=DecisionStatus.APPROVED),
        "decided_at",
        "case__",
        "assignment__department_id",
        False,
        lambda now: {"returned": _n()},
    ),
    "feedback": Fact(
        lambda: Feedback.objects.all(),
        "created_at",
        "case__",
        "case__lead_department_id",
        False,
        lambda now: {
            "fb_satisfied": _n(Q(result=Satisfaction.SATISFIED)),
            "fb_basic": _n(Q(result=Satisfaction.BASIC)),
            "fb_dissatisfied": _n(Q(result=Satisfaction.DISSATISFIED)),
            "fb_default": _n(Q(result=Satisfaction.DEFAULT)),
        },
    ),
}


def dimension(fact: Fact, by: str):
    """The expression a fact is grouped by for a breakdown."""
    c = fact.case
    return {
        "station": F(f"{c}station_id"),
        "department": F(fact.department),
        "grid": F(f"{c}grid_id"),
        "source": F(f"{c}source"),
        # A breakdown by category reads top-level categories (大类).
        "category": Coalesce(F(f"{c}category__parent_id"), F(f"{c}category_id")),
    }[by]


def scope_filter(fact: Fact, scope: Scope) -> Q:
    c = fact.case
    q = Q()
    if scope.station_id is not None:
        q &= Q(**{f"{c}station_id": scope.station_id})
    if scope.department_id is not None:
        q &= Q(**{fact.department: scope.department_id})
    if scope.grid_id is not None:
        q &= Q(**{f"{c}grid_id": scope.grid_id})
    if scope.category_id is not None:
        q &= Q(**{f"{c}category_id": scope.category_id}) | Q(**{f"{c}category__parent_id": scope.category_id})
    if scope.source is not None:
        q &= Q(**{f"{c}source": scope.source})
    return q


# --- Buckets: which period (or trend bucket) a fact falls in -----------------------------------


class Spans:
    """Periods that do not overlap (identical ones count once): each fact goes to one of them."""

    def __init__(self, spans: Sequence[Period]):
        self.spans = list(dict.fromkeys(spans))

    def where(self, moment: str) -> Q:
        q = Q(pk__in=[])
        for span in self.spans:
            q |= Q(**{f"{moment}__gte": span.start, f"{moment}__lt": span.end})
        return q

    def expression(self, moment: str):
        whens = [
            When(Q(**{f"{moment}__gte": s.start, f"{moment}__lt": s.end}), then=Value(i))
            for i, s in enumerate(self.spans)
        ]
        return When_(*whens, default=Value(-1), output_field=IntegerField())

    def where_tally(self, dim: str, today: date) -> Q:
        q = Q(pk__in=[])
        for span in self.spans:
            q |= tally_rows(dim, span.first, span.last, today, months=True)
        return q

    def expression_days(self):
        whens = [When(Q(day__gte=s.first, day__lte=s.last), then=Value(i)) for i, s in enumerate(self.spans)]
        return When_(*whens, default=Value(-1), output_field=IntegerField())

    def key(self, raw) -> Period:
        return self.spans[raw]


class Steps:
    """The days, weeks or months of one period: a fact goes to the bucket its moment is in."""

    def __init__(self, period: Period, step: str):
        self.period, self.step = period, step

    def where(self, moment: str) -> Q:
        return Q(**{f"{moment}__gte": self.period.start, f"{moment}__lt": self.period.end})

    def expression(self, moment: str):
        return Trunc(moment, self.step, tzinfo=zone())

    def where_tally(self, dim: str, today: date) -> Q:
        months = self.step == "month"  # a day's or week's bucket reads the day rows
        return tally_rows(dim, self.period.first, self.period.last, today, months=months)

    def expression_days(self):
        return Trunc("day", self.step, output_field=DateField())

    def key(self, raw) -> date:
        day = raw.astimezone(zone()).date() if isinstance(raw, datetime) else raw
        return max(day, self.period.first)


def tally_rows(dim: str, first: date, last: date, today: date, *, months: bool) -> Q:
    """The rollup rows of the days ``first`` … ``last``: a month's row for each whole month
    before the current one (when ``months``), day rows for the rest (the current month's due
    times are judged day by day)."""
    whole: list[date] = []
    days: list[tuple[date, date]] = []
    day = first
    while day <= last:
        month = Period.containing("month", day)
        if months and day == month.first and month.last <= last and month.last < today.replace(day=1):
            whole.append(month.first)
            day = month.last + timedelta(days=1)
            continue
        end = min(month.last, last)
        if days and days[-1][1] + timedelta(days=1) == day:
            days[-1] = (days[-1][0], end)
        else:
            days.append((day, end))
        day = end + timedelta(days=1)
    q = Q(dim=f"m.{dim}", day__in=whole) if whole else Q(pk__in=[])
    for a, b in days:
        q |= Q(dim=dim, day__gte=a, day__lte=b)
    return q


def _overlaps(a: Period, b: Period) -> bool:
    return a != b and a.first <= b.last and b.first <= a.last


def count(spans: Sequence[Period], scope: Scope, *, by: str | None = None, now: datetime, live: bool = False) -> dict:
    """{(index of the span, breakdown key or None): Counts} for each span and row with a fact.

    Spans that overlap another (a custom range longer than a year and its 同比) are counted in a
    query set of their own; identical ones (a year's 环比 and 同比) once.
    """
    groups: list[list[Period]] = []
    for span in spans:
        for group in groups:
            if not any(_overlaps(span, other) for other in group):
                group.append(span)
                break
        else:
            groups.append([span])
    out: dict = {}
    for group in groups:
        buckets = Spans(group)
        got = _engine(scope, by, live)(buckets, scope, by, now)
        for index, span in enumerate(spans):
            if span in buckets.spans:
                for (period, key), counts in got.items():
                    if period == span:
                        out[(index, key)] = counts
    return out


def count_steps(period: Period, step: str, scope: Scope, *, now: datetime, live: bool = False) -> dict[date, Counts]:
    """{first day of the bucket: Counts} for the days, weeks or months of ``period``."""
    got = _engine(scope, None, live)(Steps(period, step), scope, None, now)
    return {bucket: counts for (bucket, _key), counts in got.items()}


def _count_live(buckets, scope: Scope, by: str | None, now: datetime) -> dict:
    """Seven aggregate queries, one per kind of fact, straight from the case tables."""
    judged = judged_before(now)
    out: dict = {}
    for fact in FACTS.values():
        rows = fact.rows().filter(buckets.where(fact.moment), scope_filter(fact, scope))
        if fact.due:
            rows = rows.filter(**{f"{fact.moment}__lt": judged})
        annotations = {"_bucket": buckets.expression(fact.moment)}
        if by is not None:
            annotations["_key"] = dimension(fact, by)
        aggregates = fact.counts(now)
        for row in rows.annotate(**annotations).values(*annotations).annotate(**aggregates).order_by():
            key = (buckets.key(row["_bucket"]), row.get("_key"))
            out[key] = out.get(key, Counts()) + Counts(**{name: row[name] for name in aggregates})
    return out


# --- From the rollup --------------------------------------------------------------------------


def rollup_dimension(scope: Scope, by: str | None) -> str | None:
    """The rollup's dimension that answers a scope and breakdown, or None when it needs two
    dimensions at once (a department's breakdown by category …): those are counted live."""
    wanted = {name for name in scope.filters if name != "station"}
    if by not in (None, "station"):
        wanted.add(by)
    if len(wanted) > 1:
        return None
    return wanted.pop() if wanted else "all"


def _engine(scope: Scope, by: str | None, live: bool):
    if live or not rollup.in_use() or rollup_dimension(scope, by) is None:
        return _count_live
    return _count_rollup


DUE_FIELDS = ("due", "due_met", "sign_due", "sign_met")


def _count_rollup(buckets, scope: Scope, by: str | None, now: datetime) -> dict:
    """Two queries (three for a category): the rollup's sums, and the overdue cases, which
    depend on the moment of reading, live from the open cases (a partial index holds them)."""
    dim = rollup_dimension(scope, by)
    today = local_day(now)
    rows = Tally.objects.filter(buckets.where_tally(dim, today))
    if scope.station_id is not None:
        rows = rows.filter(station_id=scope.station_id)
    filters = {name: value for name, value in scope.filters.items() if name != "station"}
    parents: dict[str, int] = {}
    if dim == "category":
        parents = {str(pk): parent or pk for pk, parent in Category.objects.values_list("pk", "parent_id")}
    if filters:
        ((name, value),) = filters.items()
        if name == "category":
            rows = rows.filter(key__in=[key for key, top in parents.items() if top == value or key == str(value)])
        else:
            rows = rows.filter(key=str(value))
    sums = {
        name: Sum(name, filter=Q(day__lt=today)) if name in DUE_FIELDS else Sum(name)
        for name in COUNT_FIELDS
        if name != "overdue"
    }
    group = {"_bucket": buckets.expression_days()}
    if by == "station":
        group["_key"] = F("station_id")
    elif by is not None:
        group["_key"] = F("key")
    out: dict = {}
    for row in rows.annotate(**group).values(*group).annotate(**sums).order_by():
        key = (buckets.key(row["_bucket"]), _typed(by, row.get("_key"), parents))
        out[key] = out.get(key, Counts()) + Counts(**{name: row[name] or 0 for name in sums})
    fact = FACTS["dispatched"]
    overdue = (
        Case.objects.filter(
            buckets.where("dispatched_at"),
            scope_filter(fact, scope),
            status__in=UNRESOLVED,
            dispatched_at__isnull=False,
            handle_due_at__lt=now,
        )
        .annotate(_bucket=buckets.expression("dispatched_at"), **({"_key": dimension(fact, by)} if by else {}))
        .values("_bucket", *(["_key"] if by else []))
        .annotate(overdue=Count("pk"))
        .order_by()
    )
    for row in overdue:
        key = (buckets.key(row["_bucket"]), row.get("_key"))
        out[key] = out.get(key, Counts()) + Counts(overdue=row["overdue"])
    # A key whose appended rows cancel out (a case's intake moved to its lead department) is
    # no row at all, as in the live count.
    return {key: counts for key, counts in out.items() if counts != Counts()}


def _typed(by: str | None, key, parents: dict[str, int]):
    """A rollup key (text) as the live breakdown has it: an id, a top-level category, a code."""
    if key == "" or key is None:
        return None  # no department (not dispatched), category or grid
    if by in (None, "station", "source"):
        return key
    if by == "category":
        return parents.get(key, int(key))
    return int(key)


# --- Labels of breakdown rows ------------------------------------------------------------------


# The row of facts without a department (not dispatched yet, or never), category or grid.
NONE_LABELS = {"department": _("未分派"), "category": _("未分类"), "grid": _("无网格")}


def labels(by: str, keys) -> dict:
    """{key: label} for the rows of a breakdown (one query, none for sources)."""
    out = {None: str(NONE_LABELS.get(by, "-"))}
    keys = [key for key in keys if key is not None]
    if by == "source":
        return out | {key: str(Source(key).label) if key in Source.values else key for key in keys}
    model = {"station": Workstation, "department": Department, "grid": Grid, "category": Category}[by]
    return out | {row.pk: str(row) for row in model.objects.filter(pk__in=keys)}


__all__ = ["COUNT_FIELDS", "Counts", "count", "count_steps", "judged_before", "labels"]
