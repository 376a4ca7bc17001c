"""The hostile-input table at the end of a run: a pytest plugin (``tests/conftest.py`` loads it).

Each test of ``test_hostile_input`` records its requests as the user property ``hostile``:
(surface, input, endpoint, status) rows. Reports carry user properties from xdist's workers to
the controller, which prints a table per surface (API, pages) over all of them: per input, how
many endpoints got it, how many requests, and the answers by status.
"""

from __future__ import annotations

KEY = "hostile"
_rows: list[tuple[str, str, str, int]] = []


def pytest_runtest_logreport(report) -> None:
    if report.when == "call":
        for key, rows in report.user_properties:
            if key == KEY:
                _rows.extend(tuple(row) for row in rows)


def pytest_terminal_summary(terminalreporter) -> None:
    for surface in dict.fromkeys(row[0] for row in _rows):
        rows = [row[1:] for row in _rows if row[0] == surface]
        endpoints = len({endpoint for _input, endpoint, _status in rows})
        terminalreporter.write_sep("=", f"hostile input, {surface}: {endpoints} endpoints, {len(rows):,} requests")
        for line in lines(rows):
            terminalreporter.write_line(line)


def lines(rows: list[tuple[str, str, int]]) -> list[str]:
    """(input, endpoint, status) rows as a Markdown table."""
    by_input: dict[str, tuple[set, dict]] = {}
    for name, endpoint, status in rows:
        endpoints, answers = by_input.setdefault(name, (set(), {}))
        endpoints.add(endpoint)
        answers[status] = answers.get(status, 0) + 1
    out = ["| input | endpoints | requests | answers |", "|---|---:|---:|---|"]
    for name, (endpoints, answers) in by_input.items():
        shown = ", ".join(f"{status} × {count:,}" for status, count in sorted(answers.items()))
        out.append(f"| {name} | {len(endpoints)} | {sum(answers.values()):,} | {shown} |")
    return out
