"""The scope shared between requests (``cases.access``): read from the memberships once, then
from Django's cache until a membership or a membership's grids change, when the very next read
sees the change. Run with commits (``transaction=True``): the cache is written outside a
transaction only, and every other test runs inside one."""

import pytest
from django.db import transaction

from cases.access import _share_scope, _shared_scope, forget_scopes, scope_of, visible_cases
from cases.models import Case
from cases.services.intake import case_report
from workstation.models import Grid, Membership, Role, User

# The stores are kept only in a cache shared by every process (Redis): needs one.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs("redis")]


@pytest.fixture(autouse=True)
def _no_shared_scopes():
    forget_scopes()
    yield
    forget_scopes()


def fresh(user: User) -> User:
    """The user as the next request loads it: no scope kept on the object."""
    return User.objects.get(pk=user.pk)


def test_the_second_request_reads_no_membership(world, django_assert_num_queries):
    first = scope_of(fresh(world.wang))
    user = fresh(world.wang)
    with django_assert_num_queries(0):
        shared = scope_of(user)
    assert shared.grids == first.grids == frozenset({world.grid.pk})
    assert shared.grid_stations == first.grid_stations == frozenset({world.station.pk})
    # Facts about cases are not shared: read live by the list that needs them.
    assert shared.reported_any is None and shared.summoned_any is None


def test_a_grid_added_or_removed_is_seen_by_the_next_request(world):
    scope_of(fresh(world.wang))
    membership = Membership.objects.get(user=world.wang)
    membership.grids.add(world.other_grid)
    assert scope_of(fresh(world.wang)).grids == {world.grid.pk, world.other_grid.pk}
    world.other_grid.workers.remove(membership)  # the relation's other side
    assert scope_of(fresh(world.wang)).grids == {world.grid.pk}
    membership.grids.clear()
    assert scope_of(fresh(world.wang)).grids == frozenset()


def test_a_deleted_grid_leaves_the_scope(world):
    grid = Grid.objects.create(station=world.station, code="ZJH-9", name="第九网格")
    Membership.objects.get(user=world.wang).grids.add(grid)
    assert grid.pk in scope_of(fresh(world.wang)).grids
    grid.delete()
    assert scope_of(fresh(world.wang)).grids == {world.grid.pk}


def test_a_membership_made_ended_or_deleted_is_seen_by_the_next_request(world):
    assert not scope_of(fresh(world.wang)).chief_stations
    chief = Membership.objects.create(user=world.wang, role=Role.CHIEF, station=world.other_station)
    assert scope_of(fresh(world.wang)).chief_stations == {world.other_station.pk}
    chief.is_active = False
    chief.save()
    assert not scope_of(fresh(world.wang)).chief_stations
    Membership.objects.filter(user=world.wang, role=Role.GRID_WORKER).delete()
    assert scope_of(fresh(world.wang)).is_empty


def test_a_deactivated_user_has_no_scope_whatever_is_cached(world):
    scope_of(fresh(world.wang))
    User.objects.filter(pk=world.wang.pk).update(is_active=False)
    assert scope_of(fresh(world.wang)).is_empty


def test_no_scope_is_shared_from_inside_a_transaction(world):
    """A transaction may have read its own change, which a rollback would undo unseen."""
    with transaction.atomic():
        scope_of(fresh(world.wang))
    assert _shared_scope(world.wang.pk)[0] is None


def test_a_change_committed_while_a_scope_was_read_makes_that_scope_stale(world):
    """The scope is stored under the version read before the memberships: a change committed
    in between replaced it, so the stored scope is never used."""
    _, version = _shared_scope(world.wang.pk)
    stale = scope_of(fresh(world.wang))
    Membership.objects.get(user=world.wang).grids.add(world.other_grid)  # commits, in between
    _share_scope(world.wang.pk, stale, version)
    assert scope_of(fresh(world.wang)).grids == {world.grid.pk, world.other_grid.pk}


def test_the_case_facts_of_a_shared_scope_are_read_live(world):
    """A grid worker's own report stays in their list after its grid leaves their membership,
    though their scope came from the cache."""
    case = case_report(
        actor=fresh(world.wang), station=world.station, grid=world.grid, title="堆物", description="楼道"
    )
    Membership.objects.get(user=world.wang).grids.clear()
    scope_of(fresh(world.wang))  # read and shared
    user = fresh(world.wang)
    assert list(visible_cases(user).values_list("pk", flat=True)) == [case.pk]
    assert scope_of(user).reported_any is True
    assert Case.objects.count() == 1
