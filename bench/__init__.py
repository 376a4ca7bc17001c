"""Benchmarks (issue 14). Not part of the test run: ``make bench-perf`` (README)."""
