"""The deadline sweep with 0, 10, 1,000 and 100,000 rows due among the loaded cases: its time,
its queries, and its longest batch (each batch is one transaction: the longest lock it holds).

    BENCH_DATABASE_URL=postgres://…/gov_bench_perf .venv/bin/python -m bench.sweep [--label after]

It changes the database it runs on (a benchmark copy): to make N rows due it turns N closed
cases back into reports whose acceptance warning fell due a minute ago.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

from bench import env

env.setup()

from django.db import connection  # noqa: E402

from bench.report import publish, table  # noqa: E402
from cases.services import sweep  # noqa: E402
from governance import clock  # noqa: E402


def make_due(n: int) -> None:
    if not n:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE cases_case SET status = 'reported', accepted_at = NULL, dispatched_at = NULL,
                resolved_at = NULL, closed_at = NULL, ladder = 'none',
                accept_warn_at = now() - interval '1 minute', accept_due_at = now() + interval '1 hour',
                accept_escalate_at = now() + interval '1 day', accept_next_rung_at = now() - interval '1 minute'
            WHERE id IN (SELECT id FROM cases_case WHERE status = 'closed' ORDER BY id LIMIT %s)
            """,
            [n],
        )
        cursor.execute("ANALYZE cases_case")


def celery_peak(n: int) -> str:
    """A real Celery worker (solo pool, Redis db 8) runs the sweep task with ``n`` due: its peak
    memory (VmHWM) afterwards."""
    from celery import Celery

    broker = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    environment = os.environ | {"REDIS_URL": broker, "CELERY_TASK_DEFAULT_QUEUE": "bench-perf"}
    worker = subprocess.Popen(
        [
            str(Path(__file__).resolve().parent.parent / ".venv/bin/celery"),
            "-A",
            "governance",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "-Q",
            "bench-perf",
        ],
        env=environment,
    )
    try:
        make_due(n)
        Celery(broker=broker).send_task("cases.tasks.sweep_deadlines", queue="bench-perf")
        deadline = time.monotonic() + 900
        fired = "not finished"
        while time.monotonic() < deadline:  # no result backend: watch the rows instead
            time.sleep(2)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM cases_case WHERE status = 'reported' AND accept_next_rung_at <= now()"
                )
                if cursor.fetchone()[0] == 0:
                    fired = "all fired"
                    break
        with open(f"/proc/{worker.pid}/status") as f:
            peak = next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:"))
        return f"Celery worker (solo pool) after a sweep of {n:,} due ({fired}): peak memory {peak:.0f} MB."
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="")
    parser.add_argument("--due", default="0,10,1000,100000")
    parser.add_argument("--celery", type=int, default=10000, help="due rows for the Celery worker's run (0: skip)")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        (cases,) = cursor.fetchone()
    batches: list[float] = []
    real = sweep.fire_due_rungs

    def timed(ladder, now):
        started = time.perf_counter()
        try:
            return real(ladder, now)
        finally:
            batches.append(time.perf_counter() - started)

    sweep.fire_due_rungs = timed
    rows = []
    for n in [int(x) for x in args.due.split(",")]:
        sweep.sweep_deadlines()  # nothing left over from an earlier step
        make_due(n)
        batches.clear()
        queries = env.Queries()
        started = time.perf_counter()
        with queries:
            fired = sweep.sweep_deadlines(clock.now())
        took = time.perf_counter() - started
        rows.append([n, fired["accept"], len(queries), f"{took:.3f}", len(batches), f"{max(batches) * 1000:.0f}"])
        print(*rows[-1], sep=" | ", flush=True)
    body = f"{cases:,} cases.\n\n" + table(
        ["due", "fired", "queries", "seconds", "transactions (batches)", "longest batch ms"], rows
    )
    if args.celery:
        body += "\n\n" + celery_peak(args.celery)
    publish(f"sweep at {cases:,} cases", body, label=args.label)


if __name__ == "__main__":
    main()
