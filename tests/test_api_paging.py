"""Bad paging input is bad input: every list answers 400 naming ``cursor``, ``page`` or ``page_size``.

The lists are enumerated from the URL conf (every GET served by a list view), so a list added
later is tested without anyone remembering to add it here.
"""

import base64
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.utils import timezone
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.mixins import ListModelMixin
from rest_framework.pagination import CursorPagination

from cases.models import Case, Summons
from cases.services import dispatching, handling, mediation, summonses, supervision
from tests.api_helpers import assert_error, get
from tests.personas import walk_to

pytestmark = pytest.mark.django_db


def list_endpoints() -> list[tuple[str, type]]:
    """(path, paginator class) of every API list, e.g. ("/api/cases/{pk}/events/", PagePagination)."""
    found = []
    for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints():
        actions = getattr(callback, "actions", None) or {"get": "list"}
        if method == "GET" and issubclass(callback.cls, ListModelMixin) and actions.get("get") == "list":
            found.append((path, callback.cls.pagination_class))
    return found


LISTS = list_endpoints()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


BAD_PAGE_SIZES = ["abc", "0", "-5", "1.5", "100000"]
BAD_PAGES = ["abc", "0", "-1", "1.5", "99", "2" * 30]
BAD_CURSORS = [
    "garbage",
    "游标",
    b64("p=not-a-date"),  # a position that is no value of the ordering column (was a 500)
    b64("p=2026-01-01 00:00:00+08:00"),  # well-formed, but not one this server handed out
    b64("o=x"),  # an offset that is not a number
    b64("o=-1"),
    b64("r=x"),
    b64("p=\x00"),
    signing.dumps([0, False, "2026-01-01 00:00:00+08:00"], salt="someone else's"),
]


def test_the_lists_are_found():
    paths = {path for path, _ in LISTS}
    assert {"/api/cases/", "/api/cases/{pk}/events/", "/api/notifications/", "/api/grids/"} <= paths
    assert len(paths) == 11, sorted(paths)


@pytest.fixture
def case(world):
    w = world
    case = walk_to(w, "accepted")
    # with 应急管理 too, whose liaison officer is summoned: events, assignments, a summons …
    co_ids = (w.dept.enforcement.pk, w.dept.police.pk, w.dept.emergency.pk)
    dispatching.case_dispatch(case.pk, actor=w.zhang, co_ids=co_ids, reason="需应急管理参与")
    handling.assignment_sign(case.pk, actor=w.tiaojie)
    summons = Summons.objects.get(case=case)
    summonses.summons_acknowledge(case.pk, actor=w.yingji, summons_id=summons.pk)  # … a notice for the chief
    supervision.case_supervise(case.pk, actor=world.zhang, message="请加快办理")
    mediation.mediation_schedule(
        case.pk, actor=world.zhang, scheduled_at=timezone.now() + dt.timedelta(days=1), place="工作站调解室"
    )
    return case


@pytest.mark.parametrize(("path", "paginator"), LISTS, ids=[path for path, _ in LISTS])
def test_bad_paging_input_is_400_naming_the_parameter(world, case, path, paginator):
    url = path.format(pk=case.pk)
    first = get(world.zhang, url, {"page_size": "1"})
    assert first.status_code == 200, first.json()
    assert len(first.json()["results"]) == 1

    if issubclass(paginator, CursorPagination):
        bad = [("cursor", value) for value in BAD_CURSORS]
    else:
        bad = [("page", value) for value in BAD_PAGES]
    bad += [("page_size", value) for value in BAD_PAGE_SIZES]
    answers = {}
    for name, value in bad:
        response = get(world.zhang, url, {name: value})
        body = response.json()
        answers[name, value] = (response.status_code, body.get("code"), list(body.get("errors", {})))
    assert answers == {key: (400, "invalid", [key[0]]) for key in answers}


@pytest.mark.parametrize(("path", "paginator"), LISTS, ids=[path for path, _ in LISTS])
def test_good_paging_input_still_pages(world, case, path, paginator):
    url = path.format(pk=case.pk)
    everything = get(world.zhang, url, {"page_size": paginator.max_page_size})
    assert everything.status_code == 200, everything.json()
    if issubclass(paginator, CursorPagination):
        return  # walked in full by test_api_lists.test_cursor_pagination_walks_every_case_once
    last = get(world.zhang, url, {"page": "last"})
    assert last.status_code == 200, last.json()
    assert get(world.zhang, url, {"page": "1", "page_size": ""}).status_code == 200


def test_page_beyond_the_last_names_the_last_page(world):
    body = assert_error(get(world.zhang, "/api/grids/", {"page": "3"}), 400, "invalid")
    assert body["errors"] == {"page": ["确保该值小于或等于1。"]}


def test_a_cursor_is_only_good_for_the_ordering_it_was_made_for(world):
    for _ in range(3):
        walk_to(world, "reported")
    by_number = get(world.zhang, "/api/cases/", {"ordering": "number", "page_size": 1}).json()
    cursor = parse_qs(urlsplit(by_number["next"]).query)["cursor"][0]
    assert get(world.zhang, "/api/cases/", {"ordering": "number", "cursor": cursor, "page_size": 1}).status_code == 200
    # The same position read as a reported_at would not even be a date: 400, not a database error.
    swapped = assert_error(get(world.zhang, "/api/cases/", {"ordering": "-reported_at", "cursor": cursor}), 400)
    assert list(swapped["errors"]) == ["cursor"]
    assert Case.objects.count() == 3
