"""Reads of the chief's decisions list and the supervision board (督办台), issue 11 items 3 and 4.

Both start from the one access gate (``visible_cases``) and narrow it to what the user oversees:
the stations they chief, or, for a leader, the district.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case as Switch
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When, prefetch_related_objects
from django.db.models.functions import Least
from django.db.models.lookups import In

from cases.access import scope_of, visible_cases
from cases.action_forms import DECISIONS
from cases.models import INACTIVE_ASSIGNMENT_STATUSES, OPEN_STATUSES, Case, Category, DecisionStatus, Ladder
from cases.selectors import CASE_ROW, recent_events, with_step_due
from workstation.models import Department, Grid, StationDepartment

# The rungs the board shows, the highest first.
BOARD_RUNGS = (Ladder.ESCALATED, Ladder.RED, Ladder.YELLOW)


def _overseen(user) -> QuerySet[Case]:
    """The cases the user oversees: a leader the district's, a chief their stations'."""
    scope = scope_of(user)
    cases = visible_cases(user)
    return cases if scope.district else cases.filter(station_id__in=scope.chief_stations)


def _pending(model, **where):
    return model.objects.filter(status=DecisionStatus.PENDING, **where)


def decision_cases(user) -> QuerySet[Case]:
    """The cases of the stations the user chiefs with a pending return, extension or hold
    request, the one waiting longest first. Deciding is the chief's alone: a leader has none."""
    stations = scope_of(user).chief_stations
    waiting = [_pending(model, case=OuterRef("pk")) for model in DECISIONS.values()]
    oldest = [Subquery(q.order_by("requested_at").values("requested_at")[:1]) for q in waiting]
    any_pending = Exists(waiting[0]) | Exists(waiting[1]) | Exists(waiting[2])
    return (
        visible_cases(user)
        .filter(any_pending, station_id__in=stations)
        .select_related(*CASE_ROW)
        .annotate(waiting_since=Least(*oldest))
        .order_by("waiting_since", "pk")
    )


def with_decisions(cases: list[Case]) -> list[Case]:
    """``cases`` with their pending requests (``pending``: ``(action, request)`` pairs, oldest
    first) and latest events (``recent_events``): four queries however many cases."""
    by_case = defaultdict(list)
    for key, model in DECISIONS.items():
        rows = _pending(model, case__in=cases).select_related("assignment__department", "requested_by")
        for request in rows:
            by_case[request.case_id].append((key, request))
    prefetch_related_objects(cases, recent_events())
    for case in cases:
        case.pending = sorted(by_case[case.pk], key=lambda pair: (pair[1].requested_at, pair[1].pk))
    return cases


def _in_board_order(cases: QuerySet[Case]) -> QuerySet[Case]:
    """``cases`` with ``step_due_at`` and ``rung``, the highest rung first, then the earliest due."""
    rung = Switch(*(When(ladder=ladder, then=Value(i)) for i, ladder in enumerate(BOARD_RUNGS)))
    return with_step_due(cases).annotate(rung=rung).order_by("rung", F("step_due_at").asc(nulls_last=True), "pk")


def board_cases(user) -> QuerySet[Case]:
    """The open cases on a rung of the ladder that the user oversees, in the board's order: what
    to filter, count and page. A page's rows are read by :func:`board_rows`."""
    return _in_board_order(_overseen(user).filter(status__in=OPEN_STATUSES, ladder__in=BOARD_RUNGS))


def board_rows(page: QuerySet[Case]) -> QuerySet[Case]:
    """The cases of ``page`` (a slice of :func:`board_cases`), each with ``step_due_at`` and
    what a row shows: one query.

    The slice is taken over the case rows alone, and only the twenty cases it keeps are joined
    to their station, grid, category and department: ordering the whole board with those joins
    made PostgreSQL join all of its cases first (9,464 for the district leader at a million
    cases: 92 ms), for the twenty it keeps."""
    return _in_board_order(Case.objects.filter(pk__in=page.values("pk"))).select_related(*CASE_ROW)


def rung_counts(cases: QuerySet[Case]) -> list[tuple[Ladder, int]]:
    """Each rung, the highest first, with how many of ``cases`` stand on it (one query)."""
    counts = cases.order_by().aggregate(**{rung: Count("pk", filter=Q(ladder=rung)) for rung in BOARD_RUNGS})
    return [(rung, counts[rung]) for rung in BOARD_RUNGS]


def department_counts(cases: QuerySet[Case]) -> list[dict]:
    """Per department with a live assignment on ``cases``: its name and how many of them stand on
    each rung, most cases first (one aggregate query).

    The case rows already filtered, each joined to its live assignments: a case has at most one
    live assignment per department (the constraint ``assignment_one_active_per_department``), so
    counting the joined rows counts cases, with no COUNT DISTINCT (a sort of each department's
    rows) and no second read of each case for its rung. The live condition is written as that
    constraint's (``NOT status IN (returned, cancelled)``), so PostgreSQL reads the department
    from its index alone. For the district leader at a million cases (9,464 cases on the
    ladder): 158 ms -> 36 ms, what remains being one index probe per case for its departments."""
    live = ~Q(In(F("assignments__status"), INACTIVE_ASSIGNMENT_STATUSES))
    per_rung = {rung: Count("pk", filter=Q(ladder=rung)) for rung in BOARD_RUNGS}
    return list(
        cases.order_by()
        .filter(live)
        .values(department_id=F("assignments__department_id"), department__name=F("assignments__department__name"))
        .annotate(total=Count("pk"), **per_rung)
        .order_by("-total", "department__name")
    )


def board_choices(user) -> dict[str, QuerySet]:
    """What the board's filters offer: the departments, grids and categories of what the user
    oversees (read when the filters are drawn, one query each)."""
    scope = scope_of(user)
    departments = Department.objects.filter(is_active=True)
    grids = Grid.objects.filter(is_active=True)
    if not scope.district:
        presences = StationDepartment.objects.filter(
            department=OuterRef("pk"), station_id__in=scope.chief_stations, is_active=True
        )
        departments = departments.filter(Exists(presences))
        grids = grids.filter(station_id__in=scope.chief_stations)
    return {
        "department": departments.order_by("code"),
        "grid": grids.order_by("code"),
        # a subcategory is shown with its parent's name (大类 / 小类): read with it, not one by one
        "category": Category.objects.filter(is_active=True).select_related("parent"),
    }
