"""Printing tables and appending them to bench/RESULTS.md (sections kept apart per benchmark)."""

from __future__ import annotations

from pathlib import Path

from bench.env import machine, stamp

RESULTS = Path(__file__).with_name("RESULTS.md")


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def publish(title: str, body: str, *, label: str = "") -> None:
    """Print the section and append it to RESULTS.md with the date and machine."""
    heading = f"## perf · {title}" + (f" · {label}" if label else "")
    text = f"{heading}\n\n_{stamp()} · {machine()}_\n\n{body}\n"
    print(text)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n" + text)
