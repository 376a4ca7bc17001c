"""Cases through the API: filing, scope (404 out of it), masking, the plan preview, nested lists,
files behind the gate, and the error shape for 400 and 409."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case, CaseEvent, Party
from cases.services import dispatching, handling, supervision
from tests.api_helpers import assert_error, client_for, get, post
from tests.personas import report_ac_dispute, walk_to
from tests.uploads import jpeg

pytestmark = pytest.mark.django_db


def report_payload(w, **extra):
    payload = {
        "station": w.station.pk,
        "grid": w.grid.pk,
        "title": "紫金凰小区楼道堆物",
        "description": "3幢楼道堆放杂物，堵塞消防通道",
        "address": "紫金凰小区3幢",
        "latitude": "30.271200",
        "longitude": "120.149800",
        "parties": [
            {"name": "赵某", "role": "respondent", "phone": "13900000009", "id_number": "330106199001191234"},
        ],
    }
    payload.update(extra)
    return payload


# --- Filing -----------------------------------------------------------------------------------


def test_grid_worker_files_a_report(world):
    w = world
    response = post(w.wang, "/api/cases/", report_payload(w))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("ZX-")
    assert body["status"] == "reported"
    assert body["reporter"]["username"] == "wang"
    # The reporter typed the party in: they see it in full.
    assert body["parties"][0]["phone"] == "13900000009"
    case = Case.objects.get(pk=body["id"])
    assert case.source == "grid"
    assert case.parties.get().id_number == "330106199001191234"
    assert CaseEvent.objects.filter(case=case, action="report").count() == 1


def test_chief_registers_a_walk_in(world):
    w = world
    payload = report_payload(w, source="walk_in", grid=None, reporter_name="钱某", reporter_phone="13700000001")
    response = post(w.zhang, "/api/cases/", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "walk_in"
    assert response.json()["reporter_phone"] == "13700000001"


def test_grid_worker_reports_only_in_own_grids(world):
    w = world
    response = post(w.wang, "/api/cases/", report_payload(w, grid=w.other_grid.pk))
    body = assert_error(response, 400, "invalid")
    assert body["errors"] == {"grid": ["只能上报您负责网格内的事件"]}
    assert not Case.objects.exists()


def test_people_without_a_station_role_cannot_report(world):
    w = world
    assert_error(post(w.shijian, "/api/cases/", report_payload(w)), 403, "forbidden")
    assert_error(post(w.outsider, "/api/cases/", report_payload(w)), 403, "forbidden")
    assert not Case.objects.exists()


def test_bad_report_gets_field_errors_and_stores_nothing(world):
    w = world
    payload = report_payload(w, title="", latitude="95", station=999999, source="110")
    payload["parties"] = [{"name": "", "id_number": "123"}]
    body = assert_error(post(w.wang, "/api/cases/", payload), 400, "invalid")
    assert set(body["errors"]) == {"station", "latitude", "source", "parties.0.name", "parties.0.id_number"}
    # A blank title passes the shape check and gets the service's own words.
    body = assert_error(post(w.wang, "/api/cases/", report_payload(w, title="  ")), 400, "invalid")
    assert body["errors"] == {"title": ["请填写标题"]}
    assert not Case.objects.exists() and not Party.objects.exists()


def test_an_id_number_with_a_wrong_check_character_is_400_naming_the_party(world):
    w = world
    payload = report_payload(w)
    payload["parties"] = [{"name": "赵某", "id_number": "330106199001191235"}]  # the check character is 4
    body = assert_error(post(w.wang, "/api/cases/", payload, format="json"), 400, "invalid")
    assert body["errors"] == {"parties.0.id_number": ["身份证号校验位不正确，请核对"]}
    payload["parties"] = [{"name": "赵某", "id_number": "330106199002301239"}]  # 30 February, check character right
    body = assert_error(post(w.wang, "/api/cases/", payload, format="json"), 400, "invalid")
    assert body["errors"] == {"parties.0.id_number": ["身份证号中的出生日期无效"]}
    assert not Case.objects.exists() and not Party.objects.exists()


# --- Scope ------------------------------------------------------------------------------------


def test_lists_show_each_persona_their_scope(world):
    w = world
    dispatched = walk_to(w, "dispatched")  # neighbour dispute: mediation leads, enforcement + police co
    reported = report_ac_dispute(w, grid=w.other_grid, actor=w.zhang, title="另一网格的事件")
    expected = {
        "zhang": {dispatched.pk, reported.pk},
        "lingdao": {dispatched.pk, reported.pk},
        "wang": {dispatched.pk},  # filed it; the other grid is not theirs
        "tiaojie": {dispatched.pk},
        "zhifa": {dispatched.pk},
        "shijian": set(),
        "outsider": set(),
    }
    seen = {p: {c["id"] for c in get(getattr(w, p), "/api/cases/").json()["results"]} for p in expected}
    assert seen == expected


@pytest.mark.parametrize("persona", ["shijian", "outsider"])
def test_out_of_scope_is_404_everywhere(world, persona):
    w = world
    case = walk_to(w, "in_progress")
    user = getattr(w, persona)
    for suffix in ["", "dispatch-plan/", "events/", "assignments/", "mediations/", "supervisions/", "summonses/"]:
        assert_error(get(user, f"/api/cases/{case.pk}/{suffix}"), 404, "not_found")
    assert_error(post(user, f"/api/cases/{case.pk}/resolve/", {"text": "x"}), 404, "not_found")


def test_a_case_that_does_not_exist_looks_the_same(world):
    w = world
    case = walk_to(w, "reported")
    missing = get(w.zhang, f"/api/cases/{case.pk + 1000}/")
    hidden = get(w.shijian, f"/api/cases/{case.pk}/")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()
    assert_error(get(w.zhang, f"/api/cases/{2**63}/"), 404)


def test_a_returned_department_loses_the_case(world):
    w = world
    case = walk_to(w, "dispatched")
    request = handling.return_request(case.pk, actor=w.zhifa, reason="不属于执法职责")
    handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=True)
    assert_error(get(w.zhifa, f"/api/cases/{case.pk}/"), 404)


# --- Personal data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "phone", "id_number"),
    [
        ("zhang", True, True),  # chief of the station
        ("tiaojie", True, True),  # lead department
        ("zhifa", True, False),  # co-department: names and phones, not ID numbers
        ("wang", True, True),  # filed it
        ("lingdao", False, False),  # leader: reads everything, needs no phone numbers
    ],
)
def test_party_data_masked_unless_needed(world, persona, phone, id_number):
    """A summary; tests/test_privacy.py has the whole table."""
    w = world
    case = walk_to(w, "dispatched")
    Party.objects.filter(case=case, name="张某").update(id_number="330106199001191234")
    body = get(getattr(w, persona), f"/api/cases/{case.pk}/").json()
    party = next(p for p in body["parties"] if p["name"] == "张某")
    assert body["pii_masked"] is not (phone and id_number)
    assert party["phone"] == ("13900000001" if phone else "139****0001")
    assert party["id_number"] == ("330106199001191234" if id_number else "330***********1234")


def test_a_grid_mate_sees_masked_data(world):
    w = world
    case = report_ac_dispute(w, actor=w.zhang)  # in wang's grid, but not filed by wang
    body = get(w.wang, f"/api/cases/{case.pk}/").json()
    assert body["my_roles"] == ["reporter"]
    assert body["pii_masked"] is True
    assert {p["phone"] for p in body["parties"]} == {"139****0001", "139****0002"}


# --- Reading a case ---------------------------------------------------------------------------


def test_detail_lists_requests_roles_and_actions(world):
    w = world
    case = walk_to(w, "in_progress")
    due = case.handle_due_at + dt.timedelta(days=2)
    extension = handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=due, reason="等待鉴定")
    body = get(w.zhang, f"/api/cases/{case.pk}/").json()
    assert [e["id"] for e in body["extensions"]] == [extension.pk]
    assert body["extensions"][0]["status"] == "pending"
    assert body["extensions"][0]["department"]["code"] == "mediation"
    assert body["my_roles"] == ["chief"]
    assert {"decide_extension", "supervise", "waive_part"} <= set(body["available_actions"])
    assert "resolve" not in body["available_actions"]
    assert {a["department"]["code"] for a in body["assignments"]} == {"mediation", "enforcement", "police"}


def test_dispatch_plan_preview_with_reasons_and_duplicates(world):
    w = world
    first = report_ac_dispute(w, category=w.neighbour)
    case = report_ac_dispute(w, category=w.neighbour, title="紫金凰小区空调外机滴水")
    dispatching.case_accept(case.pk, actor=w.zhang)
    body = get(w.zhang, f"/api/cases/{case.pk}/dispatch-plan/").json()
    plan = body["plan"]
    assert plan["mode"] == "joint"
    assert plan["lead"]["code"] == "mediation"
    assert {d["code"] for d in plan["co"]} == {"enforcement", "police"}
    assert plan["category"]["code"] == "neighbour"
    assert any("边界模糊" in r for r in plan["reasons"])
    assert plan["reasons"][0] == "上报人选定类别「邻里纠纷」。"
    assert plan["propose_mediation"] is True
    assert [d["case"]["id"] for d in body["duplicates"]] == [first.pk]
    assert body["duplicates"][0]["reasons"] == ["同一类别，且当事人联系电话相同", "标题和情况描述相似（相似度 83%）"]
    assert body["duplicates"][0]["score"] == 0.9


def test_duplicates_only_from_the_users_scope(world):
    w = world
    report_ac_dispute(w, grid=w.other_grid, actor=w.zhang, latitude=30.27, longitude=120.15)
    case = report_ac_dispute(w, latitude=30.27, longitude=120.15)
    assert len(get(w.zhang, f"/api/cases/{case.pk}/dispatch-plan/").json()["duplicates"]) == 1
    assert get(w.wang, f"/api/cases/{case.pk}/dispatch-plan/").json()["duplicates"] == []


def test_nested_lists(world):
    w = world
    case = walk_to(w, "in_progress")
    supervision.case_supervise(case.pk, actor=w.zhang, message="请加快办理")
    events = get(w.tiaojie, f"/api/cases/{case.pk}/events/").json()
    assert [e["action"] for e in events["results"]] == ["report", "accept", "dispatch", "sign", "supervise"]
    assert events["count"] == 5
    signs = get(w.tiaojie, f"/api/cases/{case.pk}/events/", {"action": "sign"}).json()
    assert [e["actor"]["username"] for e in signs["results"]] == ["tiaojie"]
    assignments = get(w.tiaojie, f"/api/cases/{case.pk}/assignments/", {"role": "co"}).json()["results"]
    assert {a["department"]["code"] for a in assignments} == {"enforcement", "police"}
    supervisions = get(w.zhifa, f"/api/cases/{case.pk}/supervisions/", {"level": "manual"}).json()["results"]
    assert [s["message"] for s in supervisions] == ["请加快办理"]
    assert get(w.zhifa, f"/api/cases/{case.pk}/mediations/").json()["results"] == []


def test_resolve_with_evidence_files_then_download_behind_the_gate(world):
    w = world
    case = walk_to(w, "in_progress")
    for co in (w.zhifa, w.gongan):
        handling.assignment_sign(case.pk, actor=co)
        handling.part_record(case.pk, actor=co, text="已配合")
    photo = SimpleUploadedFile("现场照片.jpg", jpeg(), content_type="image/jpeg")
    response = client_for(w.tiaojie).post(
        f"/api/cases/{case.pk}/resolve/", {"text": "空调外机已移位", "files": [photo]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    # Resolved, the lead's assignment is done: its need to know ends, photos with it (privacy.py).
    assert response.json()["attachments"][0]["withheld"] is True
    attachment = get(w.wang, f"/api/cases/{case.pk}/").json()["attachments"][0]
    assert attachment["purpose"] == "evidence"
    assert attachment["original_name"] == "现场照片.jpg"
    assert_error(client_for(w.tiaojie).get(attachment["download_url"]), 403)
    download = client_for(w.wang).get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"  # the photo, re-encoded
    assert_error(client_for(w.shijian).get(attachment["download_url"]), 404)


# --- Conflicts --------------------------------------------------------------------------------


def test_illegal_and_stale_transitions_are_409(world):
    w = world
    case = walk_to(w, "accepted")
    body = assert_error(post(w.zhang, f"/api/cases/{case.pk}/accept/"), 409, "illegal_transition")
    assert "待分拨" in body["message"]
    body = assert_error(
        post(w.zhang, f"/api/cases/{case.pk}/reject/", {"reason": "重复", "expected_status": "reported"}),
        409,
        "stale",
    )
    assert "请刷新" in body["message"]
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_service_field_errors_come_through(world):
    w = world
    case = walk_to(w, "accepted")
    body = assert_error(post(w.zhang, f"/api/cases/{case.pk}/dispatch/", {"lead_id": w.dept.hrss.pk}), 400, "invalid")
    assert body["errors"] == {"reason": ["调整分拨方案须说明理由"]}
    body = assert_error(post(w.zhang, f"/api/cases/{case.pk}/dispatch/", {"co_ids": ["x"]}), 400, "invalid")
    assert "co_ids.0" in body["errors"]


def test_dispatch_with_an_override(world):
    w = world
    case = walk_to(w, "accepted")
    due = (timezone.now() + dt.timedelta(days=10)).isoformat()
    response = post(
        w.zhang,
        f"/api/cases/{case.pk}/dispatch/",
        {
            "co_ids": [w.dept.police.pk],
            "handle_due_at": due,
            "reason": "执法部门已在另案处理",
            "expected_status": "accepted",
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {a["department"]["code"] for a in body["assignments"]} == {"mediation", "police"}
    assert body["dispatch_override"]["reason"] == "执法部门已在另案处理"


# --- Queries ----------------------------------------------------------------------------------


def as_a_new_request(user):
    """The user as a request loads them: nothing read about them yet."""
    return type(user).objects.get(pk=user.pk)


def test_the_case_detail_reads_the_users_roles_once(world, django_assert_num_queries):
    """Scope (2), the gated case (1), its parties, attachments, assignments and summonses (4), the
    roles (2: assignments, open summonses), return, extension and hold requests (3), the facts for
    the actions (2), and the view log's one INSERT (cases.viewlog); the need-to-know policy reads
    the rows already loaded."""
    w = world
    case = walk_to(w, "in_progress")
    tiaojie = as_a_new_request(w.tiaojie)
    with django_assert_num_queries(15):
        response = get(tiaojie, f"/api/cases/{case.pk}/")
    assert response.status_code == 200
    assert response.json()["my_roles"] == ["lead", "mediator"]


def test_an_action_asks_the_roles_under_its_lock_and_again_for_the_detail_it_answers(world, django_assert_num_queries):
    """The gate only sees (no roles); the transition reads them under the case's lock; the
    detail after the action reads them again, as the action left them (plus the view log's one
    INSERT for the detail it answers)."""
    w = world
    case = walk_to(w, "dispatched")
    zhifa = as_a_new_request(w.zhifa)
    with django_assert_num_queries(26):
        response = post(zhifa, f"/api/cases/{case.pk}/sign/")
    assert response.status_code == 200, response.json()
    assert response.json()["my_roles"] == ["co"]


@pytest.mark.parametrize("who", ["wang", "zhang"])
def test_the_filing_answer_is_the_detail_read_back_byte_for_byte(world, who):
    """Filing answers from what it wrote (no read-back of the new case's empty rows): the body is
    exactly what ``GET /api/cases/<id>/`` then returns to the same user."""
    w = world
    user = getattr(w, who)
    extra = {"category": w.neighbour.pk, "urgency": "urgent"} if who == "zhang" else {}
    if who == "zhang":
        extra |= {"source": "walk_in", "grid": None, "reporter_name": "钱某", "reporter_phone": "13700000001"}
    payload = report_payload(w, **extra)
    payload["parties"].append({"name": "孙某", "role": "complainant", "phone": "13900000010"})
    client = client_for(user)
    filed = client.post("/api/cases/", payload, format="json")
    assert filed.status_code == 201, filed.json()
    read = client.get(f"/api/cases/{filed.json()['id']}/")
    assert read.status_code == 200
    assert filed.content == read.content
