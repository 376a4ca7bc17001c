"""The case page (issue 10, item 6): the gate, personal data per role, a form for exactly the
actions the user may take now, each posting through the API's registry, refusals shown with the
input kept, and a query count that does not grow with the case's history."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Case
from cases.selectors import available_actions
from cases.services import dispatching, handling, mediation, supervision
from tests.personas import report_ac_dispute, walk_to
from tests.uploads import jpeg

LATER = datetime(2030, 1, 7, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE, MASKED = "13900000001", "139****0001"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(user, case) -> str:
    response = client_of(user).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def forms_on(page: str) -> list[str]:
    return re.findall(r'<form id="act-(\w+)"', page)


def summon_emergency(w) -> Case:
    """The dispute dispatched with 应急管理 (an X department) added: its liaison officer is summoned."""
    case = dispatching.case_accept(report_ac_dispute(w).pk, actor=w.zhang)
    co = [w.dept.enforcement.pk, w.dept.police.pk, w.dept.emergency.pk]
    return dispatching.case_dispatch(case.pk, actor=w.zhang, co_ids=co, reason="空调外机有坠落风险，需应急管理配合")


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("zhang", PHONE),  # the station's chief
        ("tiaojie", PHONE),  # the lead department
        ("zhifa", PHONE),  # a co-department, while its assignment is live
        ("wang", PHONE),  # filed it
        ("yingji", PHONE),  # the liaison officer summoned to the case, while the summons is open
        ("lingdao", MASKED),  # the district's leader
    ],
)
def test_party_phone_is_masked_where_the_role_does_not_need_it(world, persona, shown):
    case = summon_emergency(world)
    page = page_of(getattr(world, persona), case)
    assert f'<span class="phone">{shown}</span>' in page
    if shown == MASKED:
        assert PHONE not in page


@pytest.mark.parametrize("persona", ["shijian", "outsider"])
def test_out_of_scope_the_page_and_its_actions_do_not_exist(world, persona):
    case = walk_to(world, "dispatched")
    client = client_of(getattr(world, persona))
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/sign/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == "dispatched"


def test_an_unknown_action_is_404(world):
    case = walk_to(world, "dispatched")
    assert client_of(world.zhang).post(f"/cases/{case.pk}/launch/").status_code == 404


@pytest.mark.parametrize(
    ("status", "persona"),
    [
        ("reported", "zhang"),
        ("dispatched", "tiaojie"),
        ("dispatched", "zhifa"),
        ("dispatched", "wang"),
        ("in_progress", "zhang"),
        ("resolved", "wang"),
        ("resolved", "lingdao"),
    ],
)
def test_a_form_for_exactly_the_actions_the_user_may_take_now(world, status, persona):
    case = walk_to(world, status)
    user = getattr(world, persona)
    # the mediation's forms sit in its own part of the page, below the others
    assert sorted(forms_on(page_of(user, case))) == sorted(available_actions(user, Case.objects.get(pk=case.pk)))


def test_the_page_shows_summary_plan_reasons_assignments_and_the_timeline(world):
    case = walk_to(world, "in_progress")
    page = page_of(world.zhang, case)
    for text in ["紫金凰小区3幢", "紫金凰社区第一网格", "王网格", "邻里纠纷", "办理期限", "剩余"]:
        assert text in page
    assert "类别「邻里纠纷」权责边界模糊，联合管。" in page  # the 4+X plan's reasons, worded
    assert "人民调解委员会" in page and "未签收" in page
    assert re.search(r"陶调解 于 \d\d-\d\d \d\d:\d\d 签收", page)
    timeline = page[page.index('class="timeline"') :]
    assert [label for label in ["上报", "受理", "分拨", "签收"] if f"<strong>{label}</strong>" in timeline] == [
        "上报",
        "受理",
        "分拨",
        "签收",
    ]


def test_the_timeline_says_whether_a_request_was_approved_or_refused(world):
    """The department that asked reads the chief's answer on the case page, not only the note."""
    w = world
    case = walk_to(w, "in_progress")
    returned = handling.return_request(case.pk, actor=w.tiaojie, reason="不属调解范围")
    handling.return_decide(case.pk, actor=w.zhang, request_id=returned.pk, approve=False, note="请继续调解")
    extension = handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=LATER, reason="等待噪音检测")
    handling.extension_decide(case.pk, actor=w.zhang, request_id=extension.pk, approve=True)
    timeline = page_of(w.tiaojie, case)
    timeline = timeline[timeline.index('class="timeline"') :]
    assert "<strong>审批退单：不同意</strong> 张站长<p>请继续调解</p>" in timeline
    assert "<strong>审批延期：已同意</strong> 张站长" in timeline
    assert "<strong>申请退单</strong> 陶调解" in timeline  # a request is no decision


def test_the_timeline_says_what_the_reporter_answered(world):
    case = walk_to(world, "closed")
    timeline = page_of(world.wang, case)
    assert "<strong>反馈评价：满意</strong> 王网格" in timeline[timeline.index('class="timeline"') :]


def test_the_page_in_english_words_the_plan_in_english(world):
    case = walk_to(world, "dispatched")
    page = client_of(world.zhang).get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Case event" in page and "<strong>dispatch</strong>" in page
    assert "has blurred responsibilities: handled jointly." in page


# --- Acting from the page ---------------------------------------------------------------------


def test_the_lead_signs_from_the_page_and_lands_back_on_it(world):
    case = walk_to(world, "dispatched")
    lead = client_of(world.tiaojie)
    response = lead.post(f"/cases/{case.pk}/sign/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    assert "sign" not in forms_on(page_of(world.tiaojie, case))


def test_htmx_is_told_to_load_the_case_page_after_an_action(world):
    case = walk_to(world, "dispatched")
    response = client_of(world.zhifa).post(f"/cases/{case.pk}/sign/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == f"/cases/{case.pk}/"


@pytest.mark.parametrize(
    ("status", "persona", "action", "data", "after"),
    [
        ("reported", "zhang", "reject", {"reason": "非本站辖区事项", "expected_status": "reported"}, "rejected"),
        ("reported", "zhang", "accept", {"expected_status": "reported"}, "accepted"),
        ("accepted", "zhang", "dispatch", {"expected_status": "accepted"}, "dispatched"),
        ("dispatched", "zhifa", "request_return", {"reason": "不属本部门职责"}, "dispatched"),
        ("in_progress", "tiaojie", "request_hold", {"reason": "等待法院判决"}, "in_progress"),
        ("in_progress", "zhang", "supervise", {"message": "请加快办理"}, "in_progress"),
        (
            "in_progress",
            "tiaojie",
            "schedule_mediation",
            {"scheduled_at": "2030-01-07T10:00", "place": "工作站调解室", "department_ids": ["mediation"]},
            "in_progress",
        ),
        ("resolved", "wang", "feedback", {"result": "satisfied", "expected_status": "resolved"}, "closed"),
        ("resolved", "zhang", "close", {"reason": "", "expected_status": "resolved"}, "closed"),
    ],
)
def test_each_action_posts_through_the_registry(world, status, persona, action, data, after):
    case = walk_to(world, status)
    if "department_ids" in data:  # ticked on the page, by id
        data = {**data, "department_ids": [getattr(world.dept, code).pk for code in data["department_ids"]]}
    response = client_of(getattr(world, persona)).post(f"/cases/{case.pk}/{action}/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Case.objects.get(pk=case.pk).status == after
    assert Case.objects.get(pk=case.pk).events.last().action == action


def test_the_leads_answer_to_a_supervision_and_a_mediation_round_are_recorded_from_the_page(world):
    case = walk_to(world, "in_progress")
    notice = supervision.case_supervise(case.pk, actor=world.zhang, message="请三日内答复")
    lead = client_of(world.tiaojie)
    assert (
        lead.post(
            f"/cases/{case.pk}/respond_supervision/", {"supervision_id": notice.pk, "response": "已约谈双方"}
        ).status_code
        == 302
    )
    session = mediation.mediation_schedule(case.pk, actor=world.tiaojie, scheduled_at=LATER, place="调解室")
    data = {"session_id": session.pk, "minutes": "双方同意移机", "outcome": "agreement", "agreement": "三日内移机"}
    assert lead.post(f"/cases/{case.pk}/record_mediation/", data).status_code == 302
    page = page_of(world.zhang, case)
    assert "已约谈双方" in page and "双方同意移机" in page and "三日内移机" in page


def test_the_lead_resolves_with_a_photo_shown_as_a_thumbnail_behind_the_gate(world):
    case = walk_to(world, "in_progress")
    for co in (world.zhifa, world.gongan):
        handling.assignment_sign(case.pk, actor=co)
        handling.part_record(case.pk, actor=co, text="已配合")
    photo = SimpleUploadedFile("现场照片.jpg", jpeg(), content_type="image/jpeg")
    response = client_of(world.tiaojie).post(f"/cases/{case.pk}/resolve/", {"text": "外机已移位", "files": [photo]})
    assert response.status_code == 302
    attachment = Case.objects.get(pk=case.pk).attachments.get()
    url = f"/api/cases/{case.pk}/attachments/{attachment.pk}/download/"
    assert f'<img src="{url}" alt="现场照片.jpg" class="thumb"' in page_of(world.wang, case)
    assert client_of(world.wang).get(url).status_code == 200
    assert client_of(world.shijian).get(url).status_code == 404


# --- Refusals keep what was typed -------------------------------------------------------------


def test_a_bad_value_is_400_beside_its_field_with_the_input_kept(world):
    case = walk_to(world, "in_progress")
    data = {"requested_due_at": "下周五", "reason": "需等待物业配合施工"}
    response = client_of(world.tiaojie).post(f"/cases/{case.pk}/request_extension/", data)
    assert response.status_code == 400
    page = response.content.decode()
    form = page[
        page.index('id="act-request_extension"') : page.index("</form>", page.index('id="act-request_extension"'))
    ]
    assert 'value="下周五"' in form and ">需等待物业配合施工</textarea>" in form
    assert re.search(r'name="requested_due_at"[^>]*>\s*<span class="error" role="alert">', form)
    assert '<details id="request-extension" class="action" open>' in page


def test_the_services_refusal_comes_back_in_the_fragment_to_htmx(world):
    case = walk_to(world, "resolved")
    data = {"result": "dissatisfied", "comment": "  ", "expected_status": "resolved"}
    response = client_of(world.wang).post(f"/cases/{case.pk}/feedback/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    fragment = response.content.decode().strip()
    assert fragment.startswith('<form id="act-feedback"') and fragment.endswith("</form>")
    assert '<option value="dissatisfied" selected>' in fragment
    assert "不满意时请说明原因" in fragment
    assert Case.objects.get(pk=case.pk).status == "resolved"


def test_a_stale_page_is_409_with_a_refresh_link_and_the_input_kept(world):
    case = walk_to(world, "reported")
    dispatching.case_reject(case.pk, actor=world.zhang, reason="重复上报")  # in another tab
    data = {"reason": "非本站辖区事项", "expected_status": "reported"}
    response = client_of(world.zhang).post(f"/cases/{case.pk}/reject/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "案件已变化，请刷新" in page and f'<a href="/cases/{case.pk}/">' in page
    assert "非本站辖区事项" in page and 'name="expected_status" value="reported"' in page


def test_signing_twice_is_409_and_says_refresh(world):
    case = walk_to(world, "dispatched")
    lead = client_of(world.tiaojie)
    assert lead.post(f"/cases/{case.pk}/sign/").status_code == 302
    response = lead.post(f"/cases/{case.pk}/sign/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "案件已变化，请刷新" in response.content.decode()


def test_an_action_the_role_may_not_take_is_403_with_the_services_reason(world):
    case = walk_to(world, "in_progress")
    response = client_of(world.zhifa).post(f"/cases/{case.pk}/resolve/", {"text": "已处理"})
    assert response.status_code == 403
    assert "您无权对该案件执行「办结」" in response.content.decode()
    assert 'id="act-resolve"' in response.content.decode() and "已处理" in response.content.decode()


# --- Cost -------------------------------------------------------------------------------------

# session, user, scope (memberships, their grids), the case, parties, attachments, assignments,
# summonses, events, mediation rounds and their participants, supervisions, roles (assignments,
# summonses), facts (two), the bell (count, latest), the top bar's posts: the same however long
# the case's history; and the view log's row (the chief sees personal data in full).
QUERIES_OF_THE_CASE_PAGE = 20


def test_case_page_query_count_does_not_grow_with_the_history(world, django_assert_num_queries):
    short, long = walk_to(world, "in_progress"), walk_to(world, "in_progress")
    for case in (short, long):
        mediation.mediation_schedule(case.pk, actor=world.tiaojie, scheduled_at=LATER, place="调解室")
    for co in (world.zhifa, world.gongan):
        handling.assignment_sign(long.pk, actor=co)
        handling.part_record(long.pk, actor=co, text="已到场核实")
    for round_ in range(3):
        supervision.case_supervise(long.pk, actor=world.zhang, message=f"第{round_}次督办")
    first = long.mediations.get()
    mediation.mediation_record(long.pk, actor=world.tiaojie, session_id=first.pk, minutes="未达成", outcome="failed")
    mediation.mediation_schedule(long.pk, actor=world.tiaojie, scheduled_at=LATER, place="社区会议室")
    chief = client_of(world.zhang)
    chief.get(f"/cases/{short.pk}/")  # the calendar is loaded once per process
    for case in (short, long):
        with django_assert_num_queries(QUERIES_OF_THE_CASE_PAGE):
            chief.get(f"/cases/{case.pk}/")


# The schedule form of a round adds one query: the departments present at the station.
QUERIES_WITH_THE_SCHEDULE_FORM = QUERIES_OF_THE_CASE_PAGE + 1


def test_case_page_query_count_with_rounds_participants_and_documents_stays_flat(world, django_assert_num_queries):
    """Rounds held, each with outside participants, attendance and its agreement document: the
    page reads the same however many, also when it offers the next round prefilled from the last."""
    short, long = walk_to(world, "in_progress"), walk_to(world, "in_progress")
    lawyers = [mediation.ParticipantInput(role="lawyer", name=f"律师{n}", organization="律所") for n in range(4)]
    for case, rounds in [(short, 1), (long, 4)]:
        for _round in range(rounds):
            session = mediation.mediation_schedule(
                case.pk, actor=world.tiaojie, scheduled_at=LATER, place="调解室", participants=lawyers
            )
            document = SimpleUploadedFile("协议.pdf", b"%PDF-1.4", content_type="application/pdf")
            mediation.mediation_record(
                case.pk,
                actor=world.tiaojie,
                session_id=session.pk,
                minutes="部分达成",
                outcome="partial",
                agreement="先加装接水管",
                document=document,
            )
    chief = client_of(world.zhang)
    chief.get(f"/cases/{short.pk}/")  # the calendar is loaded once per process
    for case in (short, long):
        with django_assert_num_queries(QUERIES_WITH_THE_SCHEDULE_FORM):
            page = chief.get(f"/cases/{case.pk}/").content.decode()
        assert 'aria-label="安排下一轮"' in page
