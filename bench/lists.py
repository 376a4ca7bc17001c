"""Every case list, with its filters and orderings, as each kind of user, on a loaded database:
the request's database time, its query count, and whether any of its plans scans a big table
sequentially (EXPLAIN of every SELECT it sent).

    BENCH_DATABASE_URL=postgres://…/gov_bench_perf .venv/bin/python -m bench.lists [--label after] [--only q]

Users: a chief of the busiest station, a leader, the grid worker of the busiest grid, handlers of
the department with the most assignments there, of the one with the fewest, and of one with none
(memberships are added for them if the data has none: configuration, not cases).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from dataclasses import dataclass, field

from bench import env

env.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from bench.report import publish, table  # noqa: E402
from cases.models import Assignment, Case, Category  # noqa: E402
from workstation.models import Department, Membership, Role, User  # noqa: E402

BIG_TABLES = {"cases_case", "cases_caseevent", "cases_assignment"}


@dataclass
class Timed:
    """SQL sent while active, with each statement's time (the database's side of the request)."""

    statements: list[tuple[str, tuple, float]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - started))


def analyse(sql: str, params) -> tuple[float, int, set[str]]:
    """One statement under EXPLAIN (ANALYZE, BUFFERS): the server's execution time, the pages it
    touched (shared buffers hit or read: a measure the machine's load does not move), and the big
    tables its plan reads with a sequential scan."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return 0.0, 0, set()
    plans = []
    with connection.cursor() as cursor:
        for _ in range(3):  # the fastest of three: the machine is shared
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plans.append((json.loads(plan) if isinstance(plan, str) else plan)[0])
    plan = min(plans, key=lambda p: p["Execution Time"])
    found: set[str] = set()

    def walk(node):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    pages = plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
    return plan["Execution Time"], pages, found


def user_for(role: str, **where) -> User:
    membership = Membership.objects.filter(role=role, is_active=True, user__is_active=True, **where).first()
    if membership is not None:
        return membership.user
    user = User.objects.create_user(f"bench_{role}_{'_'.join(str(v) for v in where.values())}", password="x")
    Membership.objects.create(user=user, role=role, **where)
    return user


def personas() -> dict[str, tuple[User, dict]]:
    busiest = Case.objects.values("station_id").annotate(n=Count("id")).order_by("-n").first()["station_id"]
    depts = list(
        Assignment.objects.filter(case__station_id=busiest)
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("department_id", "n")
    )
    # The busiest department at the station, the one with the fewest cases there, and one with
    # none (PostgreSQL knows from its statistics that such a list is empty).
    counts = dict(depts)
    busy_dept, rare_dept = depts[0][0], depts[-1][0]
    empty_dept = Department.objects.exclude(pk__in=counts).order_by("pk").values_list("pk", flat=True).first()
    grid = Case.objects.filter(station_id=busiest).exclude(grid=None).values("grid_id").annotate(n=Count("id"))
    grid_id = grid.order_by("-n").first()["grid_id"]
    grid_worker = Membership.objects.filter(role=Role.GRID_WORKER, grids=grid_id, is_active=True).first()
    if grid_worker is None:
        user = User.objects.create_user(f"bench_grid_{grid_id}", password="x")
        grid_worker = Membership.objects.create(user=user, role=Role.GRID_WORKER, station_id=busiest)
        grid_worker.grids.add(grid_id)
    return {
        "chief": (user_for(Role.CHIEF, station_id=busiest), {"station": busiest}),
        "leader": (user_for(Role.LEADER), {}),
        "grid worker": (grid_worker.user, {"grid": grid_id}),
        f"busy dept ({counts[busy_dept]} asg)": (
            user_for(Role.HANDLER, station_id=busiest, department_id=busy_dept),
            {"department": busy_dept},
        ),
        f"rare dept ({counts[rare_dept]} asg)": (
            user_for(Role.HANDLER, station_id=busiest, department_id=rare_dept),
            {"department": rare_dept},
        ),
    } | (
        {
            "empty dept (0 asg)": (
                user_for(Role.HANDLER, station_id=busiest, department_id=empty_dept),
                {"department": empty_dept},
            )
        }
        if empty_dept
        else {}
    )


def api_queries(facts: dict) -> list[tuple[str, dict]]:
    category = Category.objects.filter(parent=None).values_list("pk", flat=True).first()
    station = facts.get("station") or Case.objects.values_list("station_id", flat=True).first()
    lists = [("", {})]
    lists += [
        (f"ordering={o}", {"ordering": o}) for o in ["reported_at", "number", "-number", "updated_at", "-updated_at"]
    ]
    lists += [
        ("status=reported", {"status": "reported"}),
        ("status=dispatched&in_progress", {"status": ["dispatched", "in_progress"]}),
        ("open=true", {"open": "true"}),
        ("open=false", {"open": "false"}),
        ("station", {"station": station}),
        ("department", {"department": facts.get("department") or 1}),
        ("lead_department", {"lead_department": facts.get("department") or 1}),
        ("grid", {"grid": facts.get("grid") or 1}),
        ("category", {"category": category}),
        ("source=110", {"source": "110"}),
        ("urgency=urgent", {"urgency": "urgent"}),
        ("ladder=red", {"ladder": "red"}),
        ("ladder=escalated,-updated_at", {"ladder": "escalated", "ordering": "-updated_at"}),
        ("reported_after (30 days)", {"reported_after": "2026-10-30T00:00:00+08:00"}),
        ("reported_before (2024)", {"reported_before": "2024-01-01T00:00:00+08:00"}),
        ("handle_due_before", {"handle_due_before": "2026-11-01T00:00:00+08:00"}),
        ("handle_due_after", {"handle_due_after": "2026-11-01T00:00:00+08:00"}),
        ("q=1 char 凰", {"q": "凰"}),
        ("q=2 chars 噪音", {"q": "噪音"}),
        ("q=4 chars 空调外机", {"q": "空调外机"}),
        ("q=2 chars, rare 漏电", {"q": "漏电"}),
    ]
    return [("/api/cases/", label, params) for label, params in lists]


PAGES = [("/", "home list"), ("/intake/", "intake desk"), ("/board/", "board"), ("/inbox/", "inbox")]


def measure(client: Client, url: str, params: dict) -> tuple[int, int, float, int, float, set[str]]:
    """The request twice (warm), then each SELECT of the second under EXPLAIN ANALYZE."""
    client.get(url, params)
    timed = Timed()
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        response = client.get(url, params)
    total = (time.perf_counter() - started) * 1000
    db, pages, scans = 0.0, 0, set()
    for sql, sql_params, _t in timed.statements:
        ms, touched, seq = analyse(sql, sql_params)
        db, pages, scans = db + ms, pages + touched, scans | seq
    return response.status_code, len(timed.statements), db, pages, total, scans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="")
    parser.add_argument("--only", default="", help="only the lists whose label matches this regular expression")
    parser.add_argument("--roles", default="", help="comma-separated role names to keep")
    args = parser.parse_args()
    cases = Case.objects.count()
    rows = []
    for role, (user, facts) in personas().items():
        if args.roles and not any(r in role for r in args.roles.split(",")):
            continue
        client = Client()
        client.force_login(user)
        targets = api_queries(facts) + [(url, f"page {name}", {}) for url, name in PAGES]
        for url, label, params in targets:
            if args.only and not re.search(args.only, label):
                continue
            code, queries, db_ms, pages, total_ms, scans = measure(client, url, params)
            if code in (403, 404):
                continue  # a page this role does not have
            seq = ", ".join(sorted(scans)) or "no"
            rows.append([role, f"`{url}` {label}", code, queries, f"{db_ms:.1f}", pages, f"{total_ms:.0f}", seq])
            print(*rows[-1], sep=" | ", flush=True)
    over = [r for r in rows if float(r[4]) > 50]
    body = (
        f"{cases:,} cases. DB ms: the server's execution time of the request's queries (EXPLAIN ANALYZE, "
        "warm cache, the fastest of three); pages: shared buffers they touched (steady whatever the "
        "machine's load); total: the request in-process, wall clock.\n\n"
    )
    headers = ["as", "list", "status", "queries", "DB ms", "pages", "total ms", "seq scan of a big table"]
    body += table(headers, rows)
    body += f"\n\n{len(over)} of {len(rows)} over 50 ms of database time"
    if rows:
        body += f"; median {statistics.median(float(r[4]) for r in rows):.1f} ms."
    publish(f"lists at {cases:,} cases", body, label=args.label)


if __name__ == "__main__":
    main()
