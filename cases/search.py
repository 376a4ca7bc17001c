"""The case list's search (``?q=``): a substring of the number, title, description or address,
case-insensitive.

On PostgreSQL the characters and character pairs of those columns are in a GIN index
(``cases/migrations/0012_case_search_grams.py``): the filter first asks the index for the texts
that hold every pair of the term (its one character, for a one-character term), then keeps those
that hold the term itself, so the answer is exactly the substring match, served by the index
whatever the term's length. On SQLite (the demo) the substring match alone.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField, Value


class _Grams(Func):
    function = "case_search_grams"
    output_field = TextField()  # a tsvector; only compared with @@ below


class _GramQuery(Func):
    function = "case_search_query"
    output_field = TextField()  # a tsquery


class _Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


# The expression of the index, column for column (else the planner would not use it).
INDEXED = _Grams(F("number"), F("title"), F("description"), F("address"))


def substring_match(term: str) -> Q:
    return (
        Q(number__icontains=term)
        | Q(title__icontains=term)
        | Q(description__icontains=term)
        | Q(address__icontains=term)
    )


def search_cases(queryset: QuerySet, term: str) -> QuerySet:
    """The cases whose number, title, description or address contains ``term``."""
    term = term.strip()
    if not term:
        return queryset
    matching = queryset.filter(substring_match(term))
    if connections[queryset.db].vendor != "postgresql":
        return matching
    return matching.filter(_Matches(INDEXED, _GramQuery(Value(term, output_field=TextField()))))
