"""Small formatting helpers of the dashboard page."""

from django import template

register = template.Library()

ARROWS = {"up": "↑", "down": "↓", "flat": "→"}


@register.filter
def cell(value) -> str:
    """A table cell: nothing to measure is a dash; a rate or index keeps one decimal."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


@register.filter
def arrow(change) -> str:
    return ARROWS.get(change.direction, "")


@register.filter
def tone(change, better: str) -> str:
    """good / bad / flat / none: whether a change goes the way the measure is better."""
    if change.direction is None:
        return "none"
    if change.direction == "flat":
        return "flat"
    return "good" if change.direction == better else "bad"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}" if isinstance(value, float) else f"{value:+d}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
