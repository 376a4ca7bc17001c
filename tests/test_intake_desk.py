"""The intake desk (issue 11 item 1): a chief's queue of new reports by acceptance deadline,
the chosen one beside its possible duplicates, accept / reject / merge from the desk through the
case page's action view, filters in place, the gate, and a query count flat in the rows."""

import re

import pytest
from django.test import Client

from cases.models import Case, CaseStatus, Source
from tests.personas import report_ac_dispute

DESK = "/intake/"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(page: str) -> list[str]:
    return re.findall(r'<a class="title" href="\?(?:[^"]*&amp;)?case=(\d+)">', page)


def test_desk_lists_the_stations_new_reports_by_acceptance_deadline(world):
    first = report_ac_dispute(world, title="紫金凰小区空调外机噪音纠纷 一")
    second = report_ac_dispute(world, title="紫金凰小区空调外机噪音纠纷 二", urgency="urgent")
    accepted = report_ac_dispute(world, title="已受理的报告")
    client_of(world.zhang).post(f"/cases/{accepted.pk}/accept/", {"expected_status": "reported"})
    page = client_of(world.zhang).get(DESK).content.decode()
    expected = sorted([first, second], key=lambda c: Case.objects.get(pk=c.pk).accept_due_at)
    assert rows_of(page) == [str(c.pk) for c in expected]
    assert "受理期限" in page and "工作小时" in page
    assert 'tabindex="0"' in page and "js/intake-desk.js" in page


def test_only_a_chief_has_the_desk_and_only_their_stations_reports(world):
    report_ac_dispute(world)
    assert client_of(world.tiaojie).get(DESK).status_code == 403
    assert client_of(world.wang).get(DESK).status_code == 403
    assert rows_of(client_of(world.outsider).get(DESK).content.decode()) == []
    assert "受理台" in client_of(world.zhang).get("/").content.decode()
    assert "受理台" not in client_of(world.tiaojie).get("/").content.decode()


def test_chosen_report_shows_duplicates_side_by_side_and_merges_with_a_reason(world):
    older = report_ac_dispute(world)
    newer = report_ac_dispute(world)
    chief = client_of(world.zhang)
    page = chief.get(f"{DESK}?case={newer.pk}").content.decode()
    assert "可能重复" in page and older.number in page and "相似度" in page
    assert 'id="act-accept"' in page and 'id="act-reject"' in page

    merged = chief.post(
        f"/cases/{newer.pk}/merge/",
        {"into_id": older.pk, "reason": "同一纠纷重复上报", "expected_status": "reported", "next": DESK},
    )
    assert merged.status_code == 302 and merged["Location"] == DESK
    newer.refresh_from_db()
    assert newer.status == CaseStatus.MERGED and newer.duplicate_of_id == older.pk


def test_accept_and_reject_from_the_desk_come_back_to_it(world):
    one, two = report_ac_dispute(world), report_ac_dispute(world, title="另一件事")
    chief = client_of(world.zhang)
    done = chief.post(f"/cases/{one.pk}/accept/", {"expected_status": "reported", "next": DESK})
    assert done.status_code == 302 and done["Location"] == DESK
    refused = chief.post(f"/cases/{two.pk}/reject/", {"reason": "", "expected_status": "reported", "next": DESK})
    assert refused.status_code == 400 and 'name="next" value="/intake/"' in refused.content.decode()
    done = chief.post(f"/cases/{two.pk}/reject/", {"reason": "不属于受理范围", "expected_status": "reported"})
    assert done["Location"] == f"/cases/{two.pk}/"
    assert rows_of(chief.get(DESK).content.decode()) == []


def test_next_elsewhere_is_ignored(world):
    case = report_ac_dispute(world)
    done = client_of(world.zhang).post(
        f"/cases/{case.pk}/accept/", {"expected_status": "reported", "next": "https://evil.example/"}
    )
    assert done["Location"] == f"/cases/{case.pk}/"


def test_filters_in_place_and_bad_filters_are_400(world):
    grid = report_ac_dispute(world)
    hotline = report_ac_dispute(world, title="12345 转来的报告", source=Source.HOTLINE_12345, actor=None)
    chief = client_of(world.zhang)
    fragment = chief.get(DESK, {"source": "12345"}, headers={"HX-Request": "true", "HX-Target": "intake-list"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section id="intake-list"') and rows_of(body) == [str(hotline.pk)]
    assert rows_of(chief.get(DESK, {"grid": world.grid.pk}).content.decode()) == [str(grid.pk), str(hotline.pk)]
    assert chief.get(DESK, {"urgency": "nonsense"}).status_code == 400
    assert chief.get(DESK, {"case": "x"}).status_code == 400


QUERIES_OF_THE_DESK = 11


@pytest.mark.parametrize("rows", [10, 50])
def test_desk_query_count_does_not_grow_with_rows(world, rows, django_assert_num_queries):
    for i in range(rows):
        report_ac_dispute(world, title=f"空调外机纠纷 {i}")
    chief = client_of(world.zhang)
    chief.get(DESK)  # the calendar is loaded once per process
    with django_assert_num_queries(QUERIES_OF_THE_DESK):
        response = chief.get(f"{DESK}?page=1")
    assert response.content.decode().count("case-row intake-row") == min(rows, 20)


# --- Dispatch by the plan on the case page (item 2) -------------------------------------------


def accepted(world, **extra) -> Case:
    case = report_ac_dispute(world, **extra)
    client_of(world.zhang).post(f"/cases/{case.pk}/accept/", {"expected_status": "reported"})
    return case


def test_accepted_case_shows_the_plan_and_dispatches_by_it_in_one_click(world):
    case = accepted(world)
    chief = client_of(world.zhang)
    page = chief.get(f"/cases/{case.pk}/").content.decode()
    assert "4+X 分拨方案" in page and "联合管" in page and "人民调解委员会" in page
    assert "综合行政执法局" in page and "按方案分拨" in page
    assert 'id="act-dispatch"' not in page  # the plan's forms take the generic one's place
    assert 'id="act-dispatch"' not in client_of(world.tiaojie).get(f"/cases/{case.pk}/").content.decode()
    done = chief.post(f"/cases/{case.pk}/dispatch/", {"expected_status": "accepted"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and case.lead_department_id == world.dept.mediation.pk
    assert case.dispatch_override is None


def test_override_needs_a_reason_and_is_shown_beside_the_plan_for_good(world):
    case = accepted(world)
    chief = client_of(world.zhang)
    override = {
        "expected_status": "accepted",
        "lead_id": world.dept.police.pk,
        "co_ids": [world.dept.mediation.pk],
        "reason": "",
    }
    refused = chief.post(f"/cases/{case.pk}/dispatch/", override)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "调整分拨方案须说明理由" in body
    assert f'<option value="{world.dept.police.pk}" selected>' in body  # the chosen lead kept
    done = chief.post(f"/cases/{case.pk}/dispatch/", {**override, "reason": "涉及治安，由公安牵头"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.lead_department_id == world.dept.police.pk
    chief.post(f"/cases/{case.pk}/sign/", {"expected_status": "dispatched"})
    page = client_of(world.gongan).get(f"/cases/{case.pk}/").content.decode()
    assert "站长调整了方案" in page and "涉及治安，由公安牵头" in page
    assert re.search(r"<th scope=\"row\">主办部门</th><td>人民调解委员会</td><td>公安分局</td>", page)


def test_a_case_without_a_category_is_not_dispatched_until_one_is_chosen(world):
    case = accepted(world, title="小区路灯不亮", description="夜间出行不便")
    chief = client_of(world.zhang)
    page = chief.get(f"/cases/{case.pk}/").content.decode()
    assert "须先选择类别才能分拨" in page and "按方案分拨</button>" not in page
    refused = chief.post(f"/cases/{case.pk}/dispatch/", {"expected_status": "accepted"})
    assert refused.status_code == 400 and "请选择类别" in refused.content.decode()
    done = chief.post(f"/cases/{case.pk}/dispatch/", {"expected_status": "accepted", "category_id": world.building.pk})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and case.category_id == world.building.pk
