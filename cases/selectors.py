"""Reads: a case's detail, the facts the dispatch rule needs, duplicate suggestions, scoped lists."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case as Switch
from django.db.models import (
    DateTimeField,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cases import dispatch, privacy
from cases.access import access_case, case_roles, remember_roles_of_new_case, scope_of, visible_cases
from cases.deadlines import sla_rule_for, sla_rules_for
from cases.models import (
    INACTIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Extension,
    Hold,
    KeywordRule,
    ReturnRequest,
    Summons,
)
from cases.services.lifecycle import TRANSITIONS, Facts, case_facts, may_try
from workstation.calendar import get_calendar
from workstation.models import Department, Grid, Membership, Role, StationDepartment

CASE_ROW = ("station", "grid", "category", "lead_department")


def case_detail_queryset() -> QuerySet[Case]:
    return Case.objects.select_related(*CASE_ROW, "reporter", "duplicate_of").prefetch_related(
        "parties",
        "attachments",
        Prefetch("assignments", queryset=Assignment.objects.select_related("department", "signed_by")),
        Prefetch("summonses", queryset=Summons.objects.select_related("presence__department", "liaison_officer")),
    )


def available_actions(user, case: Case) -> list[str]:
    """The actions the user may try now, in the transition table's order: those the lifecycle
    admits (table and sub-state), which succeed given valid input. The case's facts are read once
    for all of them (two queries)."""
    facts, roles = case_facts(case), case_roles(user, case)
    return [key for key in TRANSITIONS if may_try(key, case, actor=user, roles=roles, facts=facts)]


def case_detail_for(user, case_id: int, *, gated: bool = True) -> Case:
    """The case as its detail shows it to the user: its rows loaded, and attached to it the chief's
    decisions on it (``return_requests``, ``extensions``, ``holds``), the user's ``roles``, the
    ``available_actions`` and ``visibility`` (which personal data the user sees in full).

    ``gated=False`` right after the user acted on the case (the gate passed).
    """
    if gated:
        case = access_case(user, case_id, queryset=case_detail_queryset())
    else:
        case = case_detail_queryset().get(pk=case_id)
    for attribute, model in [("return_requests", ReturnRequest), ("extensions", Extension), ("holds", Hold)]:
        rows = model.objects.filter(case=case).select_related("assignment__department", "requested_by", "decided_by")
        setattr(case, attribute, list(rows.order_by("requested_at", "pk")))
    case.roles = sorted(case_roles(user, case))
    case.available_actions = available_actions(user, case)
    case.visibility = privacy.visibility(user, case)
    return case


def _prefetched_none(model) -> QuerySet:
    """An empty queryset standing for prefetched rows, as ``prefetch_related`` leaves them: its
    result already there (``_result_cache``, what Django's prefetch sets), so reading it compiles
    no SQL. A plain ``none()`` compiles its query on every read before finding it empty; the
    detail reads a new case's assignments and summonses several times (privacy, serializer)."""
    empty = model.objects.none()
    empty._result_cache = []
    empty._prefetch_done = True
    return empty


def new_case_detail_for(user, case: Case) -> Case:
    """The detail of a case ``user`` has just filed (``case_report``), built from what was written.

    The same object :func:`case_detail_for` reads back, without reading it: the report wrote the
    case, its parties and attachments (in the case's prefetch cache), and a new case has no
    assignment, summons, request, mediation or supervision, so neither the rows nor the
    preconditions' facts need a query. ``tests/test_api_cases.py`` compares the two answers byte
    for byte.
    """
    cache = case.__dict__.setdefault("_prefetched_objects_cache", {})
    for relation in ("assignments", "summonses"):
        cache[relation] = _prefetched_none(Case._meta.get_field(relation).related_model)
    case.return_requests, case.extensions, case.holds = [], [], []
    remember_roles_of_new_case(user, case)
    case.roles = sorted(case_roles(user, case))
    roles, facts = case_roles(user, case), Facts(assignments=(), items=())
    case.available_actions = [key for key in TRANSITIONS if may_try(key, case, actor=user, roles=roles, facts=facts)]
    case.visibility = privacy.visibility(user, case)
    return case


def _sla_facts(category: Category | None, urgency: str, rules) -> dispatch.SlaFacts:
    rule = sla_rule_for(category, urgency, rules)
    return dispatch.SlaFacts(
        sign_amount=rule.sign_amount,
        sign_unit=rule.sign_unit,
        handle_amount=rule.handle_amount,
        handle_unit=rule.handle_unit,
    )


def category_facts(categories) -> tuple[dispatch.CategoryFacts, ...]:
    """The taxonomy as the rule reads it; ``categories`` with their co-departments prefetched."""
    return tuple(
        dispatch.CategoryFacts(
            id=c.pk,
            name=c.name,
            owner_id=c.owner_id,
            clarity=c.clarity,
            co_department_ids=tuple(d.pk for d in sorted(c.co_departments.all(), key=lambda d: d.code)),
            complexity=c.complexity,
        )
        for c in categories
    )


def keyword_facts() -> tuple[dispatch.KeywordFacts, ...]:
    """The active keyword rules of active categories, in a stable order."""
    return tuple(
        dispatch.KeywordFacts(keyword=k.keyword, category_id=k.category_id, weight=k.weight)
        for k in KeywordRule.objects.filter(is_active=True, category__is_active=True).order_by("pk")
    )


def dispatch_facts_for(case: Case, *, now: datetime, chief_lead_id: int | None = None) -> dispatch.DispatchFacts:
    """Everything the 4+X rule reads about a case, as plain values."""
    categories = list(
        Category.objects.filter(is_active=True).select_related("parent").prefetch_related("co_departments")
    )
    roster = tuple(
        dispatch.PresenceFacts(
            department_id=p.department_id, presence=p.presence, liaison_officer_id=p.liaison_officer_id
        )
        for p in StationDepartment.objects.filter(station_id=case.station_id, is_active=True).order_by("pk")
    )
    departments = tuple(
        dispatch.DepartmentFacts(id=d.pk, name=d.name) for d in Department.objects.filter(is_active=True)
    )
    rules = sla_rules_for(case.urgency)
    sla = {c.pk: _sla_facts(c, case.urgency, rules) for c in categories}
    sla[None] = _sla_facts(None, case.urgency, rules)
    parties = tuple(
        dispatch.PartyFacts(name=p.name, organization=p.organization, description=p.address)
        for p in case.parties.all().order_by("pk")
    )
    return dispatch.DispatchFacts(
        category_id=case.category_id,
        title=case.title,
        description=case.description,
        urgency=case.urgency,
        grid_id=case.grid_id,
        parties=parties,
        categories=category_facts(categories),
        keywords=keyword_facts(),
        roster=roster,
        departments=departments,
        sla_for=sla,
        now=now,
        chief_lead_id=chief_lead_id,
    )


def dispatch_plan_for(case: Case, *, now: datetime, chief_lead_id: int | None = None) -> dispatch.DispatchPlan:
    from cases.deadlines import due

    facts = dispatch_facts_for(case, now=now, chief_lead_id=chief_lead_id)
    return dispatch.plan_dispatch(facts, add_time=lambda start, amount, unit: due(start, (amount, unit)))


@dataclass(frozen=True)
class DuplicateSuggestion:
    case: Case
    reasons: tuple[str, ...]
    score: float  # 0..1: the strongest of the rules that found it


DUPLICATE_WINDOW = timedelta(days=7)
DUPLICATE_DISTANCE_M = 200
# Text similarity (pg_trgm's measure) from which two reports read as one matter. Chinese has no
# spaces, so pg_trgm compares character trigrams of each clause. Measured on the demo station:
# the same report filed twice scores 1.0, the same description under a new title 0.77, the
# same matter in other words 0.12–0.28, unrelated reports in one community at most 0.09. 0.3 is
# also pg_trgm's default threshold for the index-backed `%` operator; a lower value here would
# need `pg_trgm.similarity_threshold` lowered too.
DUPLICATE_SIMILARITY = 0.3
# A shared phone in the same category is strong evidence; nearness alone is weak (a building
# has many matters), worth at most this much, falling to nothing at DUPLICATE_DISTANCE_M.
PHONE_SCORE = 0.9
NEARBY_SCORE = 0.5

# A report's text as cases/migrations/0005_case_text_trigram.py indexes it (the same expression,
# or PostgreSQL will not use the index).
CASE_TEXT = Func(
    F("title"), Value(" "), F("description"), template="(%(expressions)s)", arg_joiner=" || ", output_field=TextField()
)


def _similar_texts(case: Case, base: QuerySet[Case]) -> list[tuple[Case, float]]:
    text = f"{case.title} {case.description}"
    # `%` finds candidates through the trigram index; the threshold then applies exactly.
    similar = base.filter(TrigramSimilar(CASE_TEXT, text)).annotate(similarity=TrigramSimilarity(CASE_TEXT, text))
    return [(c, c.similarity) for c in similar.filter(similarity__gte=DUPLICATE_SIMILARITY)]


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres (haversine); plenty for 200 m within a township."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def duplicate_candidates(case: Case, *, viewer=None) -> list[DuplicateSuggestion]:
    """Possible duplicates, each with why and a score; merging is a person's decision.

    Same station, reported within 7 days either side, not already merged or rejected, and
    1. the same category with a party phone in common (score PHONE_SCORE), or
    2. both located, within 200 m of each other (up to NEARBY_SCORE, less the farther), or
    3. title and description alike (their trigram similarity, from DUPLICATE_SIMILARITY).
    Best score first, then the nearest in time (then the older case: the same facts, the same list).
    With a ``viewer``, only the cases they may see are searched, and rule 1 rests on personal
    data: it counts only where they see the parties of both cases unmasked (DESIGN §9).
    Otherwise a viewer could file reports with guessed phones until "the same phone" showed.
    """
    window = Q(
        reported_at__gte=case.reported_at - DUPLICATE_WINDOW, reported_at__lte=case.reported_at + DUPLICATE_WINDOW
    )
    base = (
        (visible_cases(viewer) if viewer is not None else Case.objects.all())
        .filter(window, station_id=case.station_id)
        .exclude(pk=case.pk)
        .exclude(status__in=[CaseStatus.MERGED, CaseStatus.REJECTED])
    )
    found: dict[int, Case] = {}
    reasons: dict[int, list[tuple[str, float]]] = {}

    def suggest(other: Case, reason: str, score: float) -> None:
        found.setdefault(other.pk, other)
        reasons.setdefault(other.pk, []).append((reason, score))

    def sees_phones(other: Case) -> bool:
        return viewer is None or privacy.P.PEOPLE in privacy.visibility(viewer, other)

    phones = {p.phone for p in case.parties.all() if p.phone}
    if case.category_id and phones and sees_phones(case):
        same_phone = base.filter(category_id=case.category_id, parties__phone__in=phones).distinct()
        if viewer is not None:
            same_phone = privacy.with_visibility_facts(same_phone, viewer)
        for other in same_phone:
            if sees_phones(other):
                suggest(other, _("同一类别，且当事人联系电话相同"), PHONE_SCORE)

    if case.latitude is not None and case.longitude is not None:
        # A bounding box in SQL first (about 0.002° ≈ 220 m of latitude), then the exact distance.
        lat_box = Decimal("0.0025")
        lon_box = Decimal(str(round(0.0025 / max(math.cos(math.radians(float(case.latitude))), 0.1), 6)))
        nearby = base.filter(
            latitude__range=(case.latitude - lat_box, case.latitude + lat_box),
            longitude__range=(case.longitude - lon_box, case.longitude + lon_box),
        )
        for other in nearby:
            metres = distance_m(case.latitude, case.longitude, other.latitude, other.longitude)
            if metres <= DUPLICATE_DISTANCE_M:
                reason = _("位置相距约 %(metres)s 米") % {"metres": round(metres)}
                suggest(other, reason, NEARBY_SCORE * (1 - metres / DUPLICATE_DISTANCE_M))

    for other, similarity in _similar_texts(case, base):
        suggest(
            other, _("标题和情况描述相似（相似度 %(percent)s%%）") % {"percent": round(similarity * 100)}, similarity
        )

    suggestions = [
        DuplicateSuggestion(
            case=other,
            reasons=tuple(reason for reason, _score in reasons[pk]),
            score=round(max(score for _reason, score in reasons[pk]), 3),
        )
        for pk, other in found.items()
    ]
    return sorted(
        suggestions, key=lambda s: (-s.score, abs((s.case.reported_at - case.reported_at).total_seconds()), s.case.pk)
    )


def handlers_of(station_id: int, department_ids) -> list:
    """The people who act for these departments at a station (handlers and mediators)."""
    memberships = Membership.objects.filter(
        station_id=station_id,
        department_id__in=list(department_ids),
        role__in=[Role.HANDLER, Role.MEDIATOR],
        is_active=True,
    ).select_related("user")
    return [m.user for m in memberships]


def chiefs_of(station_id: int) -> list:
    memberships = Membership.objects.filter(station_id=station_id, role=Role.CHIEF, is_active=True)
    return [m.user for m in memberships.select_related("user")]


def leaders() -> list:
    """The district's leaders (领导): they hear of every escalation."""
    memberships = Membership.objects.filter(role=Role.LEADER, is_active=True).select_related("user")
    return list(dict.fromkeys(m.user for m in memberships))


def people_of_stations(station_ids, department_ids) -> tuple[dict, dict]:
    """For a batch of cases, in two queries: ``{station: [chiefs]}`` and
    ``{(station, department): [handlers and mediators]}``."""
    chiefs: dict[int, list] = {}
    handlers: dict[tuple[int, int], list] = {}
    memberships = Membership.objects.filter(station_id__in=list(station_ids), is_active=True).select_related("user")
    for m in memberships.filter(role=Role.CHIEF):
        chiefs.setdefault(m.station_id, []).append(m.user)
    acting = memberships.filter(role__in=[Role.HANDLER, Role.MEDIATOR], department_id__in=list(department_ids))
    for m in acting:
        handlers.setdefault((m.station_id, m.department_id), []).append(m.user)
    return chiefs, handlers


# --- Case lists and the deadline of the current step ------------------------------------------


def _first_sign_due():
    pending = Assignment.objects.filter(case=OuterRef("pk"), status=AssignmentStatus.PENDING)
    return Subquery(pending.order_by("sign_due_at").values("sign_due_at")[:1])


# The deadline a case waits on, per status (DESIGN §6): its label and where its due time is.
# An accepted case waits for dispatch, which has no time limit; a closed one waits for nothing.
STEP_DEADLINES: dict[str, tuple[Promise, object]] = {
    CaseStatus.REPORTED: (gettext_lazy("受理期限"), F("accept_due_at")),
    CaseStatus.DISPATCHED: (gettext_lazy("签收期限"), _first_sign_due()),
    CaseStatus.IN_PROGRESS: (gettext_lazy("办理期限"), F("handle_due_at")),
    CaseStatus.RESOLVED: (gettext_lazy("反馈期限"), F("feedback_due_at")),
}


def with_step_due(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with ``step_due_at``: the due time of the step each waits on (None if none),
    computed in the same query, so a list costs one query however long it is."""
    whens = [When(status=status, then=due) for status, (_label, due) in STEP_DEADLINES.items()]
    return cases.annotate(step_due_at=Switch(*whens, default=None, output_field=DateTimeField()))


@dataclass(frozen=True)
class StepDeadline:
    label: str
    due_at: datetime
    ladder: str  # cases.models.Ladder: the colour of the case's current deadline
    working_time_left: timedelta  # negative once the due time has passed

    @property
    def left_text(self) -> str:
        hours = f"{abs(self.working_time_left) / timedelta(hours=1):.1f}"
        if self.working_time_left >= timedelta(0):
            return _("剩余 %(hours)s 工作小时") % {"hours": hours}
        return _("已超期 %(hours)s 工作小时") % {"hours": hours}


def step_deadline(case: Case, *, now: datetime) -> StepDeadline | None:
    """The deadline of the step ``case`` waits on, with the working time left on the calendar.
    ``case`` comes from :func:`with_step_due`."""
    if case.step_due_at is None:
        return None
    label, _due = STEP_DEADLINES[case.status]
    left = get_calendar().working_time_between(now, case.step_due_at)
    return StepDeadline(label=str(label), due_at=case.step_due_at, ladder=case.ladder, working_time_left=left)


def lands_on_reports(user) -> bool:
    """A grid worker and nothing else: their home is reporting, not a work list."""
    scope = scope_of(user)
    return bool(scope.grid_stations) and not (scope.district or scope.chief_stations or scope.departments)


def work_list(user) -> QuerySet[Case]:
    """The cases the user may see, newest first, with what a list row shows."""
    return with_step_due(visible_cases(user)).select_related("category").order_by("-reported_at", "-id")


# How many of a case's latest events a row of 我的上报 shows.
TIMELINE_LENGTH = 3
# Events written outside the transition table, by their action.
OTHER_EVENTS = {"report": pgettext_lazy("action", "上报")}


def recent_events() -> Prefetch:
    """A case's latest events as ``recent_events``, newest first: one query for a whole list."""
    latest = CaseEvent.objects.select_related("actor").order_by("case", "-id")[:TIMELINE_LENGTH]
    return Prefetch("events", queryset=latest, to_attr="recent_events")


def reports_of(user) -> QuerySet[Case]:
    """The cases the user filed, newest first, each with its latest events (``recent_events``,
    newest first): one more query for the whole page."""
    return work_list(user).filter(reporter=user).prefetch_related(recent_events())


@dataclass(frozen=True)
class TimelineEntry:
    who: str
    what: str
    when: datetime
    reason: str


def timeline(case: Case) -> list[TimelineEntry]:
    """A case's latest events from :func:`reports_of`, in words: who did what, when, and why."""
    return [
        TimelineEntry(
            who=str(event.actor) if event.actor else _("系统"),
            what=str(TRANSITIONS[event.action].label if event.action in TRANSITIONS else OTHER_EVENTS[event.action]),
            when=event.created_at,
            reason=event.reason,
        )
        for event in case.recent_events
    ]


# --- The report form ------------------------------------------------------------------------


def report_grids(user) -> QuerySet[Grid]:
    """Where the user may file a report: the grids they walk, and every grid of a station they
    chief (a walk-in typed by the chief)."""
    scope = scope_of(user)
    where = Q(pk__in=scope.grids) | Q(station_id__in=scope.chief_stations)
    return Grid.objects.filter(where, is_active=True).select_related("station").order_by("code")


@dataclass(frozen=True)
class Suggestion:
    category: Category
    matched: tuple[str, ...]  # why: the category's keywords found in the text
    low_confidence: bool


def category_suggestion(title: str, description: str) -> Suggestion | None:
    """The category the keyword rules suggest for a report being typed, as dispatch will (rule 1)."""
    categories = {c.pk: c for c in Category.objects.filter(is_active=True).prefetch_related("co_departments")}
    text = "\n".join([title, description])
    suggested = dispatch.suggest_category(text, keyword_facts(), category_facts(categories.values()))
    if suggested is None:
        return None
    return Suggestion(categories[suggested.category_id], suggested.matched, suggested.low_confidence)


def mediation_departments(case: Case) -> list[Department]:
    """The departments a mediation round of ``case`` may gather: those assigned to it (from its
    prefetched assignments, the lead first), then the others present at its station (one query)."""
    live = [a for a in case.assignments.all() if a.status not in INACTIVE_ASSIGNMENT_STATUSES]
    assigned = [a.department for a in sorted(live, key=lambda a: a.role != AssignmentRole.LEAD)]
    others = (
        Department.objects.filter(presences__station_id=case.station_id, presences__is_active=True, is_active=True)
        .exclude(pk__in=[d.pk for d in assigned])
        .distinct()
        .order_by("code")
    )
    return [*dict.fromkeys(assigned), *others]
