"""Seed the demo station 振兴基层治理联动工作站 (ZX): its 4+X roster, grids, people, rules and cases.

1. Reference rows (departments, station, grids, users and their memberships, the 4+X roster, the
   category taxonomy with keyword rules, district time limits, working hours and the official
   calendar) are fetched or created by their natural keys. Existing rows are never changed, not
   even a demo user's password.
2. The sample cases (``cases.demo_data.CASES``) are created only while the station has no case,
   so a second run adds nothing.

The lifecycle services (``cases/services``) stamp every step with the present moment, and the audit
table refuses later corrections, so a history that happened in the past cannot go through them.
The cases are therefore written with the ORM, but only through one helper per service
(``_case_report``, ``_case_accept``, ``_case_dispatch`` …), each writing what its service writes:
the same fields, assignment states, event action and payload. The dispatch plan comes from the
real rule (``cases.selectors.dispatch_plan_for``), due times from ``cases.deadlines``, numbers
from ``next_case_number``.

Times are relative to now; anything random comes from ``random.Random(2026)``.
"""

import io
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases import demo_data
from cases.deadlines import backfill_ladders, due, rungs, sla_for
from cases.demo_data import DemoCase
from cases.demo_tokens import ensure_demo_tokens
from cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Deadline,
    DispatchMode,
    Feedback,
    KeywordRule,
    Ladder,
    MediationOutcome,
    MediationParticipant,
    MediationSession,
    Party,
    Satisfaction,
    SlaRule,
    Summons,
    Supervision,
    Urgency,
)
from cases.selectors import dispatch_plan_for
from cases.services.intake import next_case_number
from workstation.calendar import WorkingCalendar, get_calendar
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
        for start, end in demo_data.WORKING_PERIODS:
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
        for urgency, (accept, sign, handle, feedback) in demo_data.SLA_DEFAULTS.items():
            self._get_or_create(
                "时限规则",
                SlaRule,
                category=None,
                urgency=urgency,
                defaults={
                    "accept_amount": accept[0],
                    "accept_unit": accept[1],
                    "sign_amount": sign[0],
                    "sign_unit": sign[1],
                    "handle_amount": handle[0],
                    "handle_unit": handle[1],
                    "feedback_amount": feedback[0],
                    "feedback_unit": feedback[1],
                },
            )


# --- Sample cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Deadline:
    kind: str  # a Deadline value
    start: datetime
    due: datetime
    unit: str
    met_at: datetime | None  # None while it still runs
    assignment: Assignment | None = None


class CaseSeeder:
    """Builds the sample cases step by step, each step at a plausible moment before now."""

    def __init__(self, ref: Reference, now: datetime) -> None:
        self.ref = ref
        self.now = now
        self.rng = random.Random(RANDOM_SEED)  # noqa: S311 - reproducible demo data, not security
        self.calendar: WorkingCalendar = get_calendar()
        self.station = ref.station
        self.created: Counter[str] = Counter()
        self.by_key: dict[str, Case] = {}
        self.external_seq: Counter[str] = Counter()
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

    # Rows that record when something happened.

    def _event(
        self,
        case: Case,
        at: datetime,
        action: str,
        from_status: str,
        to_status: str,
        actor: User | None,
        reason: str = "",
        payload: dict | None = None,
    ) -> None:
        event = CaseEvent(
            case=case,
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            payload=payload or {},
        )
        self._insert_as_of(event, at)
        self.created["流转记录"] += 1

    @staticmethod
    def _insert_as_of(obj, at: datetime) -> None:
        """Insert ``obj`` with ``created_at=at``: the history it records happened in the past.

        ``created_at`` is auto_now_add, which a normal save stamps with now, and a CaseEvent may not
        be updated afterwards (on PostgreSQL a trigger refuses it). A raw save, as ``loaddata``
        does, inserts the values as given.
        """
        obj.created_at = at
        obj.save_base(raw=True)

    # --- One helper per lifecycle step: the seam where the real services will go. --------------
    # Each writes what the matching service in cases/services writes (fields, assignment states,
    # event action and payload), at the given moment instead of now.

    def _case_report(self, spec: DemoCase, number: str, at: datetime) -> Case:
        """case_report."""
        category = self.ref.categories[spec.category] if spec.category else None
        grid = self.ref.grids[spec.grid] if spec.grid else None
        reporter = None
        if spec.source == "grid":
            reporter = self.ref.users[self.grid_workers[spec.grid]]
        elif spec.source == "leader":
            reporter = self.ref.users["lingdao"]
        external_id = None
        if spec.source in EXTERNAL_ID_PREFIX:
            self.external_seq[spec.source] += 1
            day = timezone.localtime(at).strftime("%Y%m%d")
            external_id = f"{EXTERNAL_ID_PREFIX[spec.source]}{day}{self.external_seq[spec.source]:04d}"
        latitude = longitude = None
        if grid is not None:
            latitude = (grid.center_latitude + Decimal(self.rng.uniform(-0.0015, 0.0015))).quantize(SIX_PLACES)
            longitude = (grid.center_longitude + Decimal(self.rng.uniform(-0.0015, 0.0015))).quantize(SIX_PLACES)
        case = Case.objects.create(
            number=number,
            station=self.station,
            grid=grid,
            source=spec.source,
            external_id=external_id,
            category=category,
            urgency=spec.urgency,
            title=spec.title,
            description=spec.description,
            address=spec.address,
            latitude=latitude,
            longitude=longitude,
            status=CaseStatus.REPORTED,
            reporter=reporter,
            reporter_name=spec.contact[0],
            reporter_phone=spec.contact[1],
            reported_at=at,
            accept_due_at=due(at, sla_for(category, spec.urgency).accept),
        )
        Party.objects.bulk_create(
            Party(
                case=case,
                role=party.role,
                name=party.name,
                phone=party.phone,
                id_number=party.id_number,
                organization=party.organization,
                address=party.address,
            )
            for party in spec.parties
        )
        payload = {"source": spec.source, "external_id": external_id} if external_id else {"source": spec.source}
        self._event(case, at, "report", "", CaseStatus.REPORTED, reporter, payload=payload)
        return case

    def _case_reject(self, case: Case, at: datetime, reason: str) -> None:
        """case_reject."""
        case.status, case.reject_reason, case.closed_at = CaseStatus.REJECTED, reason, at
        case.save(update_fields=["status", "reject_reason", "closed_at", "updated_at"])
        self._event(case, at, "reject", CaseStatus.REPORTED, CaseStatus.REJECTED, self._chief(), reason=reason)

    def _case_merge(self, case: Case, at: datetime, target: Case) -> None:
        """case_merge."""
        case.status, case.duplicate_of, case.closed_at = CaseStatus.MERGED, target, at
        case.save(update_fields=["status", "duplicate_of", "closed_at", "updated_at"])
        self._event(
            case,
            at,
            "merge",
            CaseStatus.REPORTED,
            CaseStatus.MERGED,
            self._chief(),
            reason=f"与{target.number}反映同一事项，并案办理。",
            payload={"into": target.number},
        )

    def _case_accept(self, case: Case, at: datetime) -> None:
        """case_accept."""
        case.status, case.accepted_at = CaseStatus.ACCEPTED, at
        case.save(update_fields=["status", "accepted_at", "updated_at"])
        self._event(case, at, "accept", CaseStatus.REPORTED, CaseStatus.ACCEPTED, self._chief())

    def _case_dispatch(self, case: Case, at: datetime) -> None:
        """case_dispatch, following the 4+X rule's plan without override."""
        plan = dispatch_plan_for(case, now=at)
        case.status, case.dispatched_at, case.handle_due_at = CaseStatus.DISPATCHED, at, plan.handle_due_at
        case.dispatch_mode, case.lead_department_id, case.dispatch_plan = plan.mode, plan.lead_id, plan.to_json()
        case.save(
            update_fields=[
                "status",
                "dispatched_at",
                "handle_due_at",
                "dispatch_mode",
                "lead_department",
                "dispatch_plan",
                "updated_at",
            ]
        )
        roles = [(plan.lead_id, AssignmentRole.LEAD)] + [(d, AssignmentRole.CO) for d in plan.co_ids]
        Assignment.objects.bulk_create(
            Assignment(
                case=case,
                department_id=department_id,
                role=role,
                status=AssignmentStatus.PENDING,
                dispatched_at=at,
                sign_due_at=plan.sign_due_at,
                handle_due_at=plan.handle_due_at,
            )
            for department_id, role in roles
        )
        self.created["派单"] += len(roles)
        presences = {p.department_id: p for p in StationDepartment.objects.filter(station=self.station)}
        summoned = []
        for summons in plan.summons:
            row = Summons(
                case=case,
                presence=presences[summons.department_id],
                liaison_officer_id=summons.liaison_officer_id,
                reason="联合处置" if plan.mode == DispatchMode.JOINT else "牵头办理",
            )
            self._insert_as_of(row, at)
            summoned.append(summons.department_id)
            self.created["联络员召集"] += 1
        payload = {
            "mode": plan.mode,
            "lead": plan.lead_id,
            "co": list(plan.co_ids),
            "summons": summoned,
            "overridden": False,
            "redispatch": False,
        }
        self._event(case, at, "dispatch", CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, self._chief(), payload=payload)

    def _assignments_sign(self, case: Case, at: datetime) -> datetime:
        """assignment_sign by every department, the lead first; returns the last signature's time."""
        moment = at
        for assignment in case.assignments.order_by("-role", "id"):  # descending: "lead" before "co"
            signer = self.handlers[assignment.department_id]
            assignment.status, assignment.signed_at, assignment.signed_by = AssignmentStatus.SIGNED, moment, signer
            assignment.save(update_fields=["status", "signed_at", "signed_by"])
            before = case.status
            if assignment.role == AssignmentRole.LEAD:
                case.status = CaseStatus.IN_PROGRESS
                case.save(update_fields=["status", "updated_at"])
            payload = {"department": assignment.department_id, "role": assignment.role}
            self._event(case, moment, "sign", before, case.status, signer, payload=payload)
            # The liaison officer of an X department came to the station to take the case on.
            case.summonses.filter(presence__department_id=assignment.department_id).update(
                status=Summons.Status.ARRIVED, acknowledged_at=moment, arrived_at=moment
            )
            moment = self._fit(moment, moment + self._minutes(5, 90), 1)
        return moment

    def _parts_record(self, case: Case, at: datetime) -> datetime:
        """part_record by every co-department still owing its part; returns the last one's time."""
        moment = at
        for assignment in case.assignments.filter(role=AssignmentRole.CO, status=AssignmentStatus.SIGNED):
            text = f"{assignment.department}已配合完成现场核查和相关处置。"
            assignment.status, assignment.part_text = AssignmentStatus.PART_DONE, text
            assignment.part_recorded_at = assignment.finished_at = moment
            assignment.save(update_fields=["status", "part_text", "part_recorded_at", "finished_at"])
            actor = self.handlers[assignment.department_id]
            payload = {"department": assignment.department_id}
            self._event(case, moment, "record_part", case.status, case.status, actor, reason=text, payload=payload)
            moment = self._fit(moment, moment + self._minutes(10, 120), 1)
        return moment

    def _case_resolve(self, case: Case, at: datetime, text: str) -> None:
        """case_resolve by the lead department."""
        lead = case.assignments.get(role=AssignmentRole.LEAD)
        lead.status, lead.finished_at = AssignmentStatus.DONE, at
        lead.save(update_fields=["status", "finished_at"])
        case.status, case.resolved_at, case.ladder = CaseStatus.RESOLVED, at, Ladder.NONE
        case.feedback_due_at = due(at, sla_for(case.category, case.urgency).feedback)
        case.save(update_fields=["status", "resolved_at", "feedback_due_at", "ladder", "updated_at"])
        agreement = case.mediations.filter(outcome=MediationOutcome.AGREEMENT).order_by("-round_no").first()
        payload = {"resolution": text, "evidence": [], "agreement_round": agreement.round_no if agreement else None}
        actor = self.handlers[lead.department_id]
        self._event(case, at, "resolve", CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, actor, text, payload)

    def _case_feedback(self, case: Case, at: datetime, result: str) -> None:
        """case_feedback: satisfied or basic closes the case; dissatisfied sends it back (rework)."""
        comment = self.rng.choice(demo_data.FEEDBACK_COMMENTS[result])
        # An outside reporter answers a phone call-back, which the chief records.
        given_by = case.reporter or self._chief()
        self._insert_as_of(Feedback(case=case, result=result, comment=comment, given_by=given_by), at)
        self.created["反馈"] += 1
        case.satisfaction = result
        payload = {"result": result}
        if result == Satisfaction.DISSATISFIED:
            # Rework: the lead's assignment reopens and the handling clock starts again.
            case.status, case.rework_count, case.ladder = CaseStatus.IN_PROGRESS, case.rework_count + 1, Ladder.NONE
            case.resolved_at = case.feedback_due_at = None
            case.handle_due_at = due(at, sla_for(case.category, case.urgency).handle)
            fields = ["status", "rework_count", "ladder", "resolved_at", "feedback_due_at", "handle_due_at"]
            case.save(update_fields=[*fields, "satisfaction", "updated_at"])
            case.assignments.filter(role=AssignmentRole.LEAD).update(
                status=AssignmentStatus.SIGNED, finished_at=None, handle_due_at=case.handle_due_at
            )
            payload["rework"] = case.rework_count
        else:
            case.status, case.closed_at = CaseStatus.CLOSED, at
            case.save(update_fields=["status", "closed_at", "satisfaction", "updated_at"])
        self._event(case, at, "feedback", CaseStatus.RESOLVED, case.status, given_by, comment, payload)

    def _case_close_default(self, case: Case, at: datetime) -> None:
        """case_close_default, by the feedback sweep (no actor)."""
        self._insert_as_of(Feedback(case=case, result=Satisfaction.DEFAULT, given_by=None), at)
        self.created["反馈"] += 1
        case.status, case.closed_at, case.satisfaction = CaseStatus.CLOSED, at, Satisfaction.DEFAULT
        case.save(update_fields=["status", "closed_at", "satisfaction", "updated_at"])
        reason, payload = "反馈期限内未反馈，默认满意", {"result": Satisfaction.DEFAULT}
        self._event(case, at, "close_default", CaseStatus.RESOLVED, CaseStatus.CLOSED, None, reason, payload)

    def _mediation_schedule(self, case: Case, at: datetime, scheduled_at: datetime) -> MediationSession:
        """mediation_schedule: every assigned department, the mediator, an elder, a lawyer and the parties."""
        round_no = case.mediations.count() + 1
        chief = self.ref.users["zhanzhang"]
        session = MediationSession(
            case=case, round_no=round_no, scheduled_at=scheduled_at, place=demo_data.MEDIATION_PLACE, created_by=chief
        )
        self._insert_as_of(session, at)
        self.created["联合调处"] += 1
        kind = MediationParticipant.Role
        participants = [
            MediationParticipant(session=session, role=kind.DEPARTMENT, department=a.department, name=a.department.name)
            for a in case.assignments.select_related("department")
        ]
        mediator = self.ref.users["tiaojie"]
        participants.append(
            MediationParticipant(session=session, role=kind.MEDIATOR, name=mediator.display_name, user=mediator)
        )
        for role, (name, organization) in [
            (kind.ELDER, demo_data.MEDIATION_ELDER),
            (kind.LAWYER, demo_data.MEDIATION_LAWYER),
        ]:
            participants.append(MediationParticipant(session=session, role=role, name=name, organization=organization))
        participants += [
            MediationParticipant(session=session, role=kind.PARTY, name=party.name) for party in case.parties.all()
        ]
        MediationParticipant.objects.bulk_create(participants)
        case.summonses.exclude(status=Summons.Status.CANCELLED).update(session=session)
        payload = {"session": session.pk, "round": round_no, "at": scheduled_at.isoformat(), "place": session.place}
        self._event(case, at, "schedule_mediation", case.status, case.status, chief, payload=payload)
        return session

    def _mediation_record(
        self, case: Case, at: datetime, session: MediationSession, *, minutes: str, agreement: str = ""
    ) -> None:
        """mediation_record: the round was held at its scheduled time; everyone came."""
        outcome = MediationOutcome.AGREEMENT if agreement else MediationOutcome.CONTINUE
        session.status, session.held_at = MediationSession.Status.HELD, session.scheduled_at
        session.minutes, session.outcome, session.agreement = minutes, outcome, agreement
        session.save(update_fields=["scheduled_at", "status", "held_at", "minutes", "outcome", "agreement"])
        session.participants.update(attended=True)
        payload = {"session": session.pk, "round": session.round_no, "outcome": outcome}
        actor = self.ref.users["tiaojie"]
        self._event(case, at, "record_mediation", case.status, case.status, actor, minutes, payload)

    def _case_supervise(self, case: Case, at: datetime, message: str, response: str) -> datetime:
        """case_supervise by the leader, then supervision_respond by the lead; returns the reply's time."""
        leader = self.ref.users["lingdao"]
        responder = self.handlers[case.lead_department_id]
        answered = self._fit(at, at + self._minutes(60, 240), 0)
        supervision = Supervision(
            case=case,
            level=Supervision.Level.MANUAL,
            message=message,
            created_by=leader,
            response=response,
            responded_by=responder,
            responded_at=answered,
        )
        self._insert_as_of(supervision, at)
        self.created["督办"] += 1
        payload = {"supervision": supervision.pk}
        self._event(case, at, "supervise", case.status, case.status, leader, message, payload)
        self._event(case, answered, "respond_supervision", case.status, case.status, responder, response, payload)
        return answered

    # --- The supervision ladder, replayed up to now. --------------------------------------------

    def _rungs(self, deadline: _Deadline) -> list[tuple[str, datetime]]:
        """The rungs of one deadline that fired before it was met (or before now)."""
        ladder = rungs(deadline.start, deadline.due, deadline.unit)
        fired = [
            (Ladder.YELLOW, ladder.warn_at),
            (Ladder.RED, ladder.due_at),
            (Ladder.ESCALATED, ladder.escalate_at),
        ]
        until = deadline.met_at or self.now
        return [(level, at) for level, at in fired if at < until]

    def _deadlines(self, case: Case, handling_from: datetime) -> list[tuple[_Deadline, bool]]:
        """The case's deadlines (the handling one counted from ``handling_from``), each with whether it still runs."""
        sla = sla_for(case.category, case.urgency)
        deadlines = [
            (
                _Deadline(Deadline.ACCEPT, case.reported_at, case.accept_due_at, sla.accept[1], case.accepted_at),
                case.status == CaseStatus.REPORTED,
            )
        ]
        if case.dispatched_at is not None:
            for a in case.assignments.all():
                sign = _Deadline(Deadline.SIGN, a.dispatched_at, a.sign_due_at, sla.sign[1], a.signed_at, a)
                deadlines.append((sign, a.signed_at is None))
            handle = _Deadline(Deadline.HANDLE, handling_from, case.handle_due_at, sla.handle[1], case.resolved_at)
            deadlines.append((handle, case.status in (CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS)))
        if case.feedback_due_at is not None:
            feedback = _Deadline(
                Deadline.FEEDBACK, case.resolved_at, case.feedback_due_at, sla.feedback[1], case.closed_at
            )
            deadlines.append((feedback, case.status == CaseStatus.RESOLVED))
        return deadlines

    def _supervise(self, case: Case, handling_from: datetime) -> None:
        """Write the rungs the sweep would have written, and the ladder of the deadlines still running."""
        if case.status in (CaseStatus.REJECTED, CaseStatus.MERGED):
            return
        order = [Ladder.NONE, Ladder.YELLOW, Ladder.RED, Ladder.ESCALATED]
        ladder = Ladder.NONE
        messages = {
            Ladder.YELLOW: "{}期限将至，已用去80%的时限，请抓紧办理。",
            Ladder.RED: "已超过{}期限，请立即办理并说明原因。",
            Ladder.ESCALATED: "超过{}期限一个工作日仍未办结，已升级督办，通报站长和领导。",
        }
        for deadline, running in self._deadlines(case, handling_from):
            for level, at in self._rungs(deadline):
                supervision = Supervision(
                    case=case,
                    assignment=deadline.assignment,
                    deadline=deadline.kind,
                    due_at=deadline.due,
                    level=level,
                    message=messages[level].format(Deadline(deadline.kind).label),
                )
                self._insert_as_of(supervision, at)
                self.created["督办"] += 1
                if running and order.index(level) > order.index(ladder):
                    ladder = level
        if ladder != case.ladder:
            case.ladder = ladder
            case.save(update_fields=["ladder", "updated_at"])

    # --- The whole life of one case. -------------------------------------------------------------

    def _steps(self, spec: DemoCase) -> list[str]:
        """The lifecycle steps that take a new case to the spec's status, in order."""
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
        if spec.status == CaseStatus.CLOSED:
            steps.append("close")
        return steps

    def _round_text(self, spec: DemoCase, round_no: int) -> tuple[str, str]:
        """Minutes and agreement of a held mediation round."""
        if spec.key == demo_data.STORY_KEY:
            return demo_data.STORY_ROUND_ONE_MINUTES, ""
        agreement = spec.mediation[round_no - 1]
        return f"第{round_no}轮联合调处，经调解员、部门代表和老娘舅释法说理，双方达成一致：{agreement}", agreement

    def build(self, spec: DemoCase, number: str, reported_at: datetime) -> Case:
        """Report the case, then take each step at a plausible moment; finally replay the ladder."""
        case = self._case_report(spec, number, reported_at)
        steps = self._steps(spec)
        prev = handling_from = reported_at
        resolutions = 0
        session = None
        for index, step in enumerate(steps):
            after = len(steps) - index - 1
            if step in ("accept", CaseStatus.REJECTED, CaseStatus.MERGED):
                at = self._fit(prev, self._office_time(prev, spec.urgency) + self._minutes(10, 80), after)
                if step == "accept":
                    self._case_accept(case, at)
                elif step == CaseStatus.REJECTED:
                    self._case_reject(case, at, spec.reject_reason)
                else:
                    self._case_merge(case, at, self.by_key[spec.duplicate_of])
            elif step == "dispatch":
                at = self._fit(prev, self._office_time(prev + self._minutes(10, 50), spec.urgency), after)
                self._case_dispatch(case, at)
                handling_from = at
            elif step == "sign":
                delay = self._minutes(30, 240) if spec.urgency == Urgency.NORMAL else self._minutes(5, 30)
                at = self._assignments_sign(case, self._fit(prev, self._office_time(prev + delay, spec.urgency), after))
            elif step == "schedule":
                at = self._fit(prev, self._office_time(prev + self._minutes(30, 180), spec.urgency), after)
                held_soon = index + 1 < len(steps) and steps[index + 1] == "record"
                day = self.calendar.next_working_moment(at + timedelta(hours=12) if held_soon else self.now).date()
                if not held_soon and datetime.combine(day, time(14, 30), tzinfo=self.calendar.tz) <= self.now:
                    day = self.calendar.next_working_moment(self.now + timedelta(days=1)).date()
                session = self._mediation_schedule(
                    case, at, datetime.combine(day, time(14, 30), tzinfo=self.calendar.tz)
                )
            elif step == "record":
                at = self._fit(prev, session.scheduled_at + self._minutes(90, 150), after)
                if at <= session.scheduled_at:  # squeezed by now: the round met a little earlier
                    session.scheduled_at = prev + (at - prev) / 2
                minutes, agreement = self._round_text(spec, session.round_no)
                self._mediation_record(case, at, session, minutes=minutes, agreement=agreement)
            elif step == "supervise":
                _key, message, response = demo_data.MANUAL_SUPERVISION
                natural = self._office_time(prev + timedelta(days=1), spec.urgency)
                at = self._case_supervise(case, self._fit(prev, natural, after), message, response)
            elif step == "parts":
                natural = self._office_time(prev + self._minutes(120, 1200), spec.urgency)
                at = self._parts_record(case, self._fit(prev, natural, after))
            elif step == "resolve":
                resolutions += 1
                handling = case.handle_due_at - handling_from
                natural = handling_from + handling * self.rng.uniform(0.3, 0.85)
                if spec.status == CaseStatus.RESOLVED and resolutions > spec.rework:
                    # Still waiting for feedback: resolved recently, within the time limit.
                    recent = self.now - self._minutes(4 * 60, 40 * 60)
                    natural = min(case.handle_due_at - self._minutes(30, 120), recent)
                if spec.late:
                    natural = case.handle_due_at + self._minutes(120, 1800)
                natural = self._office_time(max(natural, prev + self._minutes(60, 180)), spec.urgency)
                at = self._fit(prev, natural, after)
                final = resolutions > spec.rework
                text = spec.resolution if final and spec.resolution else "已现场核查处置，问题初步解决。"
                self._case_resolve(case, at, text)
            elif step == "rework":
                natural = self._office_time(prev + self._minutes(12 * 60, 36 * 60), spec.urgency)
                at = self._fit(prev, natural, after)
                self._case_feedback(case, at, Satisfaction.DISSATISFIED)
                handling_from = at
            elif step == "close":
                if spec.satisfaction == Satisfaction.DEFAULT:
                    at = self._fit(prev, case.feedback_due_at, after)
                    self._case_close_default(case, at)
                else:
                    natural = self._office_time(prev + self._minutes(8 * 60, 48 * 60), spec.urgency)
                    at = self._fit(prev, natural, after)
                    self._case_feedback(case, at, spec.satisfaction)
            prev = at
        self._supervise(case, handling_from)
        Case.objects.filter(pk=case.pk).update(created_at=reported_at, updated_at=prev)
        self.created["案件"] += 1
        return case

    def seed(self, specs: list[DemoCase]) -> None:
        """Build the cases oldest first, so numbers follow time and a merge finds its target."""
        reported = {spec.key: self._reported_at(spec.days_ago) for spec in specs}
        for spec in specs:
            if spec.duplicate_of:  # a duplicate comes in after the case it repeats
                earliest = reported[spec.duplicate_of] + self._minutes(60, 600)
                reported[spec.key] = min(max(reported[spec.key], earliest), self.now - timedelta(minutes=1))
        for spec in sorted(specs, key=lambda spec: reported[spec.key]):
            if spec.duplicate_of and spec.duplicate_of not in self.by_key:
                raise ValueError(f"demo case {spec.key} is merged into a later case {spec.duplicate_of}")
            self.by_key[spec.key] = self.build(
                spec, next_case_number(self.station, reported[spec.key]), reported[spec.key]
            )

    def _reported_at(self, days_ago: float) -> datetime:
        """Less than a day ago: exactly that; earlier: that many days back, between 07:30 and 21:00."""
        if days_ago < 1:
            return self.now - timedelta(days=days_ago)
        day = timezone.localdate(self.now) - timedelta(days=round(days_ago))
        minute = self.rng.randint(7 * 60 + 30, 21 * 60)
        moment = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.calendar.tz)
        return moment + timedelta(seconds=self.rng.randint(0, 59))


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
                created += seeder.created
                cases_note = f"已生成示例案件 {seeder.created['案件']} 件。"
                # The cases were written with their history, not through the services: give their
                # running deadlines a supervision ladder so the sweep watches them from now on.
                backfill_ladders()
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
