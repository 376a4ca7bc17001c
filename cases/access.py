"""The one access gate (DESIGN §3). Every page, API call, export and download goes through it.

Scope, per membership:
- leader: every case in the district;
- chief: every case of their station;
- handler / mediator: cases of their station with an assignment of their department that is
  not returned or cancelled (a returned case leaves their view once the chief approves);
- grid_worker: cases they reported and cases in the grids they walk;
- anyone: cases an open (not cancelled) summons calls them to as a liaison officer, whatever
  their memberships (an officer is named on the station's roster, not necessarily a member).
An object out of scope does not exist for the user: the gate raises Http404, never 403.

Which of an in-scope case's personal data the user sees in full is the need-to-know policy
beside this gate: ``cases.privacy.visibility``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import BooleanField, Exists, Expression, F, Field, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Col
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import Http404
from django.utils.translation import gettext as _

from cases.models import INACTIVE_ASSIGNMENT_STATUSES, Assignment, AssignmentRole, Case, Summons
from governance.shared_cache import MISSING, Versioned
from workstation.models import Grid, Membership, Role, User


@dataclass(frozen=True)
class Scope:
    """What one user's memberships reach, read once per request."""

    district: bool = False
    chief_stations: frozenset[int] = field(default_factory=frozenset)
    # (station_id, department_id) pairs a handler or mediator acts for.
    departments: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    mediator_departments: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    grid_stations: frozenset[int] = field(default_factory=frozenset)
    grids: frozenset[int] = field(default_factory=frozenset)
    # The stations the grids lie in: said beside the grids, so that a grid worker's list can walk
    # a station's index (by number: (station, number)) rather than the whole district's.
    stations_of_grids: frozenset[int] = field(default_factory=frozenset)
    # Whether the user filed any case outside the stations they are chief of and the grids they
    # walk, and is called to any by an open summons. Most users are neither (a grid worker files
    # in their own grids): their list then has no "or I filed it" / "or I am summoned" branch,
    # which would keep PostgreSQL from walking an index in the list's order (see
    # ``visible_cases``). Unknown (True) for a user without memberships. Facts about cases, not
    # memberships: a scope from the shared cache has them unread (None), and ``visible_cases``,
    # their one reader, reads them then (``_with_case_facts``).
    reported_any: bool | None = True
    summoned_any: bool | None = True

    @property
    def is_empty(self) -> bool:
        return not (self.district or self.chief_stations or self.departments or self.grid_stations)


def scope_of(user) -> Scope:
    """The user's scope: kept on the user object for the request, and shared between requests
    (and processes) in Django's cache until a membership changes (``_shared_scope``)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_governance_scope", None)
    if cached is not None:
        return cached
    scope, version = _shared_scope(user.pk)
    if scope is None:
        scope = _read_scope(user)
        _share_scope(user.pk, scope, version)
    user._governance_scope = scope
    return scope


def _read_scope(user) -> Scope:
    """The scope from the user's memberships and their grids (two queries), with the case facts
    read in the same query."""
    district = False
    chief, departments, mediators, grid_stations, grids, stations_of_grids = set(), set(), set(), set(), set(), set()
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .annotate(reported_any=_reported_any(user), summoned_any=Exists(open_summonses(user)))
        .prefetch_related("grids")
    )
    reported_any = summoned_any = True
    for m in memberships:
        reported_any, summoned_any = m.reported_any, m.summoned_any
        if m.role == Role.LEADER:
            district = True
        elif m.role == Role.CHIEF:
            chief.add(m.station_id)
        elif m.role in (Role.HANDLER, Role.MEDIATOR):
            departments.add((m.station_id, m.department_id))
            if m.role == Role.MEDIATOR:
                mediators.add((m.station_id, m.department_id))
        elif m.role == Role.GRID_WORKER:
            grid_stations.add(m.station_id)
            for grid in m.grids.all():
                grids.add(grid.pk)
                stations_of_grids.add(grid.station_id)
    return Scope(
        district=district,
        chief_stations=frozenset(chief),
        departments=frozenset(departments),
        mediator_departments=frozenset(mediators),
        grid_stations=frozenset(grid_stations),
        grids=frozenset(grids),
        stations_of_grids=frozenset(stations_of_grids),
        reported_any=reported_any,
        summoned_any=summoned_any,
    )


def _reported_any(user) -> Exists:
    # A case filed at a station the user is chief of, or in a grid they walk, is in their list
    # anyway (index case_reporter_grid answers this from the index alone).
    return Exists(
        Case.objects.filter(reporter=user)
        .exclude(
            station_id__in=Membership.objects.filter(
                user=user, role=Role.CHIEF, is_active=True, station__isnull=False
            ).values("station_id")
        )
        .exclude(
            grid_id__in=Membership.grids.through.objects.filter(
                membership__user=user, membership__role=Role.GRID_WORKER, membership__is_active=True
            ).values("grid_id")
        )
    )


def _with_case_facts(user, scope: Scope) -> Scope:
    """The scope with ``reported_any`` and ``summoned_any`` known: one query if the scope came
    from the shared cache without them."""
    if scope.reported_any is not None and scope.summoned_any is not None:
        return scope
    reported_any, summoned_any = (
        User.objects.filter(pk=user.pk)
        .annotate(reported_any=_reported_any(user), summoned_any=Exists(open_summonses(user)))
        .values_list("reported_any", "summoned_any")
        .get()
    )
    scope = replace(scope, reported_any=reported_any, summoned_any=summoned_any)
    user._governance_scope = scope
    return scope


# --- The scope shared between requests ----------------------------------------------------------
#
# A user's memberships change seldom (an administrator's edit) and are read on every request: the
# scope they give is kept in Django's cache (``governance.shared_cache``: shared by every process,
# replaced on any change of a membership or a membership's grids, connected below).

SCOPES = Versioned("access-scope")


def _shared_scope(user_id: int) -> tuple[Scope | None, str | None]:
    """The shared scope (None if not stored under the current version), and that version."""
    scope, version = SCOPES.get(user_id)
    return (None if scope is MISSING else scope), version


def _share_scope(user_id: int, scope: Scope, version: str | None) -> None:
    """Store a scope just read from the memberships under the version read before them; without
    its facts about cases, which are read live (``_with_case_facts``)."""
    SCOPES.set(user_id, replace(scope, reported_any=None, summoned_any=None), version)


def forget_scopes() -> None:
    SCOPES.forget()


def connect_signals() -> None:
    """Forget the shared scopes whenever a membership or a membership's grids change: a
    membership saved or deleted (a user's deletion deletes theirs), a grid added to or removed
    from one (either side of the relation), a grid saved (the scope names the stations its
    grids lie in) or deleted (its links go with it, and Django sends no signal for the rows of an
    automatic through table)."""
    SCOPES.forget_on(
        (post_save, Membership),
        (post_delete, Membership),
        (m2m_changed, Membership.grids.through),
        (post_save, Grid),
        (post_delete, Grid),
    )


def note_reported(user) -> None:
    """The user just filed a case: a scope read earlier in this request (or kept on this user
    object) now has an "I filed it" branch."""
    cached = getattr(user, "_governance_scope", None)
    if cached is not None and not cached.reported_any:
        user._governance_scope = replace(cached, reported_any=True)


class HoldsDepartment(Expression):
    """The case has an active assignment (not returned or cancelled) of the department.

    On PostgreSQL it reads the departments with an active assignment that a trigger keeps on the
    case (``active_departments``, cases/migrations/0015_case_active_departments.py), indexed with
    the station and the usual filters in one GIN index. Asked as EXISTS over the assignments,
    PostgreSQL — not knowing that a department's cases and a category, a source or a due date go
    together — walked the whole date index probing assignments: 3.2 s at 1,000,000 cases for a
    department with no case of the category asked for (bench/RESULTS.md).

    The column is not on the model (a ``save()`` must never write back a stale copy): it is named
    here against the alias the query gives the case table.
    """

    output_field = BooleanField()
    conditional = True
    _column = Field(name="active_departments")
    _column.column = "active_departments"

    def __init__(self, department_id: int):
        super().__init__()
        self.department_id = department_id
        self.alias = None

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return []

    def as_sql(self, compiler, connection):
        column, _ = compiler.compile(Col(self.alias, self._column))
        return f"{column} @> ARRAY[%s]::bigint[]", (self.department_id,)


class AmongIds(Expression):
    """``<pk> = ANY(ARRAY(<subquery>))``: the subquery runs once, first, to its end, and the query
    then reads its rows by primary key.

    A fence against one planner mistake: a list ordered by an indexed column with ``LIMIT``
    walks that index and filters as it goes when the planner believes matches are common. When the
    filters go together less than it assumes (a department and a category it seldom handles) the
    walk reads the whole table for a page that is empty: 2.7 s at 1,000,000 cases. Inside the
    fence the set is found by the indexes (a department's GIN index, the filters' own), whatever
    its order; its cost is bounded by the department's cases (``department_list``).
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids: QuerySet):
        super().__init__()
        self.pk, self.ids = F("pk"), Subquery(ids)

    def get_source_expressions(self):
        return [self.pk, self.ids]

    def set_source_expressions(self, expressions):
        self.pk, self.ids = expressions

    def as_sql(self, compiler, connection):
        pk, pk_params = compiler.compile(self.pk)
        ids, ids_params = compiler.compile(self.ids)
        return f"{pk} = ANY(ARRAY{ids})", (*pk_params, *ids_params)


def department_list(user, cases: QuerySet[Case]) -> QuerySet[Case]:
    """A filtered list of a user whose scope is their departments' cases alone: the matching set
    found first (``AmongIds``), then read in the list's order. Others' lists are left as they are:
    a station's or the district's cases are too many to read all of a filter's matches, and their
    walks in list order find a page among them soon."""
    scope = scope_of(user)
    if not scope.departments or scope.district or scope.chief_stations or scope.grids:
        return cases
    return cases.filter(AmongIds(cases.order_by().values("pk")))


def _department_condition(departments: frozenset[tuple[int, int]]) -> Q:
    condition = Q(pk__in=[])
    for station_id, department_id in departments:
        condition |= Q(station_id=station_id) & HoldsDepartment(department_id)
    return condition


def open_summonses(user) -> QuerySet[Summons]:
    """The summonses addressed to the user that are not cancelled."""
    return Summons.objects.filter(liaison_officer=user).exclude(status=Summons.Status.CANCELLED)


def visible_cases(user) -> QuerySet[Case]:
    """Every case the user may see: the base of every case list, page or API alike."""
    scope = scope_of(user)
    if scope.district:
        return Case.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    # Only the branches that can hold a row: an OR of an EXISTS with anything keeps PostgreSQL
    # from turning the EXISTS into a join, so a department's list would walk the whole date
    # index (a department with few cases) or read all the department's assignments first.
    scope = _with_case_facts(user, scope)
    condition = Q(pk__in=[])
    if scope.summoned_any:
        condition |= Exists(open_summonses(user).filter(case=OuterRef("pk")))
    if not scope.is_empty:
        condition |= Q(station_id__in=scope.chief_stations)
        condition |= _department_condition(scope.departments)
        if scope.reported_any:
            condition |= Q(reporter=user)
        condition |= Q(station_id__in=scope.stations_of_grids, grid_id__in=scope.grids)
    return Case.objects.filter(condition)


def access_case(user, case_id: int, *, queryset: QuerySet[Case] | None = None) -> Case:
    """The case, if the user may see it; else Http404.

    Seeing is all the gate decides: whether the user may do a particular thing to the case is
    the lifecycle's transition table (state × action × role), asked by the action itself.
    """
    base = queryset if queryset is not None else Case.objects.all()
    try:
        return base.filter(pk__in=visible_cases(user).values("pk")).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404(_("案件不存在或无权访问")) from None


def case_roles(user, case: Case) -> frozenset[str]:
    """The roles a user holds towards one case, as the transition table names them.

    chief, lead, co (their department's active assignment), mediator (of an assigned
    mediation department), liaison (an open summons to the case is addressed to them),
    reporter (filed it, or walks its grid), leader.

    Read once per case object: a request loads its case once and asks the detail, the actions
    and the personal-data rule from that one read. The transition loads its own case under the
    lock, so it decides on fresh roles; the detail shown after an action loads the case again,
    so it sees the roles the action left.
    """
    memo = case.__dict__.setdefault("_roles_by_user", {})
    if user.pk not in memo:
        memo[user.pk] = _roles(user, case)
    return memo[user.pk]


def _scope_roles(user, case: Case) -> set[str]:
    """The roles that follow from the user's memberships and the case's own columns (no query)."""
    scope = scope_of(user)
    roles: set[str] = set()
    if scope.district:
        roles.add("leader")
    if case.station_id in scope.chief_stations:
        roles.add("chief")
    if case.reporter_id == user.pk or (case.grid_id in scope.grids and case.station_id in scope.grid_stations):
        roles.add("reporter")
    return roles


def remember_roles_of_new_case(user, case: Case) -> None:
    """A case just filed has no assignment and no summons yet: the user's roles towards it are
    those of their memberships alone, known without reading its (empty) rows."""
    case.__dict__.setdefault("_roles_by_user", {})[user.pk] = frozenset(_scope_roles(user, case))


def _roles(user, case: Case) -> frozenset[str]:
    scope = scope_of(user)
    roles = _scope_roles(user, case)
    my_departments = {d for s, d in scope.departments if s == case.station_id}
    if my_departments:
        active = Assignment.objects.filter(case=case, department_id__in=my_departments).exclude(
            status__in=INACTIVE_ASSIGNMENT_STATUSES
        )
        for assignment in active:
            roles.add("lead" if assignment.role == AssignmentRole.LEAD else "co")
            if (case.station_id, assignment.department_id) in scope.mediator_departments:
                roles.add("mediator")
    if user.is_active and open_summonses(user).filter(case=case).exists():
        roles.add("liaison")
    return frozenset(roles)


def department_ids_for(user, station_id: int) -> set[int]:
    """The departments a user acts for at one station."""
    return {d for s, d in scope_of(user).departments if s == station_id}
