"""Filing over HTTP: gunicorn (2 sync workers) on PostgreSQL, 16 connections posting reports
(``POST /api/cases/`` with a token), beside pgbench writing the same rows with 16 clients (the SQL
floor), in the same run; then the web workers' peak memory.

    .venv/bin/python -m bench.filing_http [--seconds 30] [--connections 16] [--label after]

The load generator is threads in this process: it shares the machine's cores with gunicorn and
PostgreSQL, as the peer comparison in issue 14 did.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import env

env.setup()

from bench.report import publish, table  # noqa: E402
from bench.world import ensure_world, payload  # noqa: E402
from workstation.tokens import token_issue  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def start_gunicorn(workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "governance.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/api/")
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not answer")


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load(w, token: str, seconds: float, connections: int) -> tuple[list[float], dict[int, int], float]:
    def body_of(i: int) -> str:
        return json.dumps(payload(w, i))

    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(n: int) -> None:
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                conn.request("POST", "/api/cases/", body_of(n * 1_000_000 + i), headers)
                response = conn.getresponse()
                response.read()
                code = response.status
                conn.close()
            except OSError:
                code = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                codes[code] = codes.get(code, 0) + 1
                if code == 201:
                    latencies.append(elapsed)

    began = time.monotonic()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, codes, time.monotonic() - began


def pgbench(w, seconds: float, clients: int) -> dict:
    script = Path(__file__).with_name("filing.pgbench")
    url = env.BENCH_DATABASE_URL
    with tempfile.TemporaryDirectory() as logs:
        run = subprocess.run(
            [
                "pgbench",
                "-n",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(int(seconds)),
                "-f",
                str(script),
                "-D",
                f"station={w.station.pk}",
                "-D",
                f"grid={w.grid.pk}",
                "-D",
                f"reporter={w.wang.pk}",
                "-D",
                f"chief={w.zhang.pk}",
                "-D",
                "day=2099-01-01",
                "-l",
                "--log-prefix",
                f"{logs}/tx",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        latencies = []
        for log in Path(logs).glob("tx*"):
            for line in log.read_text().splitlines():
                latencies.append(int(line.split()[2]) / 1000)
    tps = next(float(l.split("=")[1].split()[0]) for l in run.stdout.splitlines() if l.startswith("tps"))  # noqa: E741
    return {"tps": tps, "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "n": len(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    w = ensure_world()
    token = token_issue(user=w.wang)
    server = start_gunicorn(args.workers)
    try:
        load(w, token, 3, args.connections)  # warm-up: imports and connections in each worker
        latencies, codes, took = load(w, token, args.seconds, args.connections)
        memory = [peak_rss_mb(pid) for pid in worker_pids(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    floor = pgbench(w, args.seconds, args.connections)
    ok = codes.get(201, 0)
    errors = sum(v for k, v in codes.items() if k != 201)
    rows = [
        [
            f"HTTP: gunicorn {args.workers} sync workers",
            args.connections,
            f"{ok / took:.1f}",
            f"{statistics.median(latencies):.1f}" if latencies else "-",
            f"{percentile(latencies, 0.99):.1f}",
            errors,
        ],
        [
            "SQL floor: pgbench, same rows",
            args.connections,
            f"{floor['tps']:.1f}",
            f"{floor['p50']:.1f}",
            f"{floor['p99']:.1f}",
            0,
        ],
    ]
    body = table(["what", "connections", "filings/s", "p50 ms", "p99 ms", "errors"], rows)
    body += f"\n\n{args.seconds:.0f} s each; status codes {dict(sorted(codes.items()))}. "
    body += "Peak memory (VmHWM) of the web workers after the run: "
    body += ", ".join(f"{m:.0f} MB" for m in memory) + "."
    publish("filing over HTTP", body, label=args.label)


if __name__ == "__main__":
    sys.exit(main())
