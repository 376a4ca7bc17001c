"""The case list's search (``?q=``) gives exactly the substring match, whichever way it goes
(cases.search): through its index, or walking the list's order with the strpos form; and the
choice between them, from PostgreSQL's statistics (faked, and real after ANALYZE)."""

import dataclasses

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import search
from cases.access import Scope
from cases.models import Case
from cases.search import Stats, contains, frequency, probe, search_cases, substring_match, walks
from governance.db_roles import owner_configured
from tests.api_helpers import get
from tests.personas import report_ac_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_stats_between_tests():
    search.forget_stats()
    yield
    search.forget_stats()


TERMS = [
    "凰",  # one character
    "小区",  # two
    "空调外机",  # four, one word
    "凰小",  # two, across the words 紫金凰 / 小区
    "外机噪",
    "3幢",
    "ZX-",
    "zx-2026",  # case-insensitive, as the LIKE was
    "-0002",
    "o'neil",
    "a\\b",
    "楼道 堆物",  # a space inside the term
    "%",
    "_",
    "不存在的词",
    "楼",
]


def file_some(w):
    report_ac_dispute(w)
    report_ac_dispute(w, title="紫金凰小区楼道 堆物", description="O'Neil 反映 a\\b 楼道堆放杂物 100%", address="")
    report_ac_dispute(w, title="欠薪", description="某公司拖欠工资_三个月", address="工业园区")


@pytest.mark.parametrize("term", TERMS)
def test_the_indexed_search_finds_what_the_substring_match_finds(world, term):
    file_some(world)
    indexed = set(search_cases(Case.objects.all(), term).values_list("pk", flat=True))
    plain = set(Case.objects.filter(substring_match(term)).values_list("pk", flat=True))
    assert indexed == plain


@pytest.mark.parametrize("term", TERMS)
def test_the_walking_form_finds_what_the_substring_match_finds(world, term):
    file_some(world)
    walking = set(Case.objects.filter(contains(term.strip())).values_list("pk", flat=True))
    plain = set(Case.objects.filter(substring_match(term.strip())).values_list("pk", flat=True))
    assert walking == plain


# Every gram of the file_some texts, listed as common: each term whose grams are all listed walks
# for a leader; its rarest pair is the index's probe otherwise.
def _all_common(w) -> Stats:
    grams = {}
    for case in Case.objects.all():
        for text in (case.number, case.title, case.description, case.address):
            folded = (text or "").upper()
            for i in range(len(folded)):
                grams[folded[i]] = 0.5
                grams[folded[i : i + 2]] = 0.5
    return Stats(cases=1_000_000, grams=grams)


@pytest.mark.parametrize("term", TERMS)
@pytest.mark.parametrize("scope", [None, Scope(district=True), Scope(departments=frozenset({(1, 1)}))])
def test_either_way_the_search_finds_what_the_substring_match_finds(world, term, scope, monkeypatch):
    file_some(world)
    stats = _all_common(world)
    monkeypatch.setattr(search, "stats_for", lambda using: stats)
    found = set(search_cases(Case.objects.all(), term, scope=scope).values_list("pk", flat=True))
    plain = set(Case.objects.filter(substring_match(term.strip())).values_list("pk", flat=True))
    assert found == plain


GRAMS = {"空": 0.10, "调": 0.067, "外": 0.067, "机": 0.067, "空调": 0.067, "调外": 0.067, "外机": 0.067}
GRAMS |= {"噪": 0.13, "音": 0.13, "噪音": 0.13, "漏": 0.10, "电": 0.07, "漏电": 0.035, "凰": 0.05}
GRAMS |= {"音漏": 0.008, "Z": 1.0, "X": 1.0, "-": 1.0, "ZX": 1.0, "X-": 1.0, "-2": 1.0, "20": 1.0, "02": 0.9}
GRAMS |= {"26": 0.4, "6-": 0.1, "-0": 1.0, "00": 0.2, "01": 0.5, "2": 1.0, "6": 0.9, "0": 1.0}
STATS = Stats(
    cases=1_000_000,
    assignments=2_000_000,
    stations={1: 1 / 12, 2: 1 / 12},
    station_default=1 / 12,
    departments={1: 0.08, 14: 0.005},
    department_default=0.005,
    grams=GRAMS,
)
LEADER = Scope(district=True)
CHIEF = Scope(chief_stations=frozenset({1}))
BUSY_DEPARTMENT = Scope(departments=frozenset({(1, 1)}))
RARE_DEPARTMENT = Scope(departments=frozenset({(1, 14)}))
GRID_WORKER = Scope(grid_stations=frozenset({1}), grids=frozenset({10}))


def test_a_term_is_as_frequent_as_its_words_pairs_and_an_unlisted_gram_makes_it_rare():
    assert frequency("凰", STATS) == 0.05
    assert frequency("空调外机", STATS) == pytest.approx(0.067)  # the pairs of a word go together
    assert frequency("噪音漏电", STATS) < 0.008  # two words seldom side by side: their junction
    assert frequency("外机噪", STATS) == 0  # 机噪 is not listed: rarer than any listed gram
    assert frequency("ZX-2026-0001", STATS) < 1e-3  # a number: its digits' pairs multiply
    assert frequency("zx-", STATS) == 1.0


@pytest.mark.parametrize(
    ("term", "scope", "walk"),
    [
        ("空调外机", LEADER, True),  # 6.7 %: the page's 21 rows among the newest ~300
        ("漏电", LEADER, True),  # 3.5 %
        ("ZX-2026-0001", LEADER, False),  # one case: walking would read them all
        ("2026-0", LEADER, False),  # pairs in every case, but how often in a row is unknown
        ("20", LEADER, True),  # a pair's own frequency is known
        ("外机噪", LEADER, False),  # an unlisted gram
        ("凰", CHIEF, True),  # 5 % of the cases, 1/12 of them the chief's
        ("漏电", CHIEF, True),
        ("音漏", CHIEF, False),  # 0.8 %: the index reads 8k, walking ~31k
        ("噪音", BUSY_DEPARTMENT, False),  # 13 %: the index, intersected with the department's
        ("ZX", BUSY_DEPARTMENT, True),  # in every case: the department's newest 21
        ("噪音", RARE_DEPARTMENT, False),
        ("噪音", GRID_WORKER, False),  # the grid's own index serves the list
        ("噪音", None, False),  # no scope (an export): the index, as before
    ],
)
def test_the_search_walks_for_a_common_term_in_a_wide_scope(term, scope, walk):
    assert walks(term, scope, STATS) is walk


def test_a_page_that_counts_its_matches_ahead_walks_only_for_a_more_common_term():
    assert walks("漏电", LEADER, STATS, reads=21) is True
    assert walks("漏电", LEADER, STATS, reads=1041) is True  # 3.5 %: f² · N = 1225
    assert walks("凰", CHIEF, STATS, reads=1041) is False  # 5 % of a twelfth: the index


def test_the_api_walks_only_when_no_other_filter_narrows_the_list(world, monkeypatch):
    w = world
    file_some(w)
    monkeypatch.setattr(search, "stats_for", lambda using: _all_common(w))

    def walked(params) -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert get(w.lingdao, "/api/cases/", params).status_code == 200
        return any("STRPOS" in q["sql"].upper() for q in queries.captured_queries)

    assert walked({"q": "空调外机"}) is True
    assert walked({"q": "空调外机", "status": "reported"}) is False  # a walk would pass the others


def test_without_statistics_the_search_takes_the_index():
    assert walks("噪音", LEADER, None) is False


def test_the_index_is_asked_for_the_rarest_pair_of_a_word_and_for_the_narrow_pairs_of_the_rest():
    assert probe("空调外机", STATS) in (["空调"], ["调外"], ["外机"])  # a word: its pairs go together
    assert probe("噪音漏电", STATS) == ["音漏", "漏电", "噪音"]  # 0.28 % of the cases, 音漏 0.8 %
    assert probe("外机噪", STATS) == ["机噪", "外机"]  # 机噪 unlisted: the rarest
    assert probe("ZX-2026-0001", STATS) == ["6-", "00", "26"]  # not ZX, X-, -2, 20…: in half or more
    assert probe("ZX-2026-9", STATS) == ["-9", "6-", "26"]  # -9 unlisted: the rarest
    assert len(probe("ZX-", STATS)) == 1  # every pair broad: one is enough
    assert probe("噪音", STATS) == ["噪音"]
    assert probe("噪音", None) == ["噪音"]


def _analyze():
    """ANALYZE the case table and its indexes, as their owner (the app role may not)."""
    if not owner_configured():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
        return
    owner = settings.MIGRATION_DATABASE
    conn = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        host=owner["HOST"] or None,
        port=owner["PORT"] or None,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE cases_assignment")
    conn.close()


@pytest.mark.django_db(transaction=True)
def test_the_app_role_reads_the_real_statistics_and_walks_for_a_common_term(world, monkeypatch):
    w = world
    file_some(w)
    for i in range(20):
        report_ac_dispute(w, title=f"空调外机噪音{i}")
    _analyze()
    stats = search.stats_for("default")
    assert stats is not None  # through case_search_gram_stats(): pg_stats hides the index's row
    assert stats.grams["空调"] > 0.5
    assert search.stats_for("default") is stats  # read once, kept
    # 23 cases are too few for walking to pay (21 rows a page): the same grams at 1M cases
    big = dataclasses.replace(stats, cases=1_000_000)
    monkeypatch.setattr(search, "stats_for", lambda using: big)
    with CaptureQueriesContext(connection) as queries:
        results = get(w.lingdao, "/api/cases/", {"q": "空调外机"}).json()["results"]
    listed = [sql["sql"] for sql in queries.captured_queries if 'FROM "cases_case"' in sql["sql"]]
    assert any("STRPOS" in sql.upper() for sql in listed)
    plain = Case.objects.filter(substring_match("空调外机")).order_by("-reported_at", "-id")
    assert [row["id"] for row in results] == list(plain.values_list("pk", flat=True)[:20])
    # a term nothing holds goes through the index, and finds nothing
    with CaptureQueriesContext(connection) as queries:
        assert get(w.lingdao, "/api/cases/", {"q": "不存在的词"}).json()["results"] == []
    listed = [sql["sql"] for sql in queries.captured_queries if 'FROM "cases_case"' in sql["sql"]]
    assert not any("STRPOS" in sql.upper() for sql in listed)


def test_the_api_searches_number_title_description_and_address(world):
    w = world
    file_some(w)
    numbers = lambda q: sorted(row["title"] for row in get(w.zhang, "/api/cases/", {"q": q}).json()["results"])  # noqa: E731
    assert numbers("凰") == ["紫金凰小区楼道 堆物", "紫金凰小区空调外机噪音纠纷"]
    assert numbers("工业园") == ["欠薪"]
    assert numbers("o'NEIL") == ["紫金凰小区楼道 堆物"]
    assert len(numbers("zx-")) == 3
    assert numbers("  ") == numbers("")
