"""``manage.py demo_clock +2h``: the demo's clock forward by two hours (demo/clock.py)."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.clock import advance

UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_delta(text: str) -> timedelta:
    """``+90m``, ``+2h``, ``+1d`` (the plus sign optional)."""
    match = re.fullmatch(r"\+?(\d+)([mhd])", text.strip())
    if not match or int(match[1]) == 0:
        raise CommandError(f"{text!r}: give a time ahead such as +30m, +2h or +1d")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


class Command(BaseCommand):
    help = "Move the demo's clock forward: every running deadline of the open cases comes nearer, then the sweep."

    def add_arguments(self, parser) -> None:
        parser.add_argument("delta", help="how far: +30m, +2h, +1d")
        parser.add_argument(
            "--allow-production", action="store_true", help="Run even with DEBUG off (a demo or training server)."
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "demo_clock rewrites the deadlines of every open case; with DEBUG off it runs only with "
                "--allow-production (a demo or training server, never one with real data)."
            )
        delta = parse_delta(options["delta"])
        cases, assignments = advance(delta)
        self.stdout.write(
            f"{cases} open cases and {assignments} of their assignments: deadlines {delta} nearer. "
            "The sweep is queued: the worker fires what fell due (beat sweeps every minute too)."
        )
