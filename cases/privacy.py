"""Need to know (DESIGN §9, issue 13 item 2): which of a case's personal data a viewer sees in full.

The access gate (``cases.access``) decides whether a user sees a case at all; this policy, beside
it, decides which kinds of personal data on that case they see unmasked. Everything that shows a
case — pages, lists, API serializers, duplicate suggestions, admin, exports — asks
:func:`visibility` and masks the rest with ``cases.masking``.

The kinds of personal data (:class:`PersonalData`):

- ``people``: parties' names and phones;
- ``id_numbers``: parties' ID numbers;
- ``addresses``: the case's address and the parties' addresses (masked: cut after the building);
- ``reporter``: who reported it — the source contact's name and phone;
- ``photos``: files that show people (report photos, resolution evidence): downloadable or not;
- ``mediation``: the names of mediation participants who are residents (parties, elders, others;
  department representatives, mediators and lawyers act in office and stay named).

The rules, in order (:func:`decide`, a pure function of :class:`ViewerFacts`):

1. Each relation the viewer has to the case grants fields (``GRANTS``), and the grants add up:
   the station's chief and the lead department while its assignment is live: everything; a
   co-department while its assignment is live, and a liaison officer summoned to the case for a
   department whose assignment is live, while the summons is open (they represent it at the
   station, a membership or not): everything but ID numbers; the grid worker who filed it: everything.
   Leaders, other grid workers and other departments are granted nothing: all masked.
2. A department's assignment is live while pending, signed or asking to be returned; returned,
   waived, done (lead), part done (co) or cancelled ends it.
3. A confidential report (匿名/保密举报, ``Case.reporter_confidential``): the reporter's identity
   comes only from the chief's and the filer's grants, never from a department's.
4. A case closed (closed, rejected or merged) longer than ``PERSONAL_DATA_DAYS_AFTER_CLOSE`` ago
   shows nobody anything unmasked.
"""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db.models import BooleanField as BooleanOutput
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy

from cases.access import open_summonses, scope_of
from cases.masking import mask_address, mask_id_number, mask_name, mask_phone
from cases.models import Assignment, AssignmentRole, AssignmentStatus, AttachmentPurpose, Case, Summons
from governance import clock


class PersonalData(enum.StrEnum):
    PEOPLE = "people"
    ID_NUMBERS = "id_numbers"
    ADDRESSES = "addresses"
    REPORTER = "reporter"
    PHOTOS = "photos"
    MEDIATION = "mediation"


P = PersonalData
# How the kinds are named to people (the view log in admin, the API's documentation).
FIELD_LABELS = {
    P.PEOPLE: gettext_lazy("姓名和电话"),
    P.ID_NUMBERS: gettext_lazy("身份证号"),
    P.ADDRESSES: gettext_lazy("地址"),
    P.REPORTER: gettext_lazy("上报人"),
    P.PHOTOS: gettext_lazy("照片"),
    P.MEDIATION: gettext_lazy("调处参与人"),
}
EVERYTHING = frozenset(PersonalData)
NOTHING: frozenset[PersonalData] = frozenset()

# An assignment in these states still holds its department to the case: it works the case now.
LIVE_ASSIGNMENT_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.RETURN_REQUESTED)

# Files of these purposes show people (photos taken at the scene, evidence of the resolution).
PHOTO_PURPOSES = frozenset({AttachmentPurpose.REPORT, AttachmentPurpose.EVIDENCE})

# Participants of these roles are residents (unless named by a user account): their names are
# personal data.
RESIDENT_PARTICIPANT_ROLES = frozenset({"party", "elder", "other"})


class Relation(enum.StrEnum):
    CHIEF = "chief"
    LEAD = "lead"
    CO = "co"
    LIAISON = "liaison"
    FILER = "filer"


# What each relation to a case grants (rule 1). Leaders and everyone else: nothing.
GRANTS: dict[Relation, frozenset[PersonalData]] = {
    Relation.CHIEF: EVERYTHING,
    Relation.LEAD: EVERYTHING,
    Relation.CO: EVERYTHING - {P.ID_NUMBERS},
    Relation.LIAISON: EVERYTHING - {P.ID_NUMBERS},
    Relation.FILER: EVERYTHING,
}
# The relations a confidential reporter's identity is hidden from (rule 3).
DEPARTMENT_RELATIONS = frozenset({Relation.LEAD, Relation.CO, Relation.LIAISON})

CLOSED_STATUSES = frozenset({"closed", "rejected", "merged"})


@dataclass(frozen=True)
class ViewerFacts:
    relations: frozenset[Relation]
    reporter_confidential: bool
    closed_at: datetime | None  # set when the case is closed, rejected or merged
    now: datetime
    window: timedelta


@dataclass(frozen=True)
class Visibility:
    """What one viewer sees of one case: the kinds shown in full; everything else is masked."""

    full: frozenset[PersonalData]
    # The reporter asked to stay hidden from the departments, and this viewer is one of them.
    reporter_hidden: bool = False

    def __contains__(self, item: PersonalData) -> bool:
        return item in self.full

    @property
    def masked(self) -> bool:
        """Whether anything is masked for this viewer."""
        return self.full != EVERYTHING

    @property
    def any_full(self) -> bool:
        return bool(self.full)


MASKED = Visibility(full=NOTHING)


def decide(facts: ViewerFacts) -> Visibility:
    """The rule (the module's docstring, rules 1–4): plain facts in, the visibility out."""
    if facts.closed_at is not None and facts.now >= facts.closed_at + facts.window:
        return MASKED
    full: set[PersonalData] = set()
    for relation in facts.relations:
        grant = GRANTS[relation]
        if facts.reporter_confidential and relation in DEPARTMENT_RELATIONS:
            grant = grant - {P.REPORTER}
        full |= grant
    hidden = facts.reporter_confidential and P.REPORTER not in full and bool(facts.relations & DEPARTMENT_RELATIONS)
    return Visibility(full=frozenset(full), reporter_hidden=hidden)


def window() -> timedelta:
    return timedelta(days=settings.PERSONAL_DATA_DAYS_AFTER_CLOSE)


# --- Reading the facts --------------------------------------------------------------------------

# Annotations :func:`with_visibility_facts` puts on a list's rows, so a list asks nothing per row.
_LEAD, _CO, _SUMMONED = "pd_live_lead", "pd_live_co", "pd_summoned"


def with_visibility_facts(cases: QuerySet[Case], user) -> QuerySet[Case]:
    """The cases with what :func:`visibility` needs about the user's departments and summonses,
    in the same query (two EXISTS per row, none for a user without departments)."""
    scope = scope_of(user)
    if not user or not user.is_authenticated:
        false = Value(False, output_field=BooleanOutput())
        return cases.annotate(**{_LEAD: false, _CO: false, _SUMMONED: false})
    annotations = {}
    for name, role in ((_LEAD, AssignmentRole.LEAD), (_CO, AssignmentRole.CO)):
        if scope.departments:
            # The station is the listed case's own column, not a join inside the EXISTS: with the
            # join PostgreSQL hashed the department's whole history of assignments joined to
            # their cases for every list (46 ms at 1,000,000 cases), not the page's 21 probes.
            parts = [
                Q(station_id=station_id)
                & Exists(
                    Assignment.objects.filter(
                        case=OuterRef("pk"), department_id=department_id, role=role, status__in=LIVE_ASSIGNMENT_STATUSES
                    )
                )
                for station_id, department_id in sorted(scope.departments)
            ]
            annotations[name] = ExpressionWrapper(reduce(operator.or_, parts), output_field=BooleanOutput())
        else:
            annotations[name] = Value(False, output_field=BooleanOutput())
    live_department = Assignment.objects.filter(
        case=OuterRef("case"), department=OuterRef("presence__department"), status__in=LIVE_ASSIGNMENT_STATUSES
    )
    annotations[_SUMMONED] = Exists(open_summonses(user).filter(Exists(live_department), case=OuterRef("pk")))
    return cases.annotate(**annotations)


def _department_relations(user, case: Case) -> set[Relation]:
    """Lead / co / liaison: from the list annotations if present, else from the case's
    (prefetched) assignments and summonses."""
    if hasattr(case, _LEAD):
        pairs = ((_LEAD, Relation.LEAD), (_CO, Relation.CO), (_SUMMONED, Relation.LIAISON))
        return {relation for name, relation in pairs if getattr(case, name)}
    relations: set[Relation] = set()
    mine = {d for s, d in scope_of(user).departments if s == case.station_id}
    live = [a for a in case.assignments.all() if a.status in LIVE_ASSIGNMENT_STATUSES]
    for assignment in live:
        if assignment.department_id in mine:
            relations.add(Relation.LEAD if assignment.role == AssignmentRole.LEAD else Relation.CO)
    summoned = [
        s for s in case.summonses.all() if s.status != Summons.Status.CANCELLED and s.liaison_officer_id == user.pk
    ]
    if any(s.presence.department_id in {a.department_id for a in live} for s in summoned):
        relations.add(Relation.LIAISON)
    return relations


def relations_of(user, case: Case) -> frozenset[Relation]:
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    relations = _department_relations(user, case)
    if case.station_id in scope_of(user).chief_stations:
        relations.add(Relation.CHIEF)
    if case.reporter_id is not None and case.reporter_id == user.pk:
        relations.add(Relation.FILER)
    return frozenset(relations)


def visibility(user, case: Case, *, now: datetime | None = None) -> Visibility:
    """Which personal data of ``case`` the ``user`` sees in full (the rule: :func:`decide`).

    Remembered per user on the case object, as ``case_roles`` is: a page asks it many times.
    """
    memo = case.__dict__.setdefault("_visibility_by_user", {})
    key = getattr(user, "pk", None)
    if key not in memo:
        closed_at = case.closed_at if case.status in CLOSED_STATUSES else None
        facts = ViewerFacts(
            relations=relations_of(user, case),
            reporter_confidential=case.reporter_confidential,
            closed_at=closed_at,
            now=now or clock.now(),
            window=window(),
        )
        memo[key] = decide(facts)
    return memo[key]


def shows_people(attachment) -> bool:
    """Whether a file may show people: then only viewers with ``photos`` may download it."""
    return attachment.purpose in PHOTO_PURPOSES


def may_download(user, case: Case, attachment) -> bool:
    return not shows_people(attachment) or P.PHOTOS in visibility(user, case)


# --- Applying it: each value as a viewer is shown it ---------------------------------------------


def shown_name(name: str, vis: Visibility) -> str:
    return name if P.PEOPLE in vis else mask_name(name)


def shown_phone(phone: str, vis: Visibility) -> str:
    return phone if P.PEOPLE in vis else mask_phone(phone)


def shown_id_number(id_number: str, vis: Visibility) -> str:
    return id_number if P.ID_NUMBERS in vis else mask_id_number(id_number)


def shown_address(address: str, vis: Visibility) -> str:
    return address if P.ADDRESSES in vis else mask_address(address)


def shown_reporter(case: Case, vis: Visibility) -> dict:
    """The reporter as this viewer sees them: ``user`` (the account that filed it), ``name`` and
    ``phone`` (the source contact). Hidden entirely from a department when the report is
    confidential; masked for other masked viewers; the filing account (a colleague, not a
    resident) stays named for them."""
    if vis.reporter_hidden:
        return {"user": None, "name": "", "phone": "", "hidden": True}
    if P.REPORTER in vis:
        return {"user": case.reporter, "name": case.reporter_name, "phone": case.reporter_phone, "hidden": False}
    return {
        "user": case.reporter,
        "name": mask_name(case.reporter_name),
        "phone": mask_phone(case.reporter_phone),
        "hidden": False,
    }


def shown_participant_name(participant, vis: Visibility) -> str:
    """A resident's name masked without ``mediation``; a participant who is a user of the system
    (a colleague invited by account) or acts in office stays named."""
    resident = participant.role in RESIDENT_PARTICIPANT_ROLES and participant.user_id is None
    if resident and P.MEDIATION not in vis:
        return mask_name(participant.name)
    return participant.name


def hides_actor(event, vis: Visibility) -> bool:
    """The filing of a confidential report names its reporter: hidden where the reporter is."""
    return vis.reporter_hidden and event.action == "report"
