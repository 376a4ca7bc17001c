"""Time limits per category and urgency (DESIGN §6), turned into due times on the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cases.models import Category, SlaRule, TimeUnit, Urgency
from workstation.calendar import get_calendar


@dataclass(frozen=True)
class Sla:
    accept: tuple[int, str]
    sign: tuple[int, str]
    handle: tuple[int, str]
    feedback: tuple[int, str]


# Used when no SlaRule row exists at all (a fresh install before seeding).
BUILT_IN = {
    Urgency.NORMAL: SlaRule(urgency=Urgency.NORMAL),
    Urgency.URGENT: SlaRule(
        urgency=Urgency.URGENT,
        accept_amount=1,
        accept_unit=TimeUnit.CLOCK_HOURS,
        sign_amount=2,
        sign_unit=TimeUnit.CLOCK_HOURS,
        handle_amount=24,
        handle_unit=TimeUnit.CLOCK_HOURS,
    ),
    Urgency.MAJOR: SlaRule(
        urgency=Urgency.MAJOR,
        accept_amount=1,
        accept_unit=TimeUnit.CLOCK_HOURS,
        sign_amount=2,
        sign_unit=TimeUnit.CLOCK_HOURS,
        handle_amount=48,
        handle_unit=TimeUnit.CLOCK_HOURS,
    ),
}


def sla_rule_for(category: Category | None, urgency: str) -> SlaRule:
    """The most specific rule: the category's, its parent's, the district default, built-in."""
    chain = [category.pk, category.parent_id] if category else []
    rules = {r.category_id: r for r in SlaRule.objects.filter(urgency=urgency, category_id__in=[*chain, None])}
    for key in [*chain, None]:
        if key in rules:
            return rules[key]
    return BUILT_IN[urgency]


def sla_for(category: Category | None, urgency: str) -> Sla:
    rule = sla_rule_for(category, urgency)
    handle = (
        (rule.handle_amount, rule.handle_unit)
        if rule.handle_amount
        else ((category.complexity if category else 5), TimeUnit.WORK_DAYS)
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
