"""Before and after side by side: two outputs of ``bench.lists`` (its printed rows) joined by
user and list, written to RESULTS.md.

    .venv/bin/python -m bench.compare before.out after.out --title "lists at 100,000 cases"
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.report import publish, table


def rows(path: str) -> dict[tuple[str, str], list[str]]:
    found = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        cells = line.split(" | ")
        if len(cells) == 8 and not line.startswith("|") and cells[2].isdigit():
            found[(cells[0], cells[1])] = cells
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--title", required=True)
    args = parser.parse_args()
    before, after = rows(args.before), rows(args.after)
    out = []
    for key, b in before.items():
        a = after.get(key)
        if a is None:
            continue
        out.append([*key, f"{b[3]} → {a[3]}", f"{b[4]} → {a[4]}", f"{b[5]} → {a[5]}", f"{b[7]} → {a[7]}"])
    slow_before = sum(1 for b in before.values() if float(b[4]) > 50)
    slow_after = sum(1 for a in after.values() if float(a[4]) > 50)
    seq_before = sum(1 for b in before.values() if b[7] != "no")
    seq_after = sum(1 for a in after.values() if a[7] != "no")
    body = table(["as", "list", "queries", "DB ms", "pages", "seq scan of a big table"], out)
    body += (
        f"\n\nOver 50 ms of database time: {slow_before} → {slow_after} of {len(out)}; with a sequential scan of a "
        f"big table: {seq_before} → {seq_after}; median DB ms "
        f"{statistics.median(float(b[4]) for b in before.values()):.1f} → "
        f"{statistics.median(float(a[4]) for a in after.values()):.1f}; median pages "
        f"{statistics.median(int(b[5]) for b in before.values())} → "
        f"{statistics.median(int(a[5]) for a in after.values())}."
    )
    publish(args.title, body, label="before (main) → after (h-perf)")


if __name__ == "__main__":
    main()
