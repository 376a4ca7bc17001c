"""The report's station, grid, category and SLA rules read from shared stores (``SharedRow``,
``governance.shared_cache``): the same rows and refusals as DRF's related field, the database
read once, and any change of the rows seen by the next report. Run with commits
(``transaction=True``): the stores are written outside a transaction only."""

import pytest
from django.db import transaction

from cases.api.inputs import ACTIVE_CATEGORIES, ACTIVE_GRIDS, ACTIVE_STATIONS, CaseCreateSerializer
from cases.deadlines import SLA_RULES, sla_rule_for
from cases.models import SlaRule
from workstation.models import Grid, Workstation

# The stores are kept only in a cache shared by every process (Redis): needs one.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs("redis")]


@pytest.fixture(autouse=True)
def _empty_stores():
    for store in (ACTIVE_STATIONS, ACTIVE_GRIDS, ACTIVE_CATEGORIES):
        store.forget()
    yield
    for store in (ACTIVE_STATIONS, ACTIVE_GRIDS, ACTIVE_CATEGORIES):
        store.forget()


def report(**fields):
    data = {"station": fields.pop("station"), "title": "楼道堆物", "description": "堵塞消防通道", **fields}
    serializer = CaseCreateSerializer(data=data)
    serializer.is_valid()
    return serializer


def test_the_second_report_reads_no_station_or_grid(world, django_assert_num_queries):
    first = report(station=world.station.pk, grid=world.grid.pk, category=world.neighbour.pk)
    assert not first.errors
    with django_assert_num_queries(0):
        second = report(station=world.station.pk, grid=world.grid.pk, category=world.neighbour.pk)
    assert not second.errors
    for name, row in [("station", world.station), ("grid", world.grid), ("category", world.neighbour)]:
        shared, read = second.validated_data[name], first.validated_data[name]
        assert type(shared) is type(row) and shared.pk == row.pk
        assert shared is not read  # a fresh instance for each report
        in_db = type(row).objects.get(pk=row.pk)
        assert {f.attname: getattr(shared, f.attname) for f in row._meta.concrete_fields} == {
            f.attname: getattr(in_db, f.attname) for f in row._meta.concrete_fields
        }


def test_a_deactivated_station_or_grid_is_refused_by_the_next_report(world):
    assert not report(station=world.station.pk, grid=world.grid.pk).errors
    Grid.objects.filter(pk=world.grid.pk).update(is_active=False)  # no signal: still shared
    assert not report(station=world.station.pk, grid=world.grid.pk).errors
    grid = Grid.objects.get(pk=world.grid.pk)
    grid.save()  # a change through the model (the admin's): the next report reads it
    assert set(report(station=world.station.pk, grid=world.grid.pk).errors) == {"grid"}
    station = Workstation.objects.get(pk=world.station.pk)
    station.is_active = False
    station.save()
    assert set(report(station=world.station.pk).errors) == {"station"}


def test_a_renamed_grid_is_read_again(world):
    report(station=world.station.pk, grid=world.grid.pk)
    world.grid.name = "紫金凰社区一网格"
    world.grid.save()
    assert report(station=world.station.pk, grid=world.grid.pk).validated_data["grid"].name == "紫金凰社区一网格"


def test_refusals_are_drf_s(world):
    missing = max(Workstation.objects.values_list("pk", flat=True)) + 1
    assert report(station=missing).errors["station"][0].code == "does_not_exist"
    assert report(station="abc").errors["station"][0].code == "incorrect_type"
    assert report(station=True).errors["station"][0].code == "incorrect_type"
    assert not report(station=str(world.station.pk)).errors  # a string id, as DRF reads it


def test_nothing_is_shared_from_inside_a_transaction(world, django_assert_num_queries):
    with transaction.atomic():
        report(station=world.station.pk)
    with django_assert_num_queries(1):
        report(station=world.station.pk)


def test_sla_rules_are_read_once_and_again_after_a_change(world, django_assert_num_queries):
    SLA_RULES.forget()
    first = sla_rule_for(world.neighbour, "normal")
    with django_assert_num_queries(0):
        assert sla_rule_for(world.neighbour, "normal").pk == first.pk
    rule = SlaRule.objects.create(category=world.neighbour, urgency="normal", accept_amount=7)
    assert sla_rule_for(world.neighbour, "normal").pk == rule.pk
    rule.accept_amount = 9
    rule.save()
    assert sla_rule_for(world.neighbour, "normal").accept_amount == 9
    rule.delete()
    assert sla_rule_for(world.neighbour, "normal").pk == first.pk


def test_a_cache_of_one_process_keeps_nothing(world, settings, django_assert_num_queries):
    """Without Redis (a process's own memory), one worker would keep rows another changed:
    nothing is stored and every report reads the tables."""
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    report(station=world.station.pk, grid=world.grid.pk)
    with django_assert_num_queries(2):  # the station and the grid, again
        assert not report(station=world.station.pk, grid=world.grid.pk).errors
