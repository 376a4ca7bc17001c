"""The chief's decisions (审批) and the supervision board (督办台): issue 11, items 3 and 4.

Scope through the one gate (a chief their station, a leader the district), every decision and
挂牌督办 through the case page's action forms posting to ``cases:act``, query counts flat in rows.
"""

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from cases.models import Extension, ReturnRequest, Supervision
from cases.services import dispatching, handling
from cases.services.intake import case_report
from cases.services.sweep import sweep_deadlines
from tests.personas import report_ac_dispute, walk_to
from tests.test_pages import client_of
from workstation.models import Grid

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=SH)
# Reported Monday 09:00, accept within 2 working hours: red at 11:00, escalated Tuesday 11:00.
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, tzinfo=SH)
WEDNESDAY = dt.datetime(2026, 11, 25, 9, tzinfo=SH)
# Dispatched Monday 09:00, handle within 5 working days: red from the next Monday 09:00.
NEXT_MONDAY = dt.datetime(2026, 11, 30, 10, tzinfo=SH)

# session, user, memberships (scope) and their grids, top bar posts, bell count and latest, page count, page
# rows, their pending returns, extensions and holds, their latest events.
QUERIES_OF_THE_DECISIONS = 13
# session, user, memberships and their grids, top bar posts, bell count and latest, the filters' departments,
# grids and categories, page count, page rows, counts per rung, counts per department.
QUERIES_OF_THE_BOARD = 14


@pytest.fixture(autouse=True)
def calendar_2026(db):
    call_command("seed_calendar", years="2026", stdout=StringIO())


def rows_of(page: str) -> int:
    return page.count('class="case-row')


def main_of(response) -> str:
    """The page below the top bar (whose notices name cases too)."""
    page = response.content.decode()
    return page[page.index("<main>") :]


def other_station_case(w, title="和兴社区楼道堆物"):
    """A case at the other station, filed there by its chief (a walk-in)."""
    grid = Grid.objects.get_or_create(station=w.other_station, code="HX-1", defaults={"name": "和兴第一网格"})[0]
    return case_report(
        actor=w.outsider, station=w.other_station, grid=grid, title=title, description="楼道堆放杂物，存在消防隐患"
    )


def sweep(moment):
    with time_machine.travel(moment, tick=False):
        sweep_deadlines()


# --- 审批 --------------------------------------------------------------------------------------


def three_requests(w):
    """A return, an extension and a hold request, each on its own case, by the lead (调解)."""
    returned, extended, held = (walk_to(w, "in_progress") for _ in range(3))
    handling.return_request(returned.pk, actor=w.tiaojie, reason="不属于调解职责，应由执法主办")
    due = extended.handle_due_at + dt.timedelta(days=7)
    handling.extension_request(extended.pk, actor=w.tiaojie, requested_due_at=due, reason="当事人外出，需延期调解")
    handling.hold_request(held.pk, actor=w.tiaojie, reason="等待法院判决")
    return returned, extended, held


def test_chief_sees_each_pending_request_with_reason_history_and_a_decision_form(world):
    returned, extended, held = three_requests(world)
    response = client_of(world.zhang).get("/decisions/")
    page = main_of(response)
    assert response.status_code == 200
    assert rows_of(page) == 3
    for case in (returned, extended, held):
        assert case.number in page and f'href="/cases/{case.pk}/"' in page
    assert "不属于调解职责，应由执法主办" in page and "当事人外出，需延期调解" in page and "等待法院判决" in page
    assert "人民调解委员会" in page and "申请延至" in page
    assert "最近流转" in page and "签收" in page  # the case's latest events
    request = ReturnRequest.objects.get(case=returned)
    assert f'action="/cases/{returned.pk}/decide_return/"' in page
    assert f'action="/cases/{extended.pk}/decide_extension/"' in page
    assert f'action="/cases/{held.pk}/decide_hold/"' in page
    assert f'<option value="{request.pk}"' in page
    # one form per request, each with ids of its own
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_refusing_from_the_list_keeps_the_case_with_the_department_and_leaves_the_list(world):
    returned, _extended, _held = three_requests(world)
    request = ReturnRequest.objects.get(case=returned)
    chief = client_of(world.zhang)
    response = chief.post(
        f"/cases/{returned.pk}/decide_return/",
        {"request_id": request.pk, "note": "请继续调解", "expected_status": "in_progress"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("refused", "请继续调解")
    page = main_of(chief.get("/decisions/"))
    assert returned.number not in page and rows_of(page) == 2


def test_a_decision_taken_on_the_list_comes_back_to_the_list(world):
    """Each form of the list sends the list's own address as ``next``: the chief decides one
    request after another without leaving it (a plain post, and htmx's redirect)."""
    returned, extended, _held = three_requests(world)
    chief = client_of(world.zhang)
    page = main_of(chief.get("/decisions/?page=1"))
    assert page.count('<input type="hidden" name="next" value="/decisions/?page=1">') == 3
    request = ReturnRequest.objects.get(case=returned)
    response = chief.post(
        f"/cases/{returned.pk}/decide_return/",
        {"request_id": request.pk, "note": "请继续调解", "expected_status": "in_progress", "next": "/decisions/"},
    )
    assert (response.status_code, response["Location"]) == (302, "/decisions/")
    extension = Extension.objects.get(case=extended)
    response = chief.post(
        f"/cases/{extended.pk}/decide_extension/",
        {"request_id": extension.pk, "approve": "true", "expected_status": "in_progress", "next": "/decisions/"},
        headers={"HX-Request": "true", "HX-Target": f"act-decide_extension-{extension.pk}"},
    )
    assert response["HX-Redirect"] == "/decisions/"


def test_a_refusal_without_its_note_is_shown_in_place_with_the_input_kept(world):
    _returned, extended, _held = three_requests(world)
    request = Extension.objects.get(case=extended)
    response = client_of(world.zhang).post(
        f"/cases/{extended.pk}/decide_extension/",
        {"request_id": request.pk, "note": "", "expected_status": "in_progress"},
        headers={"HX-Request": "true", "HX-Target": f"act-decide_extension-{request.pk}"},
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.parametrize("person", ["outsider", "lingdao", "tiaojie", "wang"])
def test_nobody_but_the_stations_chief_sees_its_requests(world, person):
    returned, _extended, _held = three_requests(world)
    page = main_of(client_of(getattr(world, person)).get("/decisions/"))
    assert returned.number not in page and rows_of(page) == 0


@pytest.mark.parametrize("rows", [10, 50])
def test_decisions_query_count_does_not_grow_with_rows(world, rows, django_assert_num_queries):
    for i in range(rows):
        case = walk_to(world, "in_progress") if i < 3 else None
        if case is None:
            case = dispatching.case_dispatch(
                dispatching.case_accept(report_ac_dispute(world, title=f"噪音 {i}").pk, actor=world.zhang).pk,
                actor=world.zhang,
            )
            handling.assignment_sign(case.pk, actor=world.tiaojie)
        handling.return_request(case.pk, actor=world.tiaojie, reason=f"理由 {i}")
    chief = client_of(world.zhang)
    chief.get("/decisions/")  # the calendar is loaded once per process
    with django_assert_num_queries(QUERIES_OF_THE_DECISIONS):
        response = chief.get("/decisions/?page=1")
    assert rows_of(response.content.decode()) == min(rows, 20)


# --- 督办台 ------------------------------------------------------------------------------------


def test_a_case_turns_red_on_the_board_when_the_clock_passes_its_due_time(world):
    with time_machine.travel(MONDAY, tick=False):
        case = report_ac_dispute(world)
    chief = client_of(world.zhang)
    with time_machine.travel(MONDAY + dt.timedelta(minutes=30), tick=False):
        assert case.number not in main_of(chief.get("/board/"))
    sweep(MONDAY_NOON)
    with time_machine.travel(MONDAY_NOON, tick=False):
        page = main_of(chief.get("/board/"))
    assert case.number in page and "ladder-red" in page and "超期" in page and "已超期" in page
    assert f'href="/cases/{case.pk}/#supervision"' in page


def test_chief_sees_their_station_and_a_leader_the_district(world):
    with time_machine.travel(MONDAY, tick=False):
        ours, theirs = report_ac_dispute(world), other_station_case(world)
    sweep(WEDNESDAY)
    with time_machine.travel(WEDNESDAY, tick=False):
        chief = main_of(client_of(world.zhang).get("/board/"))
        other = main_of(client_of(world.outsider).get("/board/"))
        leader = main_of(client_of(world.lingdao).get("/board/"))
        handler = main_of(client_of(world.tiaojie).get("/board/"))
    assert ours.number in chief and theirs.number not in chief
    assert theirs.number in other and ours.number not in other
    assert ours.number in leader and theirs.number in leader
    assert rows_of(handler) == 0
    assert "升级督办" in chief


def board_of_two_departments(w):
    """Two dispatched cases past their handling time: one joint (调解 leads, 执法 and 公安 co), one
    for 市场监管 alone; and one reported case past its acceptance time."""
    with time_machine.travel(MONDAY, tick=False):
        joint = walk_to(w, "dispatched")
        market = report_ac_dispute(
            w, title="预付卡退款纠纷", description="理发店关门，预付卡无法退款", category=w.consumer
        )
        market = dispatching.case_dispatch(dispatching.case_accept(market.pk, actor=w.zhang).pk, actor=w.zhang)
        reported = report_ac_dispute(w, title="楼道噪音")
    sweep(NEXT_MONDAY)
    return joint, market, reported


def test_board_filters_by_department_rung_and_grid_and_counts_per_department(world):
    joint, market, reported = board_of_two_departments(world)
    with time_machine.travel(NEXT_MONDAY, tick=False):
        chief = client_of(world.zhang)  # signed in then: an idle session ends after 2 h
        page = main_of(chief.get("/board/"))
        by_market = main_of(chief.get(f"/board/?department={world.dept.market.pk}"))
        by_grid = main_of(chief.get(f"/board/?grid={world.other_grid.pk}"))
        partial = chief.get(
            f"/board/?category={world.consumer.pk}", headers={"HX-Request": "true", "HX-Target": "board-list"}
        ).content.decode()
    assert rows_of(page) == 3
    assert market.number in by_market and joint.number not in by_market and reported.number not in by_market
    assert rows_of(by_grid) == 0
    assert market.number in partial and joint.number not in partial and "<html" not in partial
    table = page[page.index('class="by-department"') : page.index("</table>")]
    for name in ("人民调解委员会", "综合行政执法局", "公安分局", "市场监管局"):
        assert f'<th scope="row">{name}</th>' in table
    assert "人力社保局" not in table


def test_the_board_pages_in_its_order_the_earliest_due_first(world):
    with time_machine.travel(MONDAY, tick=False):
        cases = []
        for i in range(23):  # filed a minute apart: due a minute apart
            with time_machine.travel(MONDAY + dt.timedelta(minutes=i), tick=False):
                cases.append(report_ac_dispute(world, title=f"空调外机纠纷 {i}"))
    sweep(NEXT_MONDAY)
    with time_machine.travel(NEXT_MONDAY, tick=False):
        chief = client_of(world.zhang)
        pages = [main_of(chief.get(f"/board/?page={n}")) for n in (1, 2)]
    shown = [number for page in pages for number in re.findall(r'<span class="number">([^<]+)</span>', page)]
    assert shown == [case.number for case in cases]


@pytest.mark.parametrize("query", ["grid=abc", "department=0", "ladder=purple"])
def test_a_bad_filter_is_400_naming_the_field(world, query):
    response = client_of(world.zhang).get(f"/board/?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_manual_supervision_from_the_board_and_the_departments_answer_on_the_case(world):
    joint, _market, _reported = board_of_two_departments(world)
    with time_machine.travel(NEXT_MONDAY, tick=False):
        chief = client_of(world.zhang)  # signed in then: an idle session ends after 2 h
        page = main_of(chief.get("/board/"))
        assert f'action="/cases/{joint.pk}/supervise/"' in page
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids))
        response = chief.post(
            f"/cases/{joint.pk}/supervise/", {"message": "请今日内签收并联系当事人", "expected_status": "dispatched"}
        )
        assert response.status_code == 302
        supervision = Supervision.objects.get(case=joint, level="manual")
        handling.assignment_sign(joint.pk, actor=world.tiaojie)
        from cases.services.supervision import supervision_respond

        supervision_respond(joint.pk, actor=world.tiaojie, supervision_id=supervision.pk, response="已签收，明日上门")
        case_page = chief.get(f"/cases/{joint.pk}/").content.decode()
    section = case_page[case_page.index('id="supervision"') :]
    assert "请今日内签收并联系当事人" in section and "已签收，明日上门" in section


def test_nav_links_by_role(world):
    chief = client_of(world.zhang).get("/").content.decode()
    leader = client_of(world.lingdao).get("/").content.decode()
    handler = client_of(world.tiaojie).get("/").content.decode()
    assert 'href="/decisions/"' in chief and 'href="/board/"' in chief
    assert 'href="/decisions/"' not in leader and 'href="/board/"' in leader
    assert 'href="/board/"' not in handler and 'href="/decisions/"' not in handler


@pytest.mark.parametrize("rows", [10, 50])
def test_board_query_count_does_not_grow_with_rows(world, rows, django_assert_num_queries):
    with time_machine.travel(MONDAY, tick=False):
        for i in range(rows):
            case = report_ac_dispute(world, title=f"空调外机纠纷 {i}")
            if i % 2:
                dispatching.case_dispatch(dispatching.case_accept(case.pk, actor=world.zhang).pk, actor=world.zhang)
    sweep(NEXT_MONDAY)
    with time_machine.travel(NEXT_MONDAY, tick=False):
        chief = client_of(world.zhang)  # signed in then: an idle session ends after 2 h
        chief.get("/board/")  # the calendar is loaded once per process
        with django_assert_num_queries(QUERIES_OF_THE_BOARD):
            response = chief.get("/board/?page=1")
    assert rows_of(response.content.decode()) == min(rows, 20)
