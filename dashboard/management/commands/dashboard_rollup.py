"""Rebuild or compact the dashboard's rollup.

manage.py dashboard_rollup --rebuild   # recompute from the case tables (after a bulk load)
manage.py dashboard_rollup --compact   # fold appended rows, one per key (beat runs it nightly)
manage.py dashboard_rollup --check     # compare the rollup with the live count, exit 1 if off
"""

from django.core.management.base import BaseCommand, CommandError

from dashboard import counting, rollup
from dashboard.periods import Period, local_day
from dashboard.scopes import Scope
from governance import clock
from governance.db_roles import as_owner


class Command(BaseCommand):
    help = "Rebuild, compact or check the dashboard's rollup."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--rebuild", action="store_true")
        group.add_argument("--compact", action="store_true")
        group.add_argument("--check", action="store_true", help="this year and last, every breakdown")

    def handle(self, *args, **options):
        if options["check"] and not rollup.in_use():
            raise CommandError("DASHBOARD_ROLLUP is off: the measures count live, there is nothing to compare")
        if options["rebuild"]:
            with as_owner():  # the owner may also reorder the table (CLUSTER)
                rows = rollup.rebuild()
            self.stdout.write(f"rollup rebuilt: {rows} rows")
        elif options["compact"]:
            before, after = rollup.compact()
            self.stdout.write(f"rollup compacted: {before} rows → {after}")
        else:
            now = clock.now()
            year = Period.containing("year", local_day(now))
            spans = [year, year.previous()]
            for by in (None, "station", "department", "category", "source", "grid"):
                fast = counting.count(spans, Scope(), by=by, now=now)
                live = counting.count(spans, Scope(), by=by, now=now, live=True)
                if fast != live:
                    raise CommandError(f"rollup differs from the live count (breakdown {by})")
            self.stdout.write("rollup equals the live count")
