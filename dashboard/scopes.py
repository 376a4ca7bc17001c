"""What part of the district a dashboard reads, and what part a user may read.

A :class:`Scope` narrows the measures by any of station, department, grid, category (a top-level
category takes its sub-categories with it) and source; no filter at all is the district. What a
user may read comes from the one access gate's view of their memberships
(:func:`cases.access.scope_of`), never wider:

- a leader (and an administrator, ``is_superuser``) reads the district and any part of it;
- a chief reads their station(s), and any part of them;
- a handler, mediator or liaison officer reads their department at their station;
- anyone else (a grid worker) reads no dashboard.

A scope out of reach, or naming something that does not exist, is answered like a case out of
scope: :class:`~django.http.Http404`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import Http404
from django.utils.translation import gettext as _

from cases.access import scope_of
from cases.models import Category, Source
from workstation.models import Department, Grid, Workstation

DIMENSIONS = ("station", "department", "grid", "category", "source")


class ScopeError(ValueError):
    """Malformed scope parameters (not a number …); ``errors`` maps parameters to reasons."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Scope:
    """Filters, all optional and combined with AND; none is the whole district."""

    station_id: int | None = None
    department_id: int | None = None
    grid_id: int | None = None
    category_id: int | None = None
    source: str | None = None

    @property
    def kind(self) -> str:
        """The narrowest filter set: grid, department, station, category, source or district."""
        for name in ("grid", "department", "station", "category"):
            if getattr(self, f"{name}_id") is not None:
                return name
        return "source" if self.source else "district"

    @property
    def filters(self) -> dict[str, int | str]:
        """The filters that are set, by dimension name."""
        values = {
            "station": self.station_id,
            "department": self.department_id,
            "grid": self.grid_id,
            "category": self.category_id,
            "source": self.source,
        }
        return {k: v for k, v in values.items() if v is not None}

    def narrowed(self, dimension: str, key) -> Scope:
        """This scope, further restricted to one row of a breakdown (a drill-down)."""
        if dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dimension!r}")
        field_name = "source" if dimension == "source" else f"{dimension}_id"
        return replace(self, **{field_name: key})

    def as_params(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.filters.items()}


DISTRICT = Scope()


@dataclass(frozen=True)
class Reach:
    """What one user may read: the district, or some stations, or some (station, department)."""

    district: bool = False
    stations: frozenset[int] = frozenset()
    departments: frozenset[tuple[int, int]] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.district or self.stations or self.departments)

    def allows(self, scope: Scope) -> bool:
        if self.district:
            return True
        if scope.station_id in self.stations:
            return True
        return (scope.station_id, scope.department_id) in self.departments

    def default_scope(self) -> Scope:
        """Where the page opens: the district; else the first station; else the first department."""
        if self.district:
            return DISTRICT
        if self.stations:
            return Scope(station_id=min(self.stations))
        if self.departments:
            station_id, department_id = min(self.departments)
            return Scope(station_id=station_id, department_id=department_id)
        raise Http404(_("无权查看数据看板"))


def reach_of(user) -> Reach:
    """The part of the district the user's memberships reach (the access gate's reading of them)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Reach()
    if user.is_superuser:
        return Reach(district=True)
    access = scope_of(user)
    return Reach(district=access.district, stations=access.chief_stations, departments=access.departments)


def _int(params, name: str, errors: dict[str, list[str]]) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value <= 0:
        errors.setdefault(name, []).append(_("无效的编号：%(value)s") % {"value": raw})
        return None
    return value


def parse_scope(params) -> Scope:
    """The scope named by query parameters ``station``, ``department``, ``grid``, ``category``
    and ``source`` (ids; a source by its code), or :class:`ScopeError`. Existence and reach are
    checked by :func:`scope_for`."""
    errors: dict[str, list[str]] = {}
    ids = {name: _int(params, name, errors) for name in ("station", "department", "grid", "category")}
    source = (params.get("source") or "").strip() or None
    if source is not None and source not in Source.values:
        errors["source"] = [_("未知的来源：%(value)s") % {"value": source}]
    if errors:
        raise ScopeError(errors)
    return Scope(
        station_id=ids["station"],
        department_id=ids["department"],
        grid_id=ids["grid"],
        category_id=ids["category"],
        source=source,
    )


def scope_for(user, params) -> Scope:
    """The scope the user asked for, checked: :class:`ScopeError` when malformed, Http404 when it
    names something that does not exist or lies out of the user's reach. No filter at all means
    where the user's reach opens (:meth:`Reach.default_scope`)."""
    reach = reach_of(user)
    if reach.is_empty:
        raise Http404(_("无权查看数据看板"))
    scope = parse_scope(params)
    if not scope.filters:
        return reach.default_scope()
    if not reach.district and scope.station_id is None:
        # A chief or handler asking for "their" category or grid: within their only station.
        stations = {s for s in reach.stations} | {s for s, _d in reach.departments}
        if len(stations) == 1:
            scope = replace(scope, station_id=next(iter(stations)))
        if scope.department_id is None and not reach.stations and len(reach.departments) == 1:
            scope = replace(scope, department_id=next(iter(reach.departments))[1])
    if not reach.allows(scope) or not _exists(scope):
        raise Http404(_("无权查看数据看板"))
    return scope


def _exists(scope: Scope) -> bool:
    """Every id names a row, and a grid lies in the scope's station."""
    checks = [
        (scope.station_id, Workstation.objects.filter(pk=scope.station_id)),
        (scope.department_id, Department.objects.filter(pk=scope.department_id)),
        (scope.category_id, Category.objects.filter(pk=scope.category_id)),
    ]
    if scope.grid_id is not None:
        grids = Grid.objects.filter(pk=scope.grid_id)
        if scope.station_id is not None:
            grids = grids.filter(station_id=scope.station_id)
        checks.append((scope.grid_id, grids))
    return all(queryset.exists() for value, queryset in checks if value is not None)
