"""The case list's search (``?q=``) through its index gives exactly the substring match."""

import pytest

from cases.models import Case
from cases.search import search_cases, substring_match
from tests.api_helpers import get
from tests.personas import report_ac_dispute

pytestmark = pytest.mark.django_db

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


@pytest.mark.needs("postgresql")
@pytest.mark.parametrize("term", TERMS)
def test_the_indexed_search_finds_what_the_substring_match_finds(world, term):
    file_some(world)
    indexed = set(search_cases(Case.objects.all(), term).values_list("pk", flat=True))
    plain = set(Case.objects.filter(substring_match(term)).values_list("pk", flat=True))
    assert indexed == plain


def test_the_api_searches_number_title_description_and_address(world):
    w = world
    file_some(w)
    numbers = lambda q: sorted(row["title"] for row in get(w.zhang, "/api/cases/", {"q": q}).json()["results"])  # noqa: E731
    assert numbers("凰") == ["紫金凰小区楼道 堆物", "紫金凰小区空调外机噪音纠纷"]
    assert numbers("工业园") == ["欠薪"]
    assert numbers("o'NEIL") == ["紫金凰小区楼道 堆物"]
    assert len(numbers("zx-")) == 3
    assert numbers("  ") == numbers("")
