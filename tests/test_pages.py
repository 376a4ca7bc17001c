"""The pages: the shell (CSP, top bar), each role's home, the case page's gate, the notices."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.personas import walk_to

# session, user, memberships (scope), top bar posts, bell count and latest, page count, page rows,
# the grid-worker check's scope is cached; 9 whatever the number of rows.
QUERIES_OF_THE_WORK_LIST = 9

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/", "/report/", "/notices/", "/notices/bell/", "/accounts/login/", "/api/cases/"])
def test_every_page_carries_the_strict_content_security_policy(world, url):
    response = client_of(world.zhang).get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP


def test_the_login_page_carries_it_too(db):
    assert client_of().get("/accounts/login/")["Content-Security-Policy"] == CSP


INLINE = [
    re.compile(r"\sstyle\s*=", re.I),  # style attributes
    re.compile(r"\son[a-z]+\s*=", re.I),  # event-handler attributes
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),  # inline scripts
    re.compile(r"<style", re.I),
    re.compile(r"\shx-on", re.I),  # htmx evaluates these as code
]


def test_no_template_has_inline_script_or_style():
    root = Path(settings.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(root)}: {match.group(0).strip()}"
        for path in root.rglob("*.html")
        for pattern in INLINE
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_top_bar_shows_who_the_bell_and_logout(world):
    walk_to(world, "reported")  # the chief gets a notice of the new case
    page = client_of(world.zhang).get("/").content.decode()
    assert "张站长" in page and "站长/常务副站长 · 振兴基层治理联动工作站" in page
    assert re.search(r'id="bell-count"[^>]*>1</span>', page)
    assert 'action="/accounts/logout/"' in page


# --- Home per role ----------------------------------------------------------------------------


def test_grid_worker_lands_on_report_and_own_reports_newest_first(world):
    first = walk_to(world, "reported")
    second = walk_to(world, "in_progress")
    page = client_of(world.wang).get("/").content.decode()
    assert 'href="/report/"' in page and "我的上报" in page
    assert page.index(second.number) < page.index(first.number)
    assert "办理期限" in page and "ladder-none" in page
    assert "受理期限" in page


def test_chief_work_list_filters_by_status_and_serves_the_fragment_to_htmx(world):
    reported = walk_to(world, "reported")
    closed = walk_to(world, "closed")
    chief = client_of(world.zhang)
    full = chief.get("/").content.decode()
    assert reported.number in full and closed.number in full

    fragment = chief.get("/?status=closed", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-list")
    # The page and its fragment share a URL: a cache must tell them apart (going back in history).
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in fragment["Vary"].split(",")}
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section id="case-list"')
    assert closed.number in body and reported.number not in body


def test_a_bad_filter_is_400_naming_the_field_and_keeps_the_page(world):
    response = client_of(world.zhang).get("/?status=bogus")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "bogus" in page and 'name="status"' in page


def test_handler_of_another_department_sees_nothing_and_the_case_page_is_404(world):
    case = walk_to(world, "in_progress")
    assert case.number not in client_of(world.shijian).get("/").content.decode()
    assert client_of(world.shijian).get(f"/cases/{case.pk}/").status_code == 404
    page = client_of(world.tiaojie).get(f"/cases/{case.pk}/").content.decode()
    assert case.title in page and "办理中" in page and "办理期限" in page


@pytest.mark.parametrize("rows", [10, 50])
def test_work_list_query_count_does_not_grow_with_rows(world, rows, django_assert_num_queries):
    from cases.services import dispatching
    from tests.personas import report_ac_dispute

    for i in range(rows):
        case = report_ac_dispute(world, title=f"空调外机纠纷 {i}")
        if i % 2:
            dispatching.case_accept(case.pk, actor=world.zhang)
            dispatching.case_dispatch(case.pk, actor=world.zhang)
    chief = client_of(world.zhang)
    chief.get("/")  # the calendar is loaded once per process
    with django_assert_num_queries(QUERIES_OF_THE_WORK_LIST):
        response = chief.get("/?page=1")
    assert response.content.decode().count('class="case-row') == min(rows, 20)


# --- Notices ----------------------------------------------------------------------------------


def test_bell_counts_and_mark_all_read_by_htmx_answers_204_with_the_refresh_event(world):
    walk_to(world, "reported")
    walk_to(world, "reported")
    chief = client_of(world.zhang)
    assert chief.get("/notices/bell/").content.decode().strip().endswith(">2</span>")
    menu = chief.get("/notices/bell/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="bell-menu").content.decode()
    assert menu.count('class="notice unread"') == 2 and "/cases/" in menu

    response = chief.post("/notices/read/", {"all": "true"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Trigger"] == "notices-changed"
    assert chief.get("/notices/bell/").content.decode().strip().endswith(">0</span>")


def test_mark_one_read_without_script_goes_back_and_leaves_others_unread(world):
    from notifications.selectors import inbox_for, unread_count

    walk_to(world, "reported")
    walk_to(world, "reported")
    notice = inbox_for(world.zhang).first()
    response = client_of(world.zhang).post("/notices/read/", {"notice": notice.pk, "next": "/notices/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notices/?page=1"
    assert unread_count(world.zhang) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "__all__"), ({"notice": "abc"}, "notice"), ({"notice": "99999999999999999999"}, "notice")],
)
def test_mark_read_with_bad_input_is_400_naming_the_field(world, data, field):
    response = client_of(world.zhang).post("/notices/read/", data)
    assert response.status_code == 400
    assert field in response.content.decode()


def test_mark_read_sends_an_outside_next_home_instead(world):
    response = client_of(world.zhang).post("/notices/read/", {"all": "true", "next": "https://evil.example/"})
    assert response["Location"] == "/notices/"


def test_notices_render_in_the_readers_language(world):
    walk_to(world, "reported")
    page = client_of(world.zhang).get("/notices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All notices" in page and "Mark read" in page
