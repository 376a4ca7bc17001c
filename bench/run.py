"""Time the dashboard's queries on a benchmark database (bench/generate.py) and write RESULTS.md.

    .venv/bin/python bench/run.py --database gov_bench_dash

For each view — the district for a month, the district for a year, one station for a month — it
runs what the dashboard page runs for it: the tiles with 同比/环比 (``with_changes``), the trend
(by day for a month, by month for a year), the breakdowns by category, source and department (and
grid for a station), and the rankings (stations and departments for the district, departments for
a station). Each view is run once to warm up, then ``--repeat`` times; the table gives the median
and the best total, the queries per view, and the slowest call. For comparison, the tiles alone
counted live from the case tables (without the rollup).
"""

import argparse
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django

RESULTS = ROOT / "bench" / "RESULTS.md"


def views():
    from dashboard import measures
    from dashboard.periods import Period, local_day
    from dashboard.scopes import Scope
    from governance import clock
    from workstation.models import Workstation

    today = local_day(clock.now())
    month = Period.containing("month", today).previous()
    year = Period.containing("year", today)
    station = Workstation.objects.order_by("pk").first()

    def page(period, scope, step, breakdowns, rankings):
        calls = [("with_changes", lambda: measures.with_changes(period, scope))]
        calls.append((f"trend/{step}", lambda: measures.trend(period, scope, step=step)))
        calls += [(f"breakdown/{by}", lambda by=by: measures.breakdown(period, scope, by=by)) for by in breakdowns]
        calls += [(f"ranking/{of}", lambda of=of: measures.ranking(period, scope, of=of)) for of in rankings]
        return calls

    district = Scope()
    return [
        (
            f"district, month {month.label}",
            page(month, district, "day", ["category", "source", "department"], ["station", "department"]),
        ),
        (
            f"district, year {year.label}",
            page(year, district, "month", ["category", "source", "department"], ["station", "department"]),
        ),
        (
            f"station {station.code}, month {month.label}",
            page(month, Scope(station_id=station.pk), "day", ["category", "source", "grid"], ["department"]),
        ),
    ], (month, year)


def timed(calls, repeat: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _name, call in calls:  # warm-up
        call()
    totals, slowest = [], {}
    queries = 0
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            for name, call in calls:
                t = time.perf_counter()
                call()
                slowest[name] = max(slowest.get(name, 0), time.perf_counter() - t)
        totals.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    worst = max(slowest, key=slowest.get)
    return statistics.median(totals), min(totals), queries, f"{worst} {slowest[worst] * 1000:.0f} ms"


def machine() -> str:
    from django.db import connection

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs{memory}; "
        f"PostgreSQL {version}; Python {platform.python_version()}; load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="gov_bench_dash")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django(args.database)
    from cases.models import Case
    from dashboard import counting
    from dashboard.models import Tally
    from dashboard.scopes import Scope
    from governance import clock

    cases, tally_rows = Case.objects.count(), Tally.objects.count()
    the_views, (_month, year) = views()
    rows = []
    for name, calls in the_views:
        median, best, queries, worst = timed(calls, args.repeat)
        rows.append((name, len(calls), queries, median, best, worst))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as live_queries:
        counting.count([year, year.previous(), year.year_ago()], Scope(), now=clock.now(), live=True)
    live_year = time.perf_counter() - started

    header = "| view | calls | queries | median | best | slowest call |\n|---|---:|---:|---:|---:|---|\n"
    table = header + "".join(
        f"| {name} | {calls} | {queries} | {median * 1000:.0f} ms | {best * 1000:.0f} ms | {worst} |\n"
        for name, calls, queries, median, best, worst in rows
    )
    n_live = len(live_queries.captured_queries)
    table += f"| district year tiles counted live, without the rollup (for comparison) | 1 | {n_live} "
    table += f"| {live_year * 1000:.0f} ms | | |\n"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- run:{cases} -->\n## {cases:,} cases\n\n"
        f"{when} · database `{args.database}` · {tally_rows:,} rollup rows · repeat {args.repeat}\n\n"
        f"Machine: {machine()}\n\n{table}<!-- end:{cases} -->\n"
    )
    print(section)
    write(section, cases)


def write(section: str, cases: int) -> None:
    """Replace this size's section of RESULTS.md, keep the others (largest last)."""
    intro = (
        "# Dashboard benchmark results\n\n"
        "Written by `make bench` (bench/run.py) on data from bench/generate.py; see README.md.\n"
        "Times are wall-clock in Python, queries included, on a machine shared with other work.\n\n"
    )
    sections = {}
    if RESULTS.exists():
        text = RESULTS.read_text()
        for part in text.split("<!-- run:")[1:]:
            size = int(part.split(" ", 1)[0])
            sections[size] = "<!-- run:" + part.split("-->\n", 1)[0] + "-->\n" + part.split("-->\n", 1)[1]
            sections[size] = sections[size].split(f"<!-- end:{size} -->")[0] + f"<!-- end:{size} -->\n"
    sections[cases] = section
    RESULTS.write_text(intro + "\n".join(sections[size] for size in sorted(sections)))


if __name__ == "__main__":
    main()
