"""Time limits per category and urgency (DESIGN §6), turned into due times on the calendar, and
the supervision ladder of each deadline.

The ladder of a deadline that runs from ``start`` to ``due``:

1. yellow (预警) when 80 % of the allotted time has passed: working time on the calendar, or clock
   time for a limit counted in clock hours (urgent cases);
2. red (超期) at the due time;
3. escalated (升级督办) one working day after the due time.

:func:`deadline_fields` computes these once, when the due time is set, and stores them beside it
with the moment the next rung falls due (``<kind>_next_rung_at``), so the sweep reads only rows
whose next rung has come. A moved deadline (extension, hold, rework) gets a fresh ladder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models.signals import post_delete, post_save

from cases.models import (
    Case,
    Category,
    Complexity,
    Deadline,
    Ladder,
    SlaRule,
    TimeUnit,
    Urgency,
)
from governance.shared_cache import MISSING, Versioned
from workstation.calendar import get_calendar

WARN_SHARE = 0.8


@dataclass(frozen=True)
class Sla:
    accept: tuple[int, str]
    sign: tuple[int, str]
    handle: tuple[int, str]
    feedback: tuple[int, str]


# The district defaults per urgency (DESIGN §6): what a field leaves out is the SlaRule model's
# default (the normal limits; no handle amount means the category's complexity). The demo and the
# test world seed them as rows; they also answer when no row exists (a fresh install).
DEFAULT_LIMITS: dict[str, dict] = {
    Urgency.NORMAL: {},
    Urgency.URGENT: {
        "accept_amount": 1,
        "accept_unit": TimeUnit.CLOCK_HOURS,
        "sign_amount": 2,
        "sign_unit": TimeUnit.CLOCK_HOURS,
        "handle_amount": 24,
        "handle_unit": TimeUnit.CLOCK_HOURS,
    },
    Urgency.MAJOR: {
        "accept_amount": 1,
        "accept_unit": TimeUnit.CLOCK_HOURS,
        "sign_amount": 2,
        "sign_unit": TimeUnit.CLOCK_HOURS,
        "handle_amount": 48,
        "handle_unit": TimeUnit.CLOCK_HOURS,
    },
}
BUILT_IN = {urgency: SlaRule(urgency=urgency, **limits) for urgency, limits in DEFAULT_LIMITS.items()}


def sla_rules_for(urgency: str) -> dict[int | None, SlaRule]:
    """Every rule for one urgency, by category id (None: the district default), in one query."""
    return {r.category_id: r for r in SlaRule.objects.filter(urgency=urgency)}


def sla_rule_for(category: Category | None, urgency: str, rules: dict[int | None, SlaRule] | None = None) -> SlaRule:
    """The most specific rule: the category's, its parent's, the district default, built-in.

    ``rules`` (from :func:`sla_rules_for`) saves the query when resolving many categories.
    """
    chain = [category.pk, category.parent_id] if category else []
    if rules is None:
        rules = _rules_of_chain(urgency, chain)
    for key in [*chain, None]:
        if key in rules:
            return rules[key]
    return BUILT_IN[urgency]


# The rules a report's deadline is taken from, read on every filing and changed only by an
# administrator: kept in a shared store that any change of a rule empties (``connect_signals``).
SLA_RULES = Versioned("sla-rules")


def _rules_of_chain(urgency: str, chain: list) -> dict[int | None, SlaRule]:
    key = f"{urgency}:{','.join(map(str, chain))}"
    rules, version = SLA_RULES.get(key)
    if rules is MISSING:
        rules = {r.category_id: r for r in SlaRule.objects.filter(urgency=urgency, category_id__in=[*chain, None])}
        SLA_RULES.set(key, rules, version)
    return rules


def connect_signals() -> None:
    SLA_RULES.forget_on((post_save, SlaRule), (post_delete, SlaRule))


def sla_for(category: Category | None, urgency: str) -> Sla:
    rule = sla_rule_for(category, urgency)
    handle = (
        (rule.handle_amount, rule.handle_unit)
        if rule.handle_amount
        else ((category.complexity if category else Complexity.NORMAL), TimeUnit.WORK_DAYS)
    )
    return Sla(
        accept=(rule.accept_amount, rule.accept_unit),
        sign=(rule.sign_amount, rule.sign_unit),
        handle=handle,
        feedback=(rule.feedback_amount, rule.feedback_unit),
    )


def due(start: datetime, limit: tuple[int, str]) -> datetime:
    amount, unit = limit
    return get_calendar().add(start, amount, unit)


def handle_unit(case: Case) -> str:
    """The unit the case's handling limit counts in (clock hours for urgent cases by default)."""
    return sla_for(case.category, case.urgency).handle[1]


@dataclass(frozen=True)
class Rungs:
    warn_at: datetime
    due_at: datetime
    escalate_at: datetime


def rungs(start: datetime, due_at: datetime, unit: str) -> Rungs:
    """When each rung of the ladder from ``start`` to ``due_at`` falls (see the module docstring)."""
    calendar = get_calendar()
    if unit == TimeUnit.CLOCK_HOURS:
        warn_at = start + max(due_at - start, timedelta(0)) * WARN_SHARE
    else:
        allotted = max(calendar.working_time_between(start, due_at), timedelta(0))
        warn_at = calendar.add_working_time(start, allotted * WARN_SHARE)
    return Rungs(warn_at=min(warn_at, due_at), due_at=due_at, escalate_at=calendar.add_working_days(due_at, 1))


def deadline_fields(kind: str, *, start: datetime | None, due_at: datetime | None, unit: str) -> dict:
    """The columns of one deadline (``accept``, ``sign`` or ``handle``) with a fresh ladder.

    ``{"<kind>_due_at": …, "<kind>_warn_at": …, "<kind>_escalate_at": …, "<kind>_next_rung_at": …}``;
    for the handling deadline also ``handle_started_at``. No due time clears them all.
    """
    values: dict[str, datetime | None] = dict.fromkeys(
        [f"{kind}_due_at", f"{kind}_warn_at", f"{kind}_escalate_at", f"{kind}_next_rung_at"]
    )
    if due_at is not None and start is not None:
        ladder = rungs(start, due_at, unit)
        values |= {
            f"{kind}_due_at": due_at,
            f"{kind}_warn_at": ladder.warn_at,
            f"{kind}_escalate_at": ladder.escalate_at,
            f"{kind}_next_rung_at": ladder.warn_at,
        }
    if kind == Deadline.HANDLE:
        values["handle_started_at"] = start if due_at is not None else None
    return values


def set_deadline(obj, kind: str, *, start: datetime | None, due_at: datetime | None, unit: str) -> set[str]:
    """Set a deadline and its fresh ladder on a case or assignment (unsaved); return the fields.

    A case's own ladder (``Case.ladder``, shown in lists) starts again from none.
    """
    values = deadline_fields(kind, start=start, due_at=due_at, unit=unit)
    for name, value in values.items():
        setattr(obj, name, value)
    fields = set(values)
    if isinstance(obj, Case):
        obj.ladder = Ladder.NONE
        fields.add("ladder")
    return fields


# The rungs from none up: a case's own ladder only ever climbs while one deadline runs.
RUNG_ORDER = (Ladder.NONE, Ladder.YELLOW, Ladder.RED, Ladder.ESCALATED)


def rungs_below(level: str) -> tuple[str, ...]:
    return RUNG_ORDER[: RUNG_ORDER.index(level)]


def rung_reached(obj, kind: str) -> str:
    """The highest rung of ``obj``'s ``kind`` deadline fired so far, read from its columns: the
    sweep moves ``<kind>_next_rung_at`` from the warning to the due time to the escalation, then
    clears it."""
    next_rung = getattr(obj, f"{kind}_next_rung_at")
    if getattr(obj, f"{kind}_due_at") is None:
        return Ladder.NONE
    if next_rung is None:
        return Ladder.ESCALATED
    if next_rung == getattr(obj, f"{kind}_warn_at"):
        return Ladder.NONE
    if next_rung == getattr(obj, f"{kind}_due_at"):
        return Ladder.YELLOW
    return Ladder.RED
