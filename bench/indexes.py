"""The size of the big tables and of each of their indexes, and how often each index was used
since the statistics were last reset (run it after ``bench.lists`` and ``bench.sweep`` on the same
database: an index no benchmark and no feature reads is a candidate to drop).

    BENCH_DATABASE_URL=postgres://…/gov_bench_perf_1m .venv/bin/python -m bench.indexes [--label after]
"""

from __future__ import annotations

import argparse

from bench import env

env.setup()

from django.db import connection  # noqa: E402

from bench.report import publish, table  # noqa: E402

TABLES = ["cases_case", "cases_caseevent", "cases_assignment", "cases_party", "cases_notification", "cases_supervision"]


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid)
            FROM pg_class c WHERE c.relname = ANY(%s) ORDER BY pg_table_size(c.oid) DESC
            """,
            [TABLES],
        )
        tables = cursor.fetchall()
        cursor.execute(
            """
            SELECT s.relname, s.indexrelname, pg_relation_size(s.indexrelid), s.idx_scan
            FROM pg_stat_user_indexes s WHERE s.relname = ANY(%s)
            ORDER BY s.relname, pg_relation_size(s.indexrelid) DESC
            """,
            [TABLES],
        )
        indexes = cursor.fetchall()
    body = table(
        ["table", "rows", "table MB", "indexes MB"],
        [[name, f"{rows:,}", mb(size), mb(index)] for name, rows, size, index in tables],
    )
    body += f"\n\nIn all: {mb(sum(t[2] for t in tables))} MB of table, {mb(sum(t[3] for t in tables))} MB of index.\n\n"
    body += table(
        ["table", "index", "MB", "scans"],
        [[t, i, mb(size), f"{scans:,}"] for t, i, size, scans in indexes],
    )
    publish("tables and indexes", body, label=args.label)


if __name__ == "__main__":
    main()
