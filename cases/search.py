"""The case list's search (``?q=``): a substring of the number, title, description or address,
case-insensitive.

On PostgreSQL the characters and character pairs of those columns are in a GIN index
(``cases/migrations/0012_case_search_grams.py``). Two ways to serve a term, same rows:

- **index**: ask the index for the texts holding the term's grams, keep those holding the term
  (the LIKE), sort them and take the page. Its cost grows with the matches: a term in 6.7 % of
  1M cases (空调外机) read 66,668 rows and 318k pages for a leader's page (1.1 s).
- **walk**: the substring match alone, so PostgreSQL walks the list's order index
  (``reported_at``) and stops at the page's 21st match: ~21 / (frequency × scope share) rows,
  1.7 ms for that leader (392 pages), but the whole table for a term nothing holds.

Which is cheaper depends on the term's frequency, which PostgreSQL's own statistics of the index
give (``pg_stats``, read through ``case_search_gram_stats()`` as the app role may not read them:
``cases/migrations/0020_case_search_gram_stats.py``), and the user's scope (``search_cases``'s
``scope``). The planner cannot tell: it estimates an AND of correlated pairs as the product of
their frequencies (306 rows for 空调外机), and a LIKE of a long pattern as very rare, so it sorts
every match. When in doubt (no statistics, a gram too rare to be listed, no scope) the index,
whose worst case is bounded by the rarity; a wrong walk is not.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan


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
COLUMNS = ("number", "title", "description", "address")

# The rows of a page plus one (the paginators ask for one more to know there is a next page).
PAGE = 21
# Statistics are re-read this often per process: ANALYZE (autovacuum) moves them slowly.
STATS_SECONDS = 600


def substring_match(term: str) -> Q:
    return (
        Q(number__icontains=term)
        | Q(title__icontains=term)
        | Q(description__icontains=term)
        | Q(address__icontains=term)
    )


def contains(term: str) -> Q:
    """The substring match as ``strpos(upper(column), upper(term)) > 0``: the same rows as the
    LIKE of ``substring_match`` (both compare PostgreSQL's upper() of column and term, and the
    LIKE's pattern is the term with its %, _ and \\ escaped), but the planner prices an opaque
    comparison as common (a third of the rows) where it prices a four-character LIKE as very
    rare; so it walks the order index for this one, and for the LIKE it read a chief's whole
    station (83,627 cases, 240 ms) to sort the matches of 空调外机."""
    needle = Upper(Value(term, output_field=TextField()))
    condition = Q(pk__in=[])
    for column in COLUMNS:
        condition |= Q(GreaterThan(StrIndex(Upper(F(column)), needle), 0))
    return condition


# ---- statistics -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """What ANALYZE knows: cases and assignments in the tables, each station's share of the cases,
    each department's share of the assignments, and each listed gram's share of the cases."""

    cases: float
    assignments: float = 0.0
    stations: dict[int, float] = field(default_factory=dict)
    station_default: float = 0.0
    departments: dict[int, float] = field(default_factory=dict)
    department_default: float = 0.0
    grams: dict[str, float] = field(default_factory=dict)

    def station_share(self, station_id: int) -> float:
        return self.stations.get(station_id, self.station_default)

    def department_share(self, station_id: int, department_id: int) -> float:
        """The share of all cases with an assignment of this department at this station, as if
        departments spread over stations like cases do (assignments per case ≈ their count over
        the cases')."""
        per_case = self.assignments / self.cases if self.cases else 0.0
        dept = self.departments.get(department_id, self.department_default)
        return self.station_share(station_id) * min(1.0, dept * per_case)


_STATS_SQL = """
SELECT
    (SELECT reltuples FROM pg_class WHERE oid = to_regclass('cases_case')),
    (SELECT reltuples FROM pg_class WHERE oid = to_regclass('cases_assignment')),
    (SELECT ARRAY[most_common_vals::text, most_common_freqs::text, n_distinct::text] FROM pg_stats
     WHERE schemaname = current_schema() AND tablename = 'cases_case' AND attname = 'station_id'),
    (SELECT ARRAY[most_common_vals::text, most_common_freqs::text, n_distinct::text] FROM pg_stats
     WHERE schemaname = current_schema() AND tablename = 'cases_assignment' AND attname = 'department_id'),
    (SELECT most_common_elems::text::text[] FROM pg_stats
     WHERE schemaname = current_schema() AND tablename = 'case_search_grams'),
    (SELECT most_common_elem_freqs FROM pg_stats
     WHERE schemaname = current_schema() AND tablename = 'case_search_grams'),
    to_regprocedure('case_search_gram_stats()') IS NOT NULL
"""

_lock = threading.Lock()
_cache: dict[str, tuple[float, Stats | None]] = {}


def forget_stats() -> None:
    """Drop the statistics read so far (tests; after an ANALYZE)."""
    with _lock:
        _cache.clear()


def _ints(text: str | None) -> list[int]:
    return [int(v) for v in text.strip("{}").split(",") if v] if text else []


def _floats(text: str | None) -> list[float]:
    return [float(v) for v in text.strip("{}").split(",") if v] if text else []


def _shares(column: list[str] | None, rows: float) -> tuple[dict[int, float], float]:
    """A column's most common values with their shares, and the share of any other value."""
    if not column:
        return {}, 0.0
    values, freqs = _ints(column[0]), _floats(column[1])
    listed = dict(zip(values, freqs, strict=False))
    distinct = float(column[2] or 0)
    if distinct < 0:  # a fraction of the rows
        distinct = -distinct * rows
    others = max(distinct - len(listed), 1.0)
    return listed, max(0.0, 1.0 - sum(listed.values())) / others


def read_stats(using: str) -> Stats | None:
    """The statistics, or None when PostgreSQL has none (never analysed; not PostgreSQL)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_STATS_SQL)
        cases, assignments, stations, departments, elems, freqs, has_function = cursor.fetchone()
        if elems is None and has_function:
            # The app role: pg_stats hides the index's row from whoever does not own it.
            cursor.execute("SELECT elems, freqs FROM case_search_gram_stats()")
            row = cursor.fetchone()
            elems, freqs = row if row else (None, None)
    if not cases or cases <= 0 or not elems or not freqs:
        return None
    station_shares, station_default = _shares(stations, cases)
    department_shares, department_default = _shares(departments, assignments or 0)
    # The frequencies come first, one per gram; ANALYZE appends the least and the greatest
    # (two entries for a tsvector, three for an array): only the first len(elems) count.
    return Stats(
        cases=float(cases),
        assignments=float(assignments or 0),
        stations=station_shares,
        station_default=station_default,
        departments=department_shares,
        department_default=department_default,
        grams=dict(zip(elems, freqs[: len(elems)], strict=True)),
    )


def stats_for(using: str) -> Stats | None:
    """The statistics, read at most once every STATS_SECONDS per process and database."""
    now = time.monotonic()
    cached = _cache.get(using)
    if cached is not None and cached[0] > now:
        return cached[1]
    stats = read_stats(using)
    with _lock:
        _cache[using] = (now + STATS_SECONDS, stats)
    return stats


# ---- the decision -----------------------------------------------------------------------------


def _pairs(folded: str) -> list[str]:
    if len(folded) == 1:
        return [folded]
    return [folded[i : i + 2] for i in range(len(folded) - 1)]


def frequency(term: str, stats: Stats) -> float:
    """The estimated share of cases holding ``term``; 0 when one of its grams is too rare to be
    listed (ANALYZE lists the grams held by more than ~0.7 % of the cases at 1M), as the term is
    then at least as rare, by how much unknown.

    Text with a CJK character: the pairs of a word go together (空调, 调外, 外机 are each in
    6.7 % of the cases, and so is 空调外机), so the chain estimate P(ab)·P(bc)/P(b)·…, which is
    never above the rarest pair and follows it for a word, and falls for pairs that rarely meet.
    Other text (case numbers, Latin words) the product of its pairs' frequencies: digits pair
    about independently, and a number's search must never walk the table."""
    folded = term.upper()
    pairs = _pairs(folded)
    freqs = [stats.grams.get(p) for p in pairs]
    if any(f is None for f in freqs):
        return 0.0
    if folded.isascii():
        return math.prod(freqs)
    estimate = freqs[0]
    for i in range(1, len(pairs)):
        shared = stats.grams.get(folded[i])
        ratio = freqs[i] / shared if shared else 1.0
        estimate *= min(1.0, ratio)
    return min(estimate, *freqs)


# A gram in more cases than this narrows the index's answer little and costs the longest posting
# lists: a case number's 20, -2, 02, -0 are in every case.
BROAD = 0.5


def probe(term: str, stats: Stats | None) -> list[str]:
    """What to ask the index for, as pieces of the term whose pairs the index must all hold:
    the whole term (every pair: the exact gram query) without statistics; when every pair is
    listed and they go together (the term about as frequent as its rarest pair, as the pairs of
    a word), only the rarest pair; else the pairs but the broad ones.

    The planner estimates one gram from its listed frequency, but an AND of pairs as their
    product (306 rows of 1M for 空调外机, which 66,668 hold), and on that estimate forgoes
    intersecting the index with the department's (BitmapAnd): the busiest department's 空调外机
    read 41k pages, 4.9k with the rarest pair only. Pairs that do not go together (a number's
    digits) keep an AND, which the index intersects far below any one pair (a leader's number
    search read 17.9k pages with its rarest pair alone), of the rarer pairs: not the broad ones
    (1,778 pages with them, 448 without). The LIKE keeps the rows exactly whatever the index is
    asked."""
    if stats is None or len(term) < 3:
        return [term]
    pairs = [term[i : i + 2] for i in range(len(term) - 1)]
    known = [(stats.grams.get(p.upper()), p) for p in pairs]
    listed = [(f, p) for f, p in known if f is not None]
    if len(listed) == len(known):
        rarest, pair = min(listed)
        if frequency(term, stats) >= rarest / 2 or rarest >= BROAD:
            return [pair]
    # The rarest first (an unlisted pair is rarer than any listed), until they leave about a
    # page of cases: each more pair costs its posting list and barely narrows (a number's 14
    # narrow pairs: 38 ms in the index, its 4 rarest 10 ms).
    floor = min(stats.grams.values(), default=1.0)
    chosen, estimate = [], stats.cases
    for f, p in sorted(((f if f is not None else 0.0), p) for f, p in known):
        if f >= BROAD or (chosen and estimate <= PAGE):
            break
        if p not in chosen:
            chosen.append(p)
            estimate *= f or floor
    return chosen


def walks(term: str, scope, stats: Stats | None, reads: int = PAGE) -> bool:
    """Whether walking the list's order is cheaper for this user than the index.

    Measured at 1M cases (pages touched, bench/lists.py), both sides are close to:
      walk  ≈ 21 / (f · s)       rows of the order index read until the page's 21st match,
                                 f the term's share of cases, s the user's scope's share;
      index ≈ f · N · b          matches the index yields within b, the part of the table the
                                 planner intersects the index with (b = 1 when it does not);
    for a leader s = b = 1; for a chief s = the station's 8 %, b = 1 (the planner does not
    always intersect with the station's index: for 凰 it read the district's 50k matches); for
    a department s = b = its cases' share (1.4 % for the busiest): the planner intersects with
    the department's own index (case_department_scope). Walking wins when f² · N · s · b
    exceeds 21: f > 0.46 % for a leader, > 1.6 % for a chief of one of 12 stations, > 33 % for
    the busiest department (its 噪音, 13 %: 15k pages walking, 2.4k through the index). A grid
    worker's list walks its grid's own index already.

    ``reads``: the matches the list reads, 21 for the API's page; a page of the work list also
    counts its rows 50 pages ahead (cases.paging), which a walk pays for too."""
    if stats is None or scope is None:
        return False
    if len(term) > 2 and term.isascii():
        # Digits and Latin letters make few pairs, each common, in any order: how often they
        # meet in a row is not in the statistics. 2026-07 (its pairs' product 0.9 %) is in no
        # case: walking for it read the whole table (1M rows, 7.8 s). The index is bounded.
        return False
    f = frequency(term, stats)
    if f <= 0:
        return False
    if scope.district:
        share = bound = 1.0
    elif scope.chief_stations:
        # Not intersected: for 凰 (5 %) the planner read the district's 50k matches (28.5k
        # pages) where walking the chief's station read 4.9k.
        share, bound = min(1.0, sum(stats.station_share(s) for s in scope.chief_stations)), 1.0
    elif scope.departments and not scope.grids:
        share = bound = min(1.0, sum(stats.department_share(s, d) for s, d in scope.departments))
    else:
        return False
    return f * f * stats.cases * share * bound > reads


def search_cases(queryset: QuerySet, term: str, scope=None, reads: int = PAGE) -> QuerySet:
    """The cases whose number, title, description or address contains ``term``.

    ``scope`` (``cases.access.Scope``): the user's, when the list is all of it (no other filter
    narrows it); without it, the index. ``reads``: how many matches the list reads (``walks``)."""
    term = term.strip()
    if not term:
        return queryset
    stats = stats_for(queryset.db)
    if walks(term, scope, stats, reads):
        return queryset.filter(contains(term))
    queryset = queryset.filter(substring_match(term))
    for piece in probe(term, stats):
        queryset = queryset.filter(_Matches(INDEXED, _GramQuery(Value(piece, output_field=TextField()))))
    return queryset
