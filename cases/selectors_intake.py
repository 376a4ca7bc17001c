"""Reads of the intake desk (受理台): the new reports a chief must accept, reject or merge."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.access import scope_of, visible_cases
from cases.models import Case, CaseStatus, Category
from cases.selectors import with_step_due
from workstation.models import Grid


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
