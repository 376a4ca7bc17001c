"""The department inbox (部门待办): tabs with counts and countdowns, scoped to the user's
departments; signing from the list moves the row; a liaison officer's summonses."""

import re

import pytest

from cases import selectors_inbox
from cases.models import Summons
from cases.services import dispatching
from tests.personas import report_ac_dispute, walk_to
from tests.test_pages import client_of

# session, user, memberships and their grids (scope), page count, tab counts, page rows, open
# summonses, bell count and latest, top bar posts: 11 whatever the number of rows.
QUERIES_OF_THE_INBOX = 11


TAB = re.compile(r'class="tab[^"]*"[^>]*>(\S+) <span class="count">(\d+\+?)</span>')


def tab_counts(html: str) -> dict[str, int | str]:
    return {label: n if n.endswith("+") else int(n) for label, n in TAB.findall(html)}


def rows(html: str) -> int:
    return html.count('class="case-row')


def test_a_mediator_lands_on_the_inbox_with_counts_and_the_sign_countdown(world):
    case = walk_to(world, "dispatched")
    walk_to(world, "closed")
    page = client_of(world.tiaojie).get("/").content.decode()
    assert "部门待办" in page
    assert tab_counts(page) == {"待签收": 1, "办理中": 0, "待反馈": 0, "已办结": 1}
    assert case.title in page and "签收期限" in page and "剩余" in page and 'class="case-row ladder-none' in page
    assert 'id="row-sign-' in page and f'action="/cases/{case.pk}/sign/"' in page


def test_the_closed_tab_counts_only_as_far_as_its_cap(world, monkeypatch):
    monkeypatch.setattr(selectors_inbox, "CLOSED_COUNT_CAP", 1)
    walk_to(world, "dispatched")
    mediator = client_of(world.tiaojie)
    walk_to(world, "closed")
    assert tab_counts(mediator.get("/inbox/").content.decode())["已办结"] == 1
    walk_to(world, "closed")
    page = mediator.get("/inbox/").content.decode()
    assert tab_counts(page) == {"待签收": 1, "办理中": 0, "待反馈": 0, "已办结": "1+"}
    assert rows(mediator.get("/inbox/?tab=closed").content.decode()) == 2


def test_each_tab_lists_its_step_and_switches_in_place(world):
    walk_to(world, "in_progress")
    walk_to(world, "resolved")
    mediator = client_of(world.tiaojie)
    fragment = mediator.get("/inbox/?tab=in_progress", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and html.lstrip().startswith('<section id="inbox"')
    assert rows(html) == 1 and "办理期限" in html and 'id="row-sign-' not in html
    assert 'aria-current="page">办理中' in html
    assert rows(mediator.get("/inbox/?tab=feedback").content.decode()) == 1
    assert rows(mediator.get("/inbox/?tab=closed").content.decode()) == 0


def test_an_unknown_tab_is_400_naming_the_field(world):
    response = client_of(world.tiaojie).get("/inbox/?tab=bogus")
    assert response.status_code == 400
    assert "标签页" in response.content.decode() and 'role="alert"' in response.content.decode()


def test_a_handler_never_sees_another_departments_cases(world):
    case = walk_to(world, "dispatched")  # lead 调解, co 执法 and 公安
    market = client_of(world.shijian).get("/").content.decode()
    assert case.number not in market and tab_counts(market)["待签收"] == 0
    assert case.number in client_of(world.zhifa).get("/").content.decode()
    assert client_of(world.zhang).get("/").content.decode().count("部门待办") == 0  # the chief keeps the work list


def test_sign_from_the_list_moves_the_row_to_the_next_tab(world):
    case = walk_to(world, "dispatched")
    mediator = client_of(world.tiaojie)
    response = mediator.post(
        f"/cases/{case.pk}/sign/",
        {"department_id": world.dept.mediation.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"row-sign-{case.assignments.get(department=world.dept.mediation).pk}",
    )
    assert response.status_code == 204 and response["HX-Trigger"] == "case-acted"
    html = mediator.get("/inbox/?tab=pending", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox").content.decode()
    assert tab_counts(html) == {"待签收": 0, "办理中": 1, "待反馈": 0, "已办结": 0}
    # signing twice (a stale list) is refused in place, nothing changes
    again = mediator.post(
        f"/cases/{case.pk}/sign/", {}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="row-sign-1"
    ).content.decode()
    assert 'role="alert"' in again


def test_sign_without_script_goes_to_the_case_page(world):
    case = walk_to(world, "dispatched")
    response = client_of(world.zhifa).post(f"/cases/{case.pk}/sign/", {})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"


def test_a_liaison_officer_sees_the_summons_and_acknowledges_then_records_arrival(world):
    case = walk_to(world, "accepted")
    co_ids = (world.dept.enforcement.pk, world.dept.police.pk, world.dept.emergency.pk)
    dispatching.case_dispatch(case.pk, actor=world.zhang, co_ids=co_ids, reason="消防通道隐患需应急管理参与")
    officer = client_of(world.yingji)
    page = officer.get("/").content.decode()
    assert "联络员召集" in page and case.title in page and "应急管理局" in page and "振兴基层治理联动工作站" in page
    summons = Summons.objects.get(case=case, liaison_officer=world.yingji)
    assert f'name="summons_id" value="{summons.pk}"' in page and "record_arrival" not in page
    target = f"row-acknowledge-summons-{summons.pk}"
    response = officer.post(
        f"/cases/{case.pk}/acknowledge_summons/",
        {"summons_id": summons.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=target,
    )
    assert response.status_code == 204
    assert f"/cases/{case.pk}/record_arrival/" in officer.get("/").content.decode()
    officer.post(f"/cases/{case.pk}/record_arrival/", {"summons_id": summons.pk})
    summons.refresh_from_db()
    assert summons.status == "arrived" and case.title not in officer.get("/").content.decode()


@pytest.mark.parametrize("count", [10, 50])
def test_inbox_query_count_does_not_grow_with_rows(world, count, django_assert_num_queries):
    for i in range(count):
        case = report_ac_dispute(world, title=f"空调外机纠纷 {i}")
        dispatching.case_accept(case.pk, actor=world.zhang)
        dispatching.case_dispatch(case.pk, actor=world.zhang)
    mediator = client_of(world.tiaojie)
    mediator.get("/")  # the calendar is loaded once per process
    with django_assert_num_queries(QUERIES_OF_THE_INBOX):
        response = mediator.get("/?page=1")
    assert rows(response.content.decode()) == min(count, 20)
