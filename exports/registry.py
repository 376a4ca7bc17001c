"""What can be exported: one registry of kinds (healthchecks' TRANSPORTS), filled by each app's
``exports`` module (found at start-up, like admin modules: ``ExportsConfig.ready``).

A kind builds a ``Table`` for a user from the query parameters it was asked with. It reads
through the access gate (the user's scope), never wider, and masks personal data itself. Bad
parameters raise ``ExportInputError`` with the field errors (400).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.functional import Promise


class ExportInputError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Table:
    """A sheet: a title, column headings, the rows (an iterator is fine: it is read once) and
    how many rows there are (known before they are read, for the progress indicator)."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence]
    count: int
    # Lines describing the filters in words, written to the sheet 说明 beside the data.
    described: list[str] = field(default_factory=list)


# (user, parameters as {name: [values]}) -> Table
Builder = Callable[[object, dict[str, list[str]]], Table]


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str | Promise
    build: Builder


EXPORTS: dict[str, ExportKind] = {}


def register(key: str, label: str | Promise) -> Callable[[Builder], Builder]:
    """``@register("cases", _("案件列表"))`` on a builder adds it to ``EXPORTS``."""

    def add(build: Builder) -> Builder:
        if key in EXPORTS:
            raise ValueError(f"export kind {key!r} registered twice")
        EXPORTS[key] = ExportKind(key, label, build)
        return build

    return add


def as_query(params: dict[str, list[str]]) -> QueryDict:
    """Recorded parameters as the QueryDict a form or filter set reads."""
    query = QueryDict(mutable=True)
    for name, values in params.items():
        query.setlist(name, list(values))
    return query
