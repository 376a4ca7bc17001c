"""The plan preview's two halves through the API: the 4+X rule counting every matter named in a
report, and duplicate suggestions (similar text, a shared phone, nearness) that never reveal
personal data a viewer may not see. Also the cap on parties per report."""

import pytest

from cases.models import Category, Clarity, KeywordRule
from cases.services import dispatching
from tests.api_helpers import get, post
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
