"""Reads of the dashboard page beyond the measures: the map's points and grid counts, the overdue
and escalated list, and what the pickers offer. Every case read starts from the one access gate
(``visible_cases``) and is narrowed by the dashboard's scope, never widened by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as Switch
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from cases.access import visible_cases
from cases.models import OPEN_STATUSES, Case, Category, Ladder, Source
from cases.selectors import CASE_ROW, with_step_due
from dashboard.periods import Period
from dashboard.scopes import Reach, Scope
from workstation.models import Department, Grid, StationDepartment, Workstation

# The map shows at most this many points (the latest); the grid counts always cover them all.
MAP_POINTS = 2000
# The overdue and escalated list: the highest rung first, then the earliest due.
OVERDUE_RUNGS = (Ladder.ESCALATED, Ladder.RED)
OVERDUE_ROWS = 50


def scope_condition(scope: Scope) -> Q:
    """The scope as a condition on cases, attributed as the measures attribute a case: its
    station, grid, category (a top-level one with its sub-categories), source, and the
    department that leads it now."""
    condition = Q()
    if scope.station_id is not None:
        condition &= Q(station_id=scope.station_id)
    if scope.grid_id is not None:
        condition &= Q(grid_id=scope.grid_id)
    if scope.category_id is not None:
        condition &= Q(category_id=scope.category_id) | Q(category__parent_id=scope.category_id)
    if scope.source is not None:
        condition &= Q(source=scope.source)
    if scope.department_id is not None:
        condition &= Q(lead_department_id=scope.department_id)
    return condition


def cases_in(user, scope: Scope) -> QuerySet[Case]:
    return visible_cases(user).filter(scope_condition(scope))


@dataclass(frozen=True)
class MapData:
    points: list[dict]
    grids: list[dict]
    total: int  # cases reported in the period (points may be fewer: no coordinates, or cut)


def map_data(user, period: Period, scope: Scope) -> MapData:
    """The cases reported in the period as points (those with coordinates, the latest
    ``MAP_POINTS``), and per grid with a centre: how many were reported there (the heat view).
    Two queries."""
    reported = cases_in(user, scope).filter(reported_at__gte=period.start, reported_at__lt=period.end)
    points = [
        {"id": pk, "number": number, "title": title, "lat": float(lat), "lng": float(lng), "ladder": ladder}
        for pk, number, title, lat, lng, ladder in reported.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("-reported_at", "-pk")
        .values_list("pk", "number", "title", "latitude", "longitude", "ladder")[:MAP_POINTS]
    ]
    grids = [
        {
            "id": row["grid_id"],
            "name": row["grid__name"],
            "lat": float(row["lat"]),
            "lng": float(row["lng"]),
            "count": row["count"],
        }
        for row in reported.filter(grid__center_latitude__isnull=False, grid__center_longitude__isnull=False)
        .order_by()
        .values("grid_id", "grid__name", lat=F("grid__center_latitude"), lng=F("grid__center_longitude"))
        .annotate(count=Count("pk"))
        .order_by("-count", "grid__name")
    ]
    total = sum(grid["count"] for grid in grids)
    return MapData(points=points, grids=grids, total=total)


def overdue_cases(user, scope: Scope, *, limit: int = OVERDUE_ROWS) -> list[Case]:
    """The open cases of the scope past a due time (超期) or escalated (升级督办), as they stand
    now, whatever the period: the highest rung first, then the earliest due. One query."""
    rung = Switch(*(When(ladder=ladder, then=Value(i)) for i, ladder in enumerate(OVERDUE_RUNGS)))
    cases = cases_in(user, scope).filter(status__in=OPEN_STATUSES, ladder__in=OVERDUE_RUNGS)
    return list(
        with_step_due(cases)
        .select_related(*CASE_ROW)
        .annotate(rung=rung)
        .order_by("rung", F("step_due_at").asc(nulls_last=True), "pk")[:limit]
    )


def picker_choices(reach: Reach) -> dict[str, list[tuple[str, str]]]:
    """What the scope picker offers within the user's reach: (value, label) pairs. Four queries."""
    stations = Workstation.objects.filter(is_active=True).order_by("code")
    departments = Department.objects.filter(is_active=True).order_by("code")
    grids = Grid.objects.filter(is_active=True).select_related("station").order_by("station__code", "code")
    if not reach.district:
        reached = set(reach.stations) | {station for station, _department in reach.departments}
        stations = stations.filter(pk__in=reached)
        grids = grids.filter(station_id__in=reached)
        if reach.stations:
            present = StationDepartment.objects.filter(
                department=OuterRef("pk"), station_id__in=reach.stations, is_active=True
            )
            departments = departments.filter(Exists(present))
        else:
            departments = departments.filter(pk__in={department for _station, department in reach.departments})
    categories = Category.objects.filter(is_active=True, parent__isnull=True)
    return {
        "station": [(str(s.pk), s.name) for s in stations],
        "department": [(str(d.pk), d.name) for d in departments],
        "grid": [(str(g.pk), f"{g.station.name} · {g.name}" if reach.district else g.name) for g in grids],
        "category": [(str(c.pk), c.name) for c in categories],
        "source": [(value, str(label)) for value, label in Source.choices],
    }
