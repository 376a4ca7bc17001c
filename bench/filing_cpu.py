"""CPU per filing, in-process: N reports through the API (``POST /api/cases/``) with the full
middleware stack, timed with ``time.process_time`` (the Django process's CPU only: stable on a
busy machine, unlike wall time), and the queries each one sends.

    .venv/bin/python -m bench.filing_cpu [--n 300] [--label after]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from bench import env

env.setup()

from rest_framework.test import APIClient  # noqa: E402

from bench.report import publish, table  # noqa: E402
from bench.world import ensure_world, payload  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--label", default="")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile (CPU time)")
    parser.add_argument("--sort", default="cumulative", help="the profile's order: cumulative, tottime …")
    args = parser.parse_args()
    w = ensure_world()
    client = APIClient()
    client.force_login(w.wang)  # a session, as a phone has
    for i in range(20):  # warm-up: imports, caches, connection
        assert client.post("/api/cases/", payload(w, i), format="json").status_code == 201
    with env.Queries() as queries:
        response = client.post("/api/cases/", payload(w, 0), format="json")
    assert response.status_code == 201, response.content
    per_filing_queries = len(queries)

    profiler = cProfile.Profile(time.process_time) if args.profile else None
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(args.n):
        response = client.post("/api/cases/", payload(w, i), format="json")
        assert response.status_code == 201, response.content
    if profiler:
        profiler.disable()
    cpu = (time.process_time() - start_cpu) / args.n * 1000
    wall = (time.perf_counter() - start_wall) / args.n * 1000
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
    body = table(
        ["filings", "CPU per filing (ms, Django process)", "wall per filing (ms)", "queries per filing"],
        [[args.n, f"{cpu:.2f}", f"{wall:.2f}", per_filing_queries]],
    )
    body += "\n\nQueries of one filing:\n\n" + "\n".join(f"{n + 1}. `{q[:160]}`" for n, q in enumerate(queries.sql))
    publish("filing CPU in-process", body, label=args.label)


if __name__ == "__main__":
    main()
