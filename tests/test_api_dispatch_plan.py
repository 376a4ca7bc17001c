"""The plan preview's two halves through the API: the 4+X rule counting every matter named in a
report, and duplicate suggestions (similar text, a shared phone, nearness) that never reveal
personal data a viewer may not see. Also the cap on parties per report."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case, Category, Clarity, KeywordRule
from cases.selectors import DUPLICATE_SIMILARITY, duplicate_candidates
from cases.services import dispatching
from cases.services.intake import MAX_PARTIES, PartyInput, case_report
from cases.services.lifecycle import Invalid
from tests.api_helpers import assert_error, get, post
from tests.test_api_intake import PAYLOADS, client_with
from workstation.models import Department, StationDepartment, User

pytestmark = pytest.mark.django_db

RESTAURANT = {"title": "底商餐馆油烟直排", "description": "紫金凰小区底商餐馆油烟直排，还在后院违章搭建了彩钢棚"}


def file_report(w, user=None, **fields):
    payload = {"station": w.station.pk, "grid": w.grid.pk, **fields}
    response = post(user or w.wang, "/api/cases/", payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def plan_preview(user, case_id: int) -> dict:
    response = get(user, f"/api/cases/{case_id}/dispatch-plan/")
    assert response.status_code == 200, response.json()
    return response.json()


# --- The 4+X rule: every matter in the text counts --------------------------------------------


def test_fumes_and_an_illegal_extension_go_jointly_to_both_owners(world):
    w = world
    ecology = Department.objects.create(code="ecology", name="生态环境分局")
    officer = User.objects.create_user("yangfan", password="Demo@2026", display_name="杨帆")
    StationDepartment.objects.create(station=w.station, department=ecology, presence="liaison", liaison_officer=officer)
    pollution = Category.objects.create(code="pollution", name="环境污染", owner=ecology, clarity=Clarity.BLURRED)
    pollution.co_departments.set([w.dept.enforcement])
    KeywordRule.objects.create(category=pollution, keyword="油烟", weight=3)

    case_id = file_report(w, **RESTAURANT)
    dispatching.case_accept(case_id, actor=w.zhang)
    plan = plan_preview(w.zhang, case_id)["plan"]

    assert (plan["mode"], plan["category"]["code"], plan["lead"]["code"]) == ("joint", "pollution", "ecology")
    assert [d["code"] for d in plan["co"]] == ["enforcement"]
    assert plan["summons"] == [{"department_id": ecology.pk, "liaison_officer_id": officer.pk}]
    assert "情况描述还涉及「违章搭建」（主责「综合行政执法局」）：关键词「搭建」，跨部门联合管。" in plan["reasons"]

    response = post(w.zhang, f"/api/cases/{case_id}/dispatch/", {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {(a["department"]["code"], a["role"]) for a in body["assignments"]} == {
        ("ecology", "lead"),
        ("enforcement", "co"),
    }
    # The stored plan says the keywords chose the category, not the reporter.
    assert body["dispatch_plan"]["suggestion"]["matched"] == ["油烟"]
    assert body["dispatch_plan"]["reasons"][0].startswith("根据关键词「油烟」建议类别「环境污染」")
    assert body["dispatch_plan"]["reasons"] == plan["reasons"]


# --- Duplicates: similar text ------------------------------------------------------------------


def test_the_same_report_filed_twice_is_suggested_with_a_score(world):
    w = world
    report = {"title": "紫金凰小区北门消防通道堵塞", "description": "北门消防通道停满私家车，消防车无法进入"}
    first = file_report(w, **report)
    again = file_report(w, **report)

    duplicates = plan_preview(w.zhang, again)["duplicates"]

    assert [(d["case"]["id"], d["reasons"], d["score"]) for d in duplicates] == [
        (first, ["标题和情况描述相似（相似度 100%）"], 1.0)
    ]


def test_suggestions_by_score_then_time_and_unrelated_reports_left_out(world):
    w = world
    description = "紫金凰小区3幢楼上空调外机夜间噪音大、冷凝水滴落在楼下窗台"
    copy = file_report(w, title="空调外机噪音扰民", description=description)
    retitled = file_report(w, title="楼上空调滴水", description=description)
    file_report(w, title="小区电梯停运", description="8幢电梯停运一个月，物业公司称维修资金不足")
    case_id = file_report(w, title="空调外机噪音扰民", description=description)

    duplicates = plan_preview(w.zhang, case_id)["duplicates"]

    assert [d["case"]["id"] for d in duplicates] == [copy, retitled]
    assert duplicates[0]["score"] == 1.0
    assert DUPLICATE_SIMILARITY <= duplicates[1]["score"] < 1.0


def test_text_similarity_only_within_the_window_and_the_station(world):
    w = world
    report = {"title": "河道漂浮垃圾", "description": "振兴河紫金凰段水面大量漂浮垃圾"}
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=8), tick=False):
        too_old = case_report(actor=w.wang, station=w.station, grid=w.grid, **report)
    elsewhere = case_report(actor=w.outsider, station=w.other_station, **report)
    here = case_report(actor=w.wang, station=w.station, grid=w.grid, **report)

    found = [s.case for s in duplicate_candidates(here)]

    assert too_old not in found
    assert elsewhere not in found


# --- Duplicates resting on personal data ------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_it"),
    [("zhang", True), ("wang", False), ("lingdao", False), ("zhifa", False)],
)
def test_a_shared_phone_is_told_only_to_who_sees_both_phones(world, persona, sees_it):
    w = world
    # The chief registers a walk-in in wang's grid: wang may read it, with the phone masked.
    walk_in = case_report(
        actor=w.zhang,
        station=w.station,
        grid=w.grid,
        category=w.neighbour,
        source="walk_in",
        title="楼上漏水",
        description="卫生间漏水到楼下",
        parties=[PartyInput(name="陈某", phone="13911112222")],
    )
    # Another report, worded otherwise, naming a guessed phone.
    guess = case_report(
        actor=w.wang,
        station=w.station,
        grid=w.grid,
        category=w.neighbour,
        title="狗叫扰民",
        description="邻居家的狗整夜叫",
        parties=[PartyInput(name="某某", phone="13911112222")],
    )
    dispatching.case_accept(guess.pk, actor=w.zhang)
    dispatching.case_dispatch(guess.pk, actor=w.zhang)  # zhifa's department now works on it

    duplicates = plan_preview(getattr(w, persona), guess.pk)["duplicates"]

    expected = [(walk_in.pk, ["同一类别，且当事人联系电话相同"])] if sees_it else []
    assert [(d["case"]["id"], d["reasons"]) for d in duplicates] == expected


def test_a_hidden_phone_leaves_the_other_reasons_and_their_score(world):
    w = world
    report = {"title": "楼道堆物", "description": "3幢楼道堆放杂物堵塞通道", "category": w.neighbour}
    parties = [PartyInput(name="陈某", phone="13911112222")]
    first = case_report(actor=w.zhang, station=w.station, grid=w.grid, source="walk_in", parties=parties, **report)
    again = case_report(actor=w.wang, station=w.station, grid=w.grid, parties=parties, **report)

    seen_by_chief = duplicate_candidates(again, viewer=w.zhang)
    seen_by_grid_worker = duplicate_candidates(again, viewer=w.wang)

    assert [(s.case, len(s.reasons)) for s in seen_by_chief] == [(first, 2)]
    assert [(s.case, s.reasons, s.score) for s in seen_by_grid_worker] == [
        (first, ("标题和情况描述相似（相似度 100%）",), 1.0)
    ]


# --- At most MAX_PARTIES parties per report ----------------------------------------------------


def parties(count: int) -> list[dict]:
    return [{"name": f"当事人{i}", "phone": f"139{i:08d}"} for i in range(count)]


def test_a_report_with_too_many_parties_is_refused_and_stores_nothing(world):
    w = world
    payload = {"station": w.station.pk, "grid": w.grid.pk, "title": "聚集", "description": "多人聚集"}

    body = assert_error(
        post(w.wang, "/api/cases/", {**payload, "parties": parties(MAX_PARTIES + 1)}, format="json"), 400, "invalid"
    )

    assert body["errors"] == {"parties": [f"一件事件最多登记{MAX_PARTIES}名当事人"]}
    assert not Case.objects.exists()
    response = post(w.wang, "/api/cases/", {**payload, "parties": parties(MAX_PARTIES)}, format="json")
    assert response.status_code == 201, response.json()


def test_an_intake_push_with_too_many_parties_is_refused(world):
    from demo.tokens import ensure_intake_accounts

    key = ensure_intake_accounts()["intake-four-platforms"]
    many = [{"name": p["name"], "mobile": p["phone"]} for p in parties(MAX_PARTIES + 1)]

    response = client_with(key).post(
        "/api/intake/four-platforms/", {**PAYLOADS["four-platforms"], "parties": many}, format="json"
    )

    body = assert_error(response, 400, "invalid")
    assert list(body["errors"]) == ["parties"]
    assert not Case.objects.exists()


def test_the_service_refuses_too_many_parties(world):
    w = world
    too_many = [PartyInput(name=p["name"], phone=p["phone"]) for p in parties(MAX_PARTIES + 1)]

    with pytest.raises(Invalid) as refused:
        case_report(actor=w.wang, station=w.station, grid=w.grid, title="聚集", description="多人", parties=too_many)

    assert list(refused.value.errors) == ["parties"]
    assert not Case.objects.exists()
