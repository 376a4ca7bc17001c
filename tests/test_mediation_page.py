"""Joint mediation on the case page (issue 11, item 6): schedule a round with departments and
outside participants, record it with attendance, outcome and the signed agreement, schedule the
next from the last; refusals keep everything typed; who may; the rounds listed in order."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import MediationSession
from cases.services import mediation
from tests.personas import walk_to

LATER = datetime(2030, 1, 7, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(user, case) -> str:
    response = client_of(user).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def form_of(page: str, label: str) -> str:
    start = page.index(f'aria-label="{label}"')
    return page[start : page.index("</form>", start)]


def checked(form: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="(\d+)"[^>]* checked>', form))


def schedule_data(w, **extra) -> dict:
    return {
        "scheduled_at": "2030-01-07T10:00",
        "place": "工作站联合调处室",
        "department_ids": [w.dept.mediation.pk, w.dept.enforcement.pk, w.dept.police.pk],
        "outside-0-role": "lawyer",
        "outside-0-name": "刘律师",
        "outside-0-organization": "示范区公共法律服务中心",
        "outside-1-role": "elder",
        "outside-1-name": "周伯明",
        "outside-1-organization": "紫金凰社区老娘舅工作室",
        "outside-2-role": "lawyer",  # the empty row the page always offers
        **extra,
    }


def test_the_schedule_form_ticks_the_assigned_departments_and_offers_the_stations_others(world):
    w = world
    form = form_of(page_of(w.tiaojie, walk_to(w, "in_progress")), "安排联合调处")
    assigned = {str(d.pk) for d in (w.dept.mediation, w.dept.enforcement, w.dept.police)}
    assert checked(form, "department_ids") == assigned
    for department in ["市场监管局", "人力社保局", "应急管理局"]:
        assert f"> {department}</label>" in form
    assert 'name="outside-0-name"' in form and "添加参与人" in form


def test_the_mediator_schedules_with_departments_and_outside_participants(world):
    w = world
    case = walk_to(w, "in_progress")
    data = schedule_data(w, department_ids=[w.dept.mediation.pk, w.dept.police.pk, w.dept.market.pk])
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/schedule_mediation/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    session = MediationSession.objects.get(case=case)
    people = [(p.role, p.name, p.organization) for p in session.participants.order_by("pk")]
    assert people == [
        ("department", "人民调解委员会", ""),
        ("department", "公安分局", ""),
        ("department", "市场监管局", ""),
        ("lawyer", "刘律师", "示范区公共法律服务中心"),
        ("elder", "周伯明", "紫金凰社区老娘舅工作室"),
    ]
    assert session.scheduled_at == LATER
    round_one = page_of(w.zhang, case)
    round_one = round_one[round_one.index('aria-labelledby="round-1"') :]
    assert "第 1 轮" in round_one and "2030-01-07 10:00" in round_one and "已排期" in round_one
    assert re.search(r"<dt>律师</dt>\s*<dd><span[^>]*>刘律师（示范区公共法律服务中心）", round_one)
    assert re.search(r"<dt>老娘舅</dt>\s*<dd><span[^>]*>周伯明", round_one)


def test_no_department_ticked_is_refused_with_everything_typed_kept(world):
    w = world
    case = walk_to(w, "in_progress")
    data = schedule_data(w)
    del data["department_ids"]
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/schedule_mediation/", data)
    assert response.status_code == 400
    form = form_of(response.content.decode(), "安排联合调处")
    assert checked(form, "department_ids") == set()
    assert re.search(r"参加部门</legend>.*请至少选择一个参加部门", form, re.S)
    assert 'value="2030-01-07T10:00"' in form and 'value="工作站联合调处室"' in form
    assert 'name="outside-0-name" value="刘律师"' in form and 'name="outside-1-name" value="周伯明"' in form
    assert 'name="outside-1-organization" value="紫金凰社区老娘舅工作室"' in form
    assert '<option value="elder" selected>' in form
    assert not MediationSession.objects.filter(case=case).exists()


def test_a_row_without_a_name_has_its_reason_beside_it_and_a_past_time_beside_the_time(world):
    w = world
    case = walk_to(w, "in_progress")
    data = schedule_data(w, **{"outside-1-name": ""})
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/schedule_mediation/", data)
    assert response.status_code == 400
    form = form_of(response.content.decode(), "安排联合调处")
    row = form[form.index('name="outside-1-role"') :]
    row = row[: row.index("</fieldset>")]
    assert "请填写参与人姓名" in row and 'value="紫金凰社区老娘舅工作室"' in row

    data = schedule_data(w, scheduled_at="2020-01-07T10:00")
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/schedule_mediation/", data)
    assert response.status_code == 400
    form = form_of(response.content.decode(), "安排联合调处")
    assert re.search(r'name="scheduled_at" value="2020-01-07T10:00" required>\s*<span class="error"', form)


def _held(w, case, outcome: str, **extra) -> MediationSession:
    session = mediation.mediation_schedule(
        case.pk,
        actor=w.tiaojie,
        scheduled_at=LATER,
        place="社区会议室",
        department_ids=[w.dept.mediation.pk, w.dept.police.pk],
        participants=[mediation.ParticipantInput(role="elder", name="周伯明", organization="老娘舅工作室")],
    )
    return mediation.mediation_record(
        case.pk, actor=w.tiaojie, session_id=session.pk, minutes="双方各执一词", outcome=outcome, **extra
    )


@pytest.mark.parametrize("outcome", ["partial", "failed"])
def test_after_a_partial_or_failed_round_the_next_is_prefilled_from_the_last(world, outcome):
    w = world
    case = walk_to(w, "in_progress")
    _held(w, case, outcome)
    page = page_of(w.tiaojie, case)
    form = form_of(page, "安排下一轮")
    assert '<details id="mediation-schedule" class="action mediation-schedule" open>' in page
    assert 'value="社区会议室"' in form and 'name="scheduled_at" value=""' in form
    assert checked(form, "department_ids") == {str(w.dept.mediation.pk), str(w.dept.police.pk)}
    assert 'name="outside-0-name" value="周伯明"' in form and 'value="老娘舅工作室"' in form

    # one click plus a new time: the form as the page filled it, with the time typed
    sent = {
        "next_round": "1",
        "scheduled_at": "2030-01-14T10:00",
        "place": "社区会议室",
        "department_ids": [w.dept.mediation.pk, w.dept.police.pk],
        "outside-0-role": "elder",
        "outside-0-name": "周伯明",
        "outside-0-organization": "老娘舅工作室",
        "outside-1-role": "lawyer",
    }
    assert client_of(w.tiaojie).post(f"/cases/{case.pk}/schedule_mediation/", sent).status_code == 302
    first, second = MediationSession.objects.filter(case=case).order_by("round_no")
    names = [[p.name for p in s.participants.order_by("pk")] for s in (first, second)]
    assert names[0] == names[1] == ["人民调解委员会", "公安分局", "周伯明"]
    assert second.place == first.place


def test_after_an_agreement_no_next_round_is_prefilled(world):
    w = world
    case = walk_to(w, "in_progress")
    _held(w, case, "agreement", agreement="李某三日内移机")
    page = page_of(w.zhang, case)
    assert 'aria-label="安排下一轮"' not in page
    assert "李某三日内移机" in page and "达成协议" in page


def test_the_mediator_records_a_round_with_attendance_and_the_agreement_document(world):
    w = world
    case = walk_to(w, "in_progress")
    session = mediation.mediation_schedule(
        case.pk,
        actor=w.tiaojie,
        scheduled_at=LATER,
        place="调解室",
        participants=[mediation.ParticipantInput(role="lawyer", name="刘律师")],
    )
    form = form_of(page_of(w.tiaojie, case), "记录调处结果")
    everyone = {str(p.pk) for p in session.participants.all()}
    assert checked(form, "attended_ids") == everyone  # ticked: who is expected
    for label in ["达成协议", "部分达成", "未达成"]:
        assert f"> {label}</label>" in form
    lawyer = session.participants.get(role="lawyer")
    came = [p.pk for p in session.participants.all() if p != lawyer]
    document = SimpleUploadedFile("调解协议书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    data = {
        "session_id": session.pk,
        "minutes": "双方同意移机",
        "outcome": "agreement",
        "agreement": "李某三日内移机",
        "attended_ids": came,
        "document": document,
    }
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/record_mediation/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    held = MediationSession.objects.get(pk=session.pk)
    assert held.outcome == "agreement" and not held.participants.get(pk=lawyer.pk).attended
    url = f"/api/cases/{case.pk}/attachments/{held.agreement_document_id}/download/"
    page = page_of(w.wang, case)  # the reporter sees the round and its document
    assert f'<a href="{url}">调解协议书.pdf</a>' in page
    assert re.search(r"刘律师 <span class=\"attendance\">未到</span>", page)
    assert client_of(w.wang).get(url).status_code == 200
    assert client_of(w.shijian).get(url).status_code == 404


def test_a_refused_record_keeps_minutes_ticks_and_outcome_and_asks_for_the_file_again(world):
    w = world
    case = walk_to(w, "in_progress")
    session = mediation.mediation_schedule(case.pk, actor=w.tiaojie, scheduled_at=LATER, place="调解室")
    first = session.participants.order_by("pk").first()
    document = SimpleUploadedFile("协议.txt", b"not a pdf", content_type="text/plain")
    data = {
        "session_id": session.pk,
        "minutes": "双方基本同意",
        "outcome": "agreement",
        "agreement": "",
        "attended_ids": [first.pk],
        "document": document,
    }
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/record_mediation/", data)
    assert response.status_code == 400
    form = form_of(response.content.decode(), "记录调处结果")
    assert ">双方基本同意</textarea>" in form
    assert checked(form, "attended_ids") == {str(first.pk)}
    assert 'value="agreement" required checked' in form
    assert re.search(r'name="agreement" rows="3"></textarea>\s*<span class="error" role="alert">达成协议时', form)
    assert "请重新选择文件" in form
    assert MediationSession.objects.get(pk=session.pk).status == "scheduled"


def test_a_round_recorded_in_another_tab_answers_refresh_with_the_input_kept(world):
    w = world
    case = walk_to(w, "in_progress")
    session = mediation.mediation_schedule(case.pk, actor=w.tiaojie, scheduled_at=LATER, place="调解室")
    mediation.mediation_record(case.pk, actor=w.zhang, session_id=session.pk, minutes="站长已记录", outcome="failed")
    data = {"session_id": session.pk, "minutes": "调解员的笔录", "outcome": "partial"}
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/record_mediation/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "案件已变化，请刷新" in page and f'<a href="/cases/{case.pk}/">' in page
    assert ">调解员的笔录</textarea>" in form_of(page, "记录调处结果")


def test_a_second_schedule_while_a_round_is_open_answers_refresh(world):
    w = world
    case = walk_to(w, "in_progress")
    mediation.mediation_schedule(case.pk, actor=w.zhang, scheduled_at=LATER, place="调解室")
    response = client_of(w.tiaojie).post(f"/cases/{case.pk}/schedule_mediation/", schedule_data(w))
    assert response.status_code == 409
    form = form_of(response.content.decode(), "安排联合调处")
    assert "案件已变化，请刷新" in form and "上一轮调处尚未记录结果" in form
    assert 'name="outside-0-name" value="刘律师"' in form
    assert MediationSession.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("persona", "offered", "status"),
    [
        ("zhang", True, 302),  # the station's chief
        ("tiaojie", True, 302),  # the lead department's mediator
        ("zhifa", False, 403),  # a co-department
        ("wang", False, 403),  # the reporter
        ("lingdao", False, 403),  # the district's leader
        ("shijian", None, 404),  # a department not assigned: the case does not exist for them
        ("outsider", None, 404),  # another station's chief
    ],
)
def test_who_may_schedule_follows_the_lifecycle(world, persona, offered, status):
    w = world
    case = walk_to(w, "in_progress")
    user = getattr(w, persona)
    page = client_of(user).get(f"/cases/{case.pk}/")
    if offered is None:
        assert page.status_code == 404
    else:
        assert ('aria-label="安排联合调处"' in page.content.decode()) is offered
    response = client_of(user).post(f"/cases/{case.pk}/schedule_mediation/", schedule_data(w))
    assert response.status_code == status
    assert MediationSession.objects.filter(case=case).exists() is (status == 302)


def test_the_rounds_are_listed_in_order(world):
    w = world
    case = walk_to(w, "in_progress")
    _held(w, case, "failed")
    _held(w, case, "partial", agreement="先加装接水管")
    mediation.mediation_schedule(case.pk, actor=w.tiaojie, scheduled_at=LATER, place="调解室")
    page = page_of(w.zhang, case)
    positions = [page.index(f"第 {n} 轮</h3>") for n in (1, 2, 3)]
    assert positions == sorted(positions)
    assert [m for m in re.findall(r'class="outcome outcome-(\w+)"', page)] == ["failed", "partial"]
