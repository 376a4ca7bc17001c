"""Reads of the department inbox (部门待办): a department's assignments by the step they are at,
and the summonses addressed to a liaison officer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case as Switch
from django.db.models import Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from cases.access import open_summonses, scope_of
from cases.models import INACTIVE_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus, CaseStatus, Summons
from cases.selectors import StepDeadline
from workstation.calendar import get_calendar
from workstation.models import StationDepartment

WORKING = [CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS]
# How far the closed tab (已办结) counts its rows: past this it shows "99+". It holds the
# department's whole history (13,400 rows for the busiest department at a million cases, each a
# read of its case): counting them all took 450 ms, the first 100 take 5 ms. The open tabs are
# counted in full.
CLOSED_COUNT_CAP = 99


@dataclass(frozen=True)
class InboxTab:
    key: str
    label: Promise
    rows: Q  # which of the department's assignments the tab lists
    order: tuple[str, ...]


INBOX_TABS = {
    tab.key: tab
    for tab in (
        InboxTab(
            "pending",
            gettext_lazy("待签收"),
            Q(status=AssignmentStatus.PENDING, case__status__in=WORKING),
            ("sign_due_at", "pk"),
        ),
        InboxTab(
            "in_progress",
            gettext_lazy("办理中"),
            ~Q(status=AssignmentStatus.PENDING) & Q(case__status__in=WORKING),
            ("case__handle_due_at", "pk"),
        ),
        InboxTab(
            "feedback", gettext_lazy("待反馈"), Q(case__status=CaseStatus.RESOLVED), ("-case__resolved_at", "-pk")
        ),
        InboxTab("closed", gettext_lazy("已办结"), Q(case__status=CaseStatus.CLOSED), ("-case__closed_at", "-pk")),
    )
}


def lands_on_inbox(user) -> bool:
    """A handler, mediator or liaison officer with no station-wide view: their home is the inbox."""
    scope = scope_of(user)
    if scope.district or scope.chief_stations:
        return False
    return bool(scope.departments) or StationDepartment.objects.filter(liaison_officer=user).exists()


def department_assignments(user) -> QuerySet[Assignment]:
    """The active assignments of the departments the user acts for.

    No second pass through the access gate (``visible_cases``): an active assignment of a
    department the user acts for at that station is itself what shows them its case (the gate's
    department branch), and the gate's other branches (chief, grid, reporter, liaison) only
    add cases, while the rows here stay those of the department. An inactive or anonymous user
    acts for no department: no row. Re-applying the gate cost the busiest department's counts a
    second join of its 13,400 assignments with their cases (450 ms at a million cases)."""
    mine = Q(pk__in=[])
    for station_id, department_id in scope_of(user).departments:
        mine |= Q(case__station_id=station_id, department_id=department_id)
    return (
        Assignment.objects.filter(mine)
        .exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES)
        .select_related("case__category", "department")
    )


def inbox_counts(user) -> dict[str, int | str]:
    """How many rows each tab holds, the closed tab only as far as ``CLOSED_COUNT_CAP`` ("99+"):
    one query, the tab of each row on an open case and one "closed" per row on a closed case, up
    to one more than the cap, counted here (a few hundred short rows).

    The open rows are found from the station's open cases (1,256 at a million cases) rather than
    the department's whole history, and a closed row needs only the index of live assignments
    (no read of the row itself): ~14 ms for the busiest department instead of 450 (with the
    index ``case_inbox_open``), most of it one probe of the assignments per open case of the
    station."""
    rows = department_assignments(user).order_by()
    tab = Switch(*(When(t.rows, then=Value(key)) for key, t in INBOX_TABS.items() if key != "closed"))
    open_ = rows.filter(case__status__in=[*WORKING, CaseStatus.RESOLVED]).annotate(tab=tab)
    closed = rows.filter(INBOX_TABS["closed"].rows).annotate(tab=Value("closed"))
    capped = closed.values_list("tab", flat=True)[: CLOSED_COUNT_CAP + 1]
    tally = Counter(open_.values_list("tab", flat=True).union(capped, all=True))
    counts: dict[str, int | str] = {key: tally[key] for key in INBOX_TABS}
    if tally["closed"] > CLOSED_COUNT_CAP:
        counts["closed"] = f"{CLOSED_COUNT_CAP}+"
    return counts


def inbox_rows(user, tab: str) -> QuerySet[Assignment]:
    tab_ = INBOX_TABS[tab]
    return department_assignments(user).filter(tab_.rows).order_by(*tab_.order)


def assignment_deadline(assignment: Assignment, *, now: datetime) -> StepDeadline | None:
    """The countdown of the department's step: signing while pending, handling while in progress
    (the department's own limit, else the case's); the colour is the case's ladder rung."""
    case = assignment.case
    if case.status not in WORKING:
        return None
    if assignment.status == AssignmentStatus.PENDING:
        label, due_at = gettext_lazy("签收期限"), assignment.sign_due_at
    else:
        label, due_at = gettext_lazy("办理期限"), assignment.handle_due_at or case.handle_due_at
    if due_at is None:
        return None
    left = get_calendar().working_time_between(now, due_at)
    return StepDeadline(label=str(label), due_at=due_at, ladder=case.ladder, working_time_left=left)


def liaison_summonses(user) -> QuerySet[Summons]:
    """The summonses addressed to the user as a liaison officer still waiting on them, oldest first."""
    return (
        open_summonses(user)
        .filter(status__in=[Summons.Status.SENT, Summons.Status.ACKNOWLEDGED])
        .select_related("case", "presence__station", "presence__department", "session")
        .order_by("created_at", "pk")
    )
