"""The lists' pager counts only as far as it needs (cases.paging)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import paging
from cases.paging import CappedPaginator
from governance.refusals import BadParameter
from workstation.models import User


@pytest.fixture
def users(db):
    return User.objects.bulk_create([User(username=f"u{n:03d}") for n in range(45)])


def test_a_short_list_is_counted_exactly(users):
    paginator = CappedPaginator(User.objects.order_by("username"), 20)
    page = paginator.get_page(1)
    assert (paginator.count, paginator.num_pages, paginator.pages_label) == (45, 3, "3")
    assert not paginator.more and page.has_next()


def test_a_long_list_says_there_is_more(users, monkeypatch):
    monkeypatch.setattr(paging, "PAGES_AHEAD", 1)  # count one page past the one asked for
    paginator = CappedPaginator(User.objects.order_by("username"), 10)
    page = paginator.get_page(1)
    assert (paginator.count, paginator.pages_label, paginator.more) == (20, "2+", True)
    assert [u.username for u in page] == [f"u{n:03d}" for n in range(10)]
    assert page.has_next()


def test_each_page_counts_further_so_every_page_is_reachable(users, monkeypatch):
    monkeypatch.setattr(paging, "PAGES_AHEAD", 1)
    paginator = CappedPaginator(User.objects.order_by("username"), 10)
    page = paginator.get_page(4)
    assert (page.number, paginator.count, paginator.more) == (4, 45, False)
    assert paginator.pages_label == "5"
    assert [u.username for u in page] == [f"u{n:03d}" for n in range(30, 40)]


@pytest.mark.parametrize("asked", [None, "", "999"])
def test_no_or_a_far_page_number_falls_back(users, asked):
    paginator = CappedPaginator(User.objects.order_by("username"), 20)
    page = paginator.get_page(asked)
    assert page.number == (3 if asked == "999" else 1)  # past the last: the last, as Django does


@pytest.mark.parametrize("asked", ["x", "-3", "0", "1.5", str(2**63 // 20), "99999999999999999999"])
def test_what_is_no_page_number_is_refused_naming_page(users, asked):
    """Not a whole number from 1, or beyond what a bigint OFFSET reaches: 400 (BadRequest)."""
    paginator = CappedPaginator(User.objects.order_by("username"), 20)
    with pytest.raises(BadParameter) as refused:
        paginator.get_page(asked)
    assert list(refused.value.errors) == ["page"]


def test_the_last_page_a_bigint_offset_reaches_is_still_a_page(users):
    largest = (2**63 - 1) // 20 - paging.PAGES_AHEAD - 1
    assert CappedPaginator(User.objects.order_by("username"), 20).get_page(str(largest)).number == 3


def test_the_count_is_one_bounded_query(users):
    paginator = CappedPaginator(User.objects.order_by("username"), 20)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 45
    assert len(queries) == 1
    assert "LIMIT 1021" in queries[0]["sql"] and "ORDER BY" not in queries[0]["sql"]


def test_a_list_that_is_not_a_queryset_is_counted_by_length():
    paginator = CappedPaginator(list(range(7)), 5)
    assert (paginator.get_page(2).number, paginator.count, paginator.pages_label) == (2, 7, "2")
