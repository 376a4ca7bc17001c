"""A new API key for an intake source's service account (made if missing), printed once."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from cases.api.intake import SOURCES
from cases.services.intake_accounts import intake_token_rotate


class Command(BaseCommand):
    help = (
        "Issue a new API key for intake source accounts (intake-110 …) and print it once. The old "
        "key stops working at once, or after --grace-hours while the other system switches over."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", metavar="SOURCE", help=f"of {', '.join(SOURCES)}; default: all")
        parser.add_argument("--grace-hours", type=int, default=0, help="hours the old key keeps working (default 0)")

    def handle(self, *args, sources, grace_hours, **options):
        unknown = sorted(set(sources) - set(SOURCES))
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(unknown)}; known: {', '.join(SOURCES)}")
        if grace_hours < 0:
            raise CommandError("--grace-hours must be 0 or more")
        for slug in sources or SOURCES:
            key = intake_token_rotate(slug=slug, grace=timedelta(hours=grace_hours))
            self.stdout.write(f"{SOURCES[slug].username}\t{key}")
        self.stderr.write("Hand each key to its system's operator now: it is stored only as a digest.")
