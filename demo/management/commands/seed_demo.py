"""Seed the demo station 振兴基层治理联动工作站 (ZX): its 4+X roster, grids, people, rules and cases.

1. Reference rows (departments, station, grids, users and their memberships, the 4+X roster, the
   category taxonomy with keyword rules, district time limits, working hours and the official
   calendar) are fetched or created by their natural keys. Existing rows are never changed, not
   even a demo user's password.
2. The sample cases (``demo.data.CASES``) are created only while the station has no case,
   so a second run adds nothing.

Each sample case lives its history through the lifecycle services (``cases/services``), each step
at a plausible moment in the past with the services' clock set to it (``governance.clock``), and
the deadline sweep runs at the moments its rungs fell due: the demo shows exactly what the product
writes. Its notices are real notices (the demo's bell shows them); the demo users choose no
e-mail or SMS, so no copy of a past notice goes out.

Times are relative to now; anything random comes from ``random.Random(2026)``.
"""

import heapq
import io
import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from cases.deadlines import DEFAULT_LIMITS
from cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Feedback,
    KeywordRule,
    MediationOutcome,
    MediationParticipant,
    MediationSession,
    Satisfaction,
    SlaRule,
    Source,
    Summons,
    Supervision,
    Urgency,
)
from cases.services.dispatching import case_accept, case_dispatch, case_merge, case_reject
from cases.services.external import case_report_external
from cases.services.feedback import case_feedback
from cases.services.handling import assignment_sign, case_resolve, part_record
from cases.services.intake import PartyInput, case_report
from cases.services.mediation import ParticipantInput, mediation_record, mediation_schedule
from cases.services.supervision import case_supervise, supervision_respond
from cases.services.sweep import LADDERS, sweep_deadlines
from demo import data as demo_data
from demo.data import DemoCase
from demo.stations import seed_neighbour_stations
from demo.tokens import ensure_demo_tokens
from governance import clock
from notifications.models import Notification
from workstation.calendar import DEFAULT_PERIODS, WorkingCalendar, get_calendar
from workstation.models import (
    CalendarDay,
    Department,
    Grid,
    Membership,
    Role,
    StationDepartment,
    User,
    WorkingPeriod,
    Workstation,
)

RANDOM_SEED = 2026
SIX_PLACES = Decimal("0.000001")
EXTERNAL_ID_PREFIX = {"110": "JJ", "12345": "GD", "four-platforms": "SPT"}


# --- Reference data -----------------------------------------------------------------------------


class Reference:
    """Fetches or creates the reference rows; counts what it created for the summary."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.departments: dict[str, Department] = {}
        self.grids: dict[str, Grid] = {}
        self.users: dict[str, User] = {}
        self.categories: dict[str, Category] = {}
        self._hash: str | None = None

    def _get_or_create(self, label: str, model, defaults: dict | None = None, **keys):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **keys)
        if created:
            self.created[label] += 1
        return obj, created

    def build(self) -> None:
        self.ensure_calendar()
        self.station, _ = self._get_or_create(
            "工作站",
            Workstation,
            code=demo_data.STATION["code"],
            defaults={k: v for k, v in demo_data.STATION.items() if k != "code"},
        )
        for code, name, short_name in demo_data.STATIONED_DEPARTMENTS:
            self.ensure_department(code, name, short_name)
        for code, name, short_name, *_officer in demo_data.LIAISON_DEPARTMENTS:
            self.ensure_department(code, name, short_name)
        for code, name, community, lat, lon in demo_data.GRIDS:
            self.grids[code], _ = self._get_or_create(
                "网格",
                Grid,
                station=self.station,
                code=code,
                defaults={
                    "name": name,
                    "community": community,
                    "center_latitude": Decimal(lat),
                    "center_longitude": Decimal(lon),
                },
            )
        self.ensure_people()
        self.ensure_roster()
        self.ensure_taxonomy()
        self.ensure_sla_rules()

    def ensure_calendar(self) -> None:
        for start, end in DEFAULT_PERIODS:
            self._get_or_create("工作时段", WorkingPeriod, start=start, defaults={"end": end})
        # The holidays come from the package through seed_calendar; only an empty calendar is filled.
        if not CalendarDay.objects.exists():
            call_command("seed_calendar", verbosity=0, stdout=io.StringIO())
            self.created["工作日历"] += CalendarDay.objects.count()

    def ensure_department(self, code: str, name: str, short_name: str) -> None:
        self.departments[code], _ = self._get_or_create(
            "部门", Department, code=code, defaults={"name": name, "short_name": short_name}
        )

    def _password_hash(self) -> str:
        # Hashing is slow by design: hash the shared demo password once, not once per account.
        if self._hash is None:
            self._hash = make_password(demo_data.DEMO_PASSWORD)
        return self._hash

    def ensure_user(self, username: str, display_name: str, *, superuser: bool = False) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            phone = f"1380000{len(self.users) + 1:04d}"
            user = User(
                username=username,
                display_name=display_name,
                phone=phone,
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.password = self._password_hash()
            user.save()
            self.created["用户"] += 1
        self.users[username] = user
        return user

    def ensure_membership(
        self, user: User, role: str, *, department: str = "", grids: tuple[str, ...] = ()
    ) -> Membership:
        membership, created = self._get_or_create(
            "岗位",
            Membership,
            user=user,
            role=role,
            station=None if role == Role.LEADER else self.station,
            department=self.departments[department] if department else None,
        )
        if created and grids:
            membership.grids.set([self.grids[code] for code in grids])
        return membership

    def ensure_people(self) -> None:
        for spec in demo_data.DEMO_USERS:
            user = self.ensure_user(spec.username, spec.display_name, superuser=spec.superuser)
            if spec.role:
                self.ensure_membership(user, spec.role, department=spec.department, grids=spec.grids)
        # Every X department's liaison officer is a handler of that department at this station.
        for code, _name, _short, username, display_name in demo_data.LIAISON_DEPARTMENTS:
            user = self.ensure_user(username, display_name)
            self.ensure_membership(user, Role.HANDLER, department=code)

    def ensure_roster(self) -> None:
        for code, *_rest in demo_data.STATIONED_DEPARTMENTS:
            self._get_or_create(
                "入驻部门",
                StationDepartment,
                station=self.station,
                department=self.departments[code],
                defaults={"presence": StationDepartment.Presence.STATIONED},
            )
        for code, _name, _short, username, _display in demo_data.LIAISON_DEPARTMENTS:
            self._get_or_create(
                "入驻部门",
                StationDepartment,
                station=self.station,
                department=self.departments[code],
                defaults={"presence": StationDepartment.Presence.LIAISON, "liaison_officer": self.users[username]},
            )

    def ensure_taxonomy(self) -> None:
        for order, parent_spec in enumerate(demo_data.CATEGORIES, start=1):
            parent = self.ensure_category(parent_spec, None, order * 10)
            for child_order, child_spec in enumerate(parent_spec.children, start=1):
                self.ensure_category(child_spec, parent, order * 10 + child_order)

    def ensure_category(self, spec: demo_data.DemoCategory, parent: Category | None, sort_order: int) -> Category:
        category, created = self._get_or_create(
            "类别",
            Category,
            code=spec.code,
            defaults={
                "parent": parent,
                "name": spec.name,
                "owner": self.departments[spec.owner] if spec.owner else None,
                "clarity": spec.clarity,
                "complexity": spec.complexity,
                "description": spec.description,
                "sort_order": sort_order,
            },
        )
        if created and spec.co:
            category.co_departments.set([self.departments[code] for code in spec.co])
        for keyword, weight in spec.keywords:
            self._get_or_create(
                "关键词规则", KeywordRule, category=category, keyword=keyword, defaults={"weight": weight}
            )
        self.categories[spec.code] = category
        return category

    def ensure_sla_rules(self) -> None:
        for urgency, limits in DEFAULT_LIMITS.items():
            self._get_or_create("时限规则", SlaRule, category=None, urgency=urgency, defaults=limits)


# --- Sample cases -------------------------------------------------------------------------------


class CaseSeeder:
    """Lives the sample cases' histories through the lifecycle services, at moments before now.

    1. Each case's life is a generator (:meth:`life`): resumed with the clock set to a moment, it
       takes one step through a service and yields the moment of its next step.
    2. :meth:`seed` runs the steps of all cases in time order, each inside ``clock.frozen_at``.
    3. Before each step the deadline sweep runs, as the beat would have, at each minute in which a
       rung or a feedback window fell due: the ladders, their notices and the default-satisfied
       closures are the sweep's own. Its last run is at now; from then on the beat takes over.
    """

    def __init__(self, ref: Reference, now: datetime) -> None:
        self.ref = ref
        self.now = now
        self.rng = random.Random(RANDOM_SEED)  # noqa: S311 - reproducible demo data, not security
        self.calendar: WorkingCalendar = get_calendar()
        self.station = ref.station
        self.by_key: dict[str, Case] = {}
        self.external_seq: Counter[str] = Counter()
        self.sweeps = 0
        self.handlers = self._handlers()
        self.grid_workers = {
            code: spec.username for spec in demo_data.DEMO_USERS for code in spec.grids if spec.role == Role.GRID_WORKER
        }

    # Who acts for whom.

    def _handlers(self) -> dict[int, User]:
        """One acting user per department at this station: the first handler or mediator by username."""
        handlers: dict[int, User] = {}
        memberships = Membership.objects.filter(
            station=self.station, role__in=[Role.HANDLER, Role.MEDIATOR], is_active=True
        ).select_related("user")
        for membership in memberships.order_by("user__username"):
            handlers.setdefault(membership.department_id, membership.user)
        for presence in StationDepartment.objects.filter(station=self.station, liaison_officer__isnull=False):
            handlers[presence.department_id] = presence.liaison_officer
        return handlers

    def _chief(self) -> User:
        return self.ref.users[self.rng.choice(["zhanzhang", "zhanzhang", "fuzhanzhang"])]

    # Time.

    def _minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    def _fit(self, prev: datetime, natural: datetime, steps_after: int) -> datetime:
        """``natural``, but before now with room for the steps still to come (and after ``prev``)."""
        limit = prev + (self.now - prev) * 0.95 / (steps_after + 1)
        return max(prev + timedelta(seconds=1), min(natural, limit))

    def _office_time(self, moment: datetime, urgency: str) -> datetime:
        """Urgent matters are handled at once; normal ones wait for working hours."""
        return moment if urgency != Urgency.NORMAL else self.calendar.next_working_moment(moment)

    # --- The timeline. ---------------------------------------------------------------------------

    def seed(self, specs: list[DemoCase]) -> None:
        """Report each case at its moment and take every step of every case in time order."""
        reported = {spec.key: self._reported_at(spec.days_ago) for spec in specs}
        for spec in specs:
            if spec.duplicate_of:  # a duplicate comes in after the case it repeats
                earliest = reported[spec.duplicate_of] + self._minutes(60, 600)
                reported[spec.key] = min(max(reported[spec.key], earliest), self.now - timedelta(minutes=1))
        lives = [(reported[spec.key], order, self.life(spec)) for order, spec in enumerate(specs)]
        heapq.heapify(lives)
        while lives:
            moment, order, life = heapq.heappop(lives)
            self._sweep_until(moment)
            with clock.frozen_at(moment):
                upcoming = next(life, None)
            if upcoming is not None:
                heapq.heappush(lives, (upcoming, order, life))
        self._sweep_until(self.now)

    def _sweep_until(self, moment: datetime) -> None:
        """Run the minute sweep at every minute up to ``moment`` in which something fell due.

        The beat runs it every minute; in the minutes between, it would find nothing to do.
        """
        while (falls_due := self._next_due()) is not None:
            tick = falls_due.replace(second=0, microsecond=0)
            if tick < falls_due:
                tick += timedelta(minutes=1)
            if tick > moment:
                return
            with clock.frozen_at(tick):
                sweep_deadlines()
            self.sweeps += 1

    @staticmethod
    def _next_due() -> datetime | None:
        """The earliest next rung of a running deadline, or end of a feedback window."""
        moments = [
            ladder.model.objects.filter(ladder.running).aggregate(at=Min(ladder.column("next_rung_at")))["at"]
            for ladder in LADDERS
        ]
        moments.append(Case.objects.filter(status=CaseStatus.RESOLVED).aggregate(at=Min("feedback_due_at"))["at"])
        return min((moment for moment in moments if moment is not None), default=None)

    # --- The whole life of one case. -------------------------------------------------------------

    def _steps(self, spec: DemoCase) -> list[str]:
        """The lifecycle steps that take a new case to the spec's status, in order.

        A default-satisfied case has no last step: the sweep closes it when its window ends.
        """
        if spec.status in (CaseStatus.REJECTED, CaseStatus.MERGED):
            return [spec.status]
        reached = {CaseStatus.REPORTED: 0, CaseStatus.ACCEPTED: 1, CaseStatus.DISPATCHED: 2}.get(spec.status, 3)
        steps = ["accept", "dispatch", "sign"][:reached]
        if reached < 3:
            return steps
        if spec.key == demo_data.STORY_KEY:
            steps += ["schedule", "record", "schedule"]  # round 2 is still to come
        steps += ["schedule", "record"] * len(spec.mediation)
        if spec.key == demo_data.MANUAL_SUPERVISION[0]:
            steps.append("supervise")
        steps += ["parts", "resolve", "rework"] * spec.rework
        if spec.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            steps += ["parts", "resolve"]
        if spec.status == CaseStatus.CLOSED and spec.satisfaction != Satisfaction.DEFAULT:
            steps.append("close")
        return steps

    def life(self, spec: DemoCase) -> Iterator[datetime]:
        """Report the case at the clock's moment, then yield each next step's moment and take it
        there (the timeline resumes the generator with the clock set to the yielded moment)."""
        case = self._report(spec)
        self.by_key[spec.key] = case
        steps = self._steps(spec)
        prev = handling_from = case.reported_at
        resolutions = 0
        session = None
        for index, step in enumerate(steps):
            after = len(steps) - index - 1
            if step in ("accept", CaseStatus.REJECTED, CaseStatus.MERGED):
                at = self._fit(prev, self._office_time(prev, spec.urgency) + self._minutes(10, 80), after)
                yield at
                case = self._intake_decision(case, spec, step)
            elif step == "dispatch":
                at = handling_from = self._fit(
                    prev, self._office_time(prev + self._minutes(10, 50), spec.urgency), after
                )
                yield at
                case = case_dispatch(case.pk, actor=self._chief())
            elif step == "sign":
                delay = self._minutes(30, 240) if spec.urgency == Urgency.NORMAL else self._minutes(5, 30)
                first = self._fit(prev, self._office_time(prev + delay, spec.urgency), after)
                at = yield from self._sign_all(case, first, after)
            elif step == "schedule":
                at = self._fit(prev, self._office_time(prev + self._minutes(30, 180), spec.urgency), after)
                held_soon = index + 1 < len(steps) and steps[index + 1] == "record"
                scheduled_at = self._mediation_time(at, after, held_soon=held_soon)
                yield at
                session = self._schedule(case, scheduled_at)
            elif step == "record":
                at = self._fit(session.scheduled_at, session.scheduled_at + self._minutes(90, 150), after)
                yield at
                self._record(case, spec, session)
            elif step == "supervise":
                at = yield from self._supervise(case, prev, spec, after)
            elif step == "parts":
                natural = self._office_time(prev + self._minutes(120, 1200), spec.urgency)
                at = yield from self._parts(case, self._fit(prev, natural, after), after)
            elif step == "resolve":
                resolutions += 1
                final = resolutions > spec.rework
                at = self._fit(prev, self._resolve_time(case, spec, prev, handling_from, final=final), after)
                yield at
                text = spec.resolution if final and spec.resolution else "已现场核查处置，问题初步解决。"
                lead = case.lead_department_id
                case = case_resolve(case.pk, actor=self.handlers[lead], text=text, department_id=lead)
            elif step == "rework":
                natural = self._office_time(prev + self._minutes(12 * 60, 36 * 60), spec.urgency)
                at = handling_from = self._fit(prev, natural, after)
                yield at
                case = self._feedback(case, Satisfaction.DISSATISFIED)
            elif step == "close":
                at = self._fit(prev, self._office_time(prev + self._minutes(8 * 60, 48 * 60), spec.urgency), after)
                yield at
                case = self._feedback(case, spec.satisfaction)
            prev = at

    # --- The steps, each through its service at the clock's moment. -----------------------------

    def _report(self, spec: DemoCase) -> Case:
        """case_report: by the grid's worker, typed by a chief (walk-in, leader's instruction), or
        pushed by an outside system with its own id (case_report_external)."""
        grid = self.ref.grids[spec.grid] if spec.grid else None
        latitude = longitude = None
        if grid is not None:
            latitude = (grid.center_latitude + Decimal(self.rng.uniform(-0.0015, 0.0015))).quantize(SIX_PLACES)
            longitude = (grid.center_longitude + Decimal(self.rng.uniform(-0.0015, 0.0015))).quantize(SIX_PLACES)
        fields = {
            "station": self.station,
            "grid": grid,
            "category": self.ref.categories[spec.category] if spec.category else None,
            "urgency": spec.urgency,
            "title": spec.title,
            "description": spec.description,
            "address": spec.address,
            "latitude": latitude,
            "longitude": longitude,
            "reporter_name": spec.contact[0],
            "reporter_phone": spec.contact[1],
            "parties": [
                PartyInput(
                    name=p.name,
                    role=p.role,
                    phone=p.phone,
                    id_number=p.id_number,
                    organization=p.organization,
                    address=p.address,
                )
                for p in spec.parties
            ],
        }
        if spec.source in EXTERNAL_ID_PREFIX:
            self.external_seq[spec.source] += 1
            day = timezone.localtime(clock.now()).strftime("%Y%m%d")
            external_id = f"{EXTERNAL_ID_PREFIX[spec.source]}{day}{self.external_seq[spec.source]:04d}"
            case, _created = case_report_external(source=spec.source, external_id=external_id, **fields)
            return case
        actor = self.ref.users[self.grid_workers[spec.grid]] if spec.source == Source.GRID else self._chief()
        return case_report(actor=actor, source=spec.source, **fields)

    def _intake_decision(self, case: Case, spec: DemoCase, step: str) -> Case:
        """case_accept, case_reject or case_merge, by a chief."""
        chief = self._chief()
        if step == "accept":
            return case_accept(case.pk, actor=chief)
        if step == CaseStatus.REJECTED:
            return case_reject(case.pk, actor=chief, reason=spec.reject_reason)
        if spec.duplicate_of not in self.by_key:
            raise ValueError(f"demo case {spec.key} is merged into a later case {spec.duplicate_of}")
        target = self.by_key[spec.duplicate_of]
        return case_merge(case.pk, actor=chief, into_id=target.pk, reason=f"与{target.number}反映同一事项，并案办理。")

    def _sign_all(self, case: Case, first: datetime, after: int) -> Iterator[datetime]:
        """assignment_sign by every department, the lead first, a few minutes apart; returns the
        last signature's moment."""
        moment = first
        assignments = list(case.assignments.order_by("-role", "id"))  # descending: "lead" before "co"
        for number, assignment in enumerate(assignments):
            if number:
                moment = self._fit(moment, moment + self._minutes(5, 90), after)
            yield moment
            assignment_sign(
                case.pk, actor=self.handlers[assignment.department_id], department_id=assignment.department_id
            )
        return moment

    def _parts(self, case: Case, first: datetime, after: int) -> Iterator[datetime]:
        """part_record by every co-department still owing its part; returns the last one's moment."""
        moment = first
        owing = list(case.assignments.filter(role=AssignmentRole.CO, status=AssignmentStatus.SIGNED))
        for number, assignment in enumerate(owing):
            if number:
                moment = self._fit(moment, moment + self._minutes(10, 120), after)
            yield moment
            text = f"{assignment.department}已配合完成现场核查和相关处置。"
            part_record(
                case.pk,
                actor=self.handlers[assignment.department_id],
                text=text,
                department_id=assignment.department_id,
            )
        return moment

    def _mediation_time(self, at: datetime, after: int, *, held_soon: bool) -> datetime:
        """A round held soon meets the next working afternoon (or sooner, if now is near); the
        story's next round meets on a working afternoon after now."""
        if held_soon:
            day = self.calendar.next_working_moment(at + timedelta(hours=12)).date()
            return self._fit(at, datetime.combine(day, time(14, 30), tzinfo=self.calendar.tz), after)
        day = self.calendar.next_working_moment(self.now).date()
        if datetime.combine(day, time(14, 30), tzinfo=self.calendar.tz) <= self.now:
            day = self.calendar.next_working_moment(self.now + timedelta(days=1)).date()
        return datetime.combine(day, time(14, 30), tzinfo=self.calendar.tz)

    def _schedule(self, case: Case, scheduled_at: datetime) -> MediationSession:
        """mediation_schedule by the chief: the assigned departments (the service adds them), the
        mediator, an elder, a lawyer and the parties."""
        mediator = self.ref.users["tiaojie"]
        kind = MediationParticipant.Role
        participants = [
            ParticipantInput(role=kind.MEDIATOR, name=mediator.display_name, user_id=mediator.pk),
            ParticipantInput(
                role=kind.ELDER, name=demo_data.MEDIATION_ELDER[0], organization=demo_data.MEDIATION_ELDER[1]
            ),
            ParticipantInput(
                role=kind.LAWYER, name=demo_data.MEDIATION_LAWYER[0], organization=demo_data.MEDIATION_LAWYER[1]
            ),
            *[ParticipantInput(role=kind.PARTY, name=party.name) for party in case.parties.all()],
        ]
        return mediation_schedule(
            case.pk,
            actor=self.ref.users["zhanzhang"],
            scheduled_at=scheduled_at,
            place=demo_data.MEDIATION_PLACE,
            participants=participants,
        )

    def _record(self, case: Case, spec: DemoCase, session: MediationSession) -> None:
        """mediation_record by the mediator: the story's first round agrees in part; others agree."""
        if spec.key == demo_data.STORY_KEY:
            minutes, agreement = demo_data.STORY_ROUND_ONE_MINUTES, demo_data.STORY_ROUND_ONE_AGREED
            outcome = MediationOutcome.PARTIAL
        else:
            agreement = spec.mediation[session.round_no - 1]
            minutes = f"第{session.round_no}轮联合调处，经调解员、部门代表和老娘舅释法说理，双方达成一致：{agreement}"
            outcome = MediationOutcome.AGREEMENT
        mediation_record(
            case.pk,
            actor=self.ref.users["tiaojie"],
            session_id=session.pk,
            minutes=minutes,
            outcome=outcome,
            agreement=agreement,
        )

    def _supervise(self, case: Case, prev: datetime, spec: DemoCase, after: int) -> Iterator[datetime]:
        """case_supervise by the leader, then supervision_respond by the lead; returns the reply's moment."""
        _key, message, response = demo_data.MANUAL_SUPERVISION
        at = self._fit(prev, self._office_time(prev + timedelta(days=1), spec.urgency), after)
        yield at
        supervision = case_supervise(case.pk, actor=self.ref.users["lingdao"], message=message)
        answered = self._fit(at, at + self._minutes(60, 240), after)
        yield answered
        lead = self.handlers[case.lead_department_id]
        supervision_respond(case.pk, actor=lead, supervision_id=supervision.pk, response=response)
        return answered

    def _resolve_time(
        self, case: Case, spec: DemoCase, prev: datetime, handling_from: datetime, *, final: bool
    ) -> datetime:
        """When the lead resolves: within the time limit, or after it for a ``late`` spec. A case
        still waiting for feedback was resolved recently, so that its feedback window is open."""
        natural = handling_from + (case.handle_due_at - handling_from) * self.rng.uniform(0.3, 0.85)
        if spec.late:
            natural = case.handle_due_at + self._minutes(120, 1800)
        if spec.status == CaseStatus.RESOLVED and final:
            recent = self.now - self._minutes(4 * 60, 40 * 60)
            natural = max(natural, recent) if spec.late else min(case.handle_due_at - self._minutes(30, 120), recent)
        return self._office_time(max(natural, prev + self._minutes(60, 180)), spec.urgency)

    def _feedback(self, case: Case, result: str) -> Case:
        """case_feedback: by the grid worker who reported it; an outside reporter answers a phone
        call-back, which a chief records."""
        comment = self.rng.choice(demo_data.FEEDBACK_COMMENTS[result])
        return case_feedback(case.pk, actor=case.reporter or self._chief(), result=result, comment=comment)

    def _reported_at(self, days_ago: float) -> datetime:
        """Less than a day ago: exactly that; earlier: that many days back, between 07:30 and 21:00."""
        if days_ago < 1:
            return self.now - timedelta(days=days_ago)
        day = timezone.localdate(self.now) - timedelta(days=round(days_ago))
        minute = self.rng.randint(7 * 60 + 30, 21 * 60)
        moment = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.calendar.tz)
        return moment + timedelta(seconds=self.rng.randint(0, 59))

    def made(self) -> Counter[str]:
        """What the services wrote for the station's cases, for the summary."""
        station = self.station
        return Counter(
            {
                "案件": Case.objects.filter(station=station).count(),
                "流转记录": CaseEvent.objects.filter(case__station=station).count(),
                "派单": Assignment.objects.filter(case__station=station).count(),
                "联络员召集": Summons.objects.filter(case__station=station).count(),
                "联合调处": MediationSession.objects.filter(case__station=station).count(),
                "督办": Supervision.objects.filter(case__station=station).count(),
                "反馈": Feedback.objects.filter(case__station=station).count(),
                "通知": Notification.objects.filter(case__station=station).count(),
            }
        )


# --- The command --------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "生成演示数据：振兴基层治理联动工作站（ZX）的4+X部门、网格、演示账号、类别与规则，"
        "以及约五十件示例案件。可重复运行，已有数据不会被修改。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off. The demo password and API tokens are public: never on real data.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates accounts with a public password and public API tokens; with DEBUG off "
                "it runs only with --allow-production (a demo or training server, never one with real data)."
            )
        with transaction.atomic():
            ref = Reference()
            ref.build()
            ensure_demo_tokens()  # API tokens for the demo accounts and the intake service accounts
            created = ref.created
            if Case.objects.filter(station=ref.station).exists():
                cases_note = (
                    f"工作站已有案件，未再生成示例案件（现有 {Case.objects.filter(station=ref.station).count()} 件）。"
                )
            else:
                seeder = CaseSeeder(ref, timezone.now())
                seeder.seed(demo_data.CASES)
                made = seeder.made()
                created += made
                cases_note = (
                    f"已通过办理服务生成示例案件 {made['案件']} 件、流转记录 {made['流转记录']} 条"
                    f"（期间定时巡查 {seeder.sweeps} 次）/ built through the services."
                )
            # Two more, small stations for the district dashboard to compare (demo/stations.py).
            neighbours = seed_neighbour_stations(ref, timezone.now())
            if neighbours:
                cases_note += f" 另两个工作站（和兴 HX、东山 DS）示例案件 {neighbours} 件。"
        self._summary(ref, created, cases_note)

    def _summary(self, ref: Reference, created: Counter[str], cases_note: str) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"演示数据就绪 / Demo data ready: {ref.station.name}（{ref.station.code}）"))
        if created:
            write("本次新增 / created: " + "，".join(f"{label} {count}" for label, count in created.items()))
        else:
            write("没有新增任何数据 / nothing new: already seeded.")
        write(cases_note)
        write(f"演示账号 / demo logins（密码 password: {demo_data.DEMO_PASSWORD}）:")
        for spec in demo_data.DEMO_USERS:
            scope = ""
            if spec.department:
                scope = ref.departments[spec.department].name
            elif spec.grids:
                scope = "、".join(ref.grids[code].name for code in spec.grids)
            write(f"  {spec.username:<12} {spec.title:<6} {spec.display_name:<4} {scope}".rstrip())
        write("  liaison_<部门编码>  其余按需入驻部门联络员，如 liaison_social")
