"""The 紫金凰小区 air-conditioner dispute carried through the browser by the people who handle it
(issue 11 item 7), each in a browser context of their own, side by side:

- 王网格 (wang) files it from the phone with a photo;
- 张站长 (zhang) accepts it on the intake desk, reads the joint plan (联合管) and its reasons on the
  case page and dispatches by the plan;
- 陶调解 (tiaojie, the mediation committee: the lead) signs in the inbox, schedules a round of
  joint mediation with law enforcement (综合执法) and the police (派出所), records the agreement;
  the two co-departments, 赵执法 (zhifa) and 顾公安 (gongan), sign and record their part; the
  mediator resolves with a result and a photo;
- the grid worker gives feedback (满意) and the case is closed (已结案) with its whole timeline.

Then, each on its own: the chief's override shown beside the plan; a return (退单) refused on the
decisions list; a case turning red on the supervision board when its sign-for deadline passes
(the sweep run with a moved clock); two chiefs dispatching the same case at once.

Screenshots: screenshots/<test>--journey-NN-<step>.png.
"""

import base64
import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from cases.models import Assignment, Case, CaseEvent, ReturnRequest
from cases.services.dispatching import case_dispatch
from cases.services.sweep import sweep_deadlines
from governance import clock
from tests.e2e.pages import (
    CasePage,
    Decisions,
    DispatchPlan,
    Inbox,
    IntakeDesk,
    MediationPanel,
    MyReports,
    ReportPage,
    Timeline,
    sign_in,
)
from tests.personas import add_second_chief, build_world, walk_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SH = dt.timezone(dt.timedelta(hours=8))
# A 1×1 PNG, as if taken by the phone's camera (the report) and at the scene (the evidence).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
TITLE = "紫金凰小区5幢空调外机噪音扰民"
DESCRIPTION = "5幢302室空调外机夜间噪音大、滴水，楼下住户多次上门争吵"
AGREEMENT = "302室业主三日内将空调外机移至北侧并加装接水管，楼下住户不再追究"
RESULT = "经联合调处双方达成协议，空调外机已移位并加装接水管，噪音、滴水问题已解决"


def _tomorrow_morning() -> str:
    """Tomorrow 09:30 in Shanghai, as a datetime-local field takes it."""
    tomorrow = clock.now().astimezone(SH) + dt.timedelta(days=1)
    return tomorrow.replace(hour=9, minute=30).strftime("%Y-%m-%dT%H:%M")


def _sign_from_inbox(page, title: str) -> None:
    inbox = Inbox(page)
    inbox.row(title).get_by_role("button", name="签收").click()
    expect(inbox.row(title)).to_have_count(0)  # gone from 待签收: the list refreshed in place


def test_four_users_carry_the_air_conditioner_dispute_from_report_to_closed(people):
    build_world()

    # 1. The grid worker files the report from the phone, with a photo and the complainant.
    wang = people.open("wang", "phone")
    MyReports(wang).report_button.click()
    report = ReportPage(wang)
    report.type_report(TITLE, DESCRIPTION, address="紫金凰小区5幢")
    expect(report.suggestion).to_contain_text("建议类别：邻里纠纷", timeout=20_000)  # waits on a busy machine
    report.add_party("刘某", "13912345678", "申请人/反映人")
    report.attach_photo("空调外机.png", PNG)
    expect(report.previews).to_have_count(1)
    wang.shoot("journey-01-report-typed")
    report.submit()
    expect(wang).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    wang_case = CasePage(wang)
    expect(wang_case.status).to_have_text("已上报")
    expect(Timeline(wang).last()).to_contain_text("上报")
    wang.shoot("journey-02-report-filed")

    # 2. The chief accepts it on the intake desk, reads the joint plan and dispatches by it.
    zhang = people.open("zhang")
    desk = IntakeDesk(zhang)
    desk.open()
    expect(desk.rows).to_have_count(1)
    expect(desk.rows.first).to_contain_text(TITLE)
    expect(desk.rows.first).to_contain_text("受理期限")
    desk.rows.first.get_by_role("link").click()
    expect(desk.chosen).to_contain_text(case.number)
    zhang.shoot("journey-03-intake-desk")
    desk.chosen.locator("summary").get_by_text("受理", exact=True).click()
    desk.chosen.get_by_role("button", name="受理", exact=True).click()
    expect(desk.rows).to_have_count(0)

    chief_case = CasePage(zhang)
    chief_case.open(case.pk)
    expect(chief_case.status).to_have_text("待分拨")
    plan = DispatchPlan(zhang)
    expect(plan.region).to_contain_text("联合管")
    expect(plan.region.locator("dd").nth(1)).to_have_text("人民调解委员会")  # the lead
    co_departments = plan.region.locator("dd").nth(2)
    expect(co_departments).to_contain_text("综合行政执法局")
    expect(co_departments).to_contain_text("公安分局")
    expect(plan.region).to_contain_text("根据关键词「空调外机」「噪音」建议类别「邻里纠纷」")
    expect(plan.region).to_contain_text("类别「邻里纠纷」权责边界模糊，联合管。")
    expect(plan.region).to_contain_text(re.compile("由「人民调解委员会」主办，协办：「.+」「.+」；建议召开联合调处。"))
    zhang.shoot("journey-04-joint-plan-with-reasons")
    plan.dispatch_by_plan()
    expect(chief_case.status).to_have_text("待签收")
    expect(Timeline(zhang).last()).to_contain_text("分拨 张站长")
    dispatched = zhang.get_by_role("region", name="派单")
    for department in ("人民调解委员会", "综合行政执法局", "公安分局"):
        expect(dispatched).to_contain_text(department)
    zhang.shoot("journey-05-dispatched-by-plan")

    # 3. The mediator signs in the inbox, schedules a joint mediation round, records the agreement.
    tiaojie = people.open("tiaojie")
    inbox = Inbox(tiaojie)
    expect(inbox.count("待签收")).to_have_text("1")
    expect(inbox.row(TITLE)).to_contain_text("签收期限")
    tiaojie.shoot("journey-06-mediator-inbox")
    _sign_from_inbox(tiaojie, TITLE)
    expect(inbox.count("办理中")).to_have_text("1")
    inbox.tab("办理中").click()
    inbox.row(TITLE).get_by_role("link", name=TITLE).click()
    mediator_case = CasePage(tiaojie)
    expect(mediator_case.status).to_have_text("办理中")

    mediation = MediationPanel(tiaojie)
    form = mediation.schedule(
        when=_tomorrow_morning(),
        place="振兴工作站调解室",
        departments=["综合行政执法局", "公安分局"],  # ticked already: the assigned departments
        outside=[("老娘舅", "周伯明", "紫金凰社区老娘舅工作室")],
        submit=False,
    )
    expect(form.get_by_role("checkbox", name="综合行政执法局", exact=True)).to_be_checked()
    expect(form.get_by_role("checkbox", name="公安分局", exact=True)).to_be_checked()
    form.get_by_role("button", name="安排联合调处", exact=True).click()
    first = mediation.round(1)
    expect(first).to_contain_text("已排期")
    expect(first).to_contain_text("振兴工作站调解室")
    for participant in ("人民调解委员会", "综合行政执法局", "公安分局", "周伯明（紫金凰社区老娘舅工作室）"):
        expect(first).to_contain_text(participant)
    expect(Timeline(tiaojie).last()).to_contain_text("安排联合调处 陶调解")
    tiaojie.shoot("journey-07-mediation-scheduled")

    mediation.record(
        minutes="双方到场陈述，执法队员现场查看外机位置，民警维持秩序；双方同意移机",
        outcome="达成协议",
        agreement=AGREEMENT,
        document={"name": "调解协议书.png", "mimeType": "image/png", "buffer": PNG},
    )
    expect(first).to_contain_text("达成协议")
    expect(first).to_contain_text(AGREEMENT)
    expect(first.get_by_role("link", name="调解协议书.png")).to_be_visible()
    expect(Timeline(tiaojie).last()).to_contain_text("记录调处结果 陶调解")
    tiaojie.shoot("journey-08-agreement-recorded")

    # The co-departments (law enforcement, police) sign and record their part of the joint case.
    for username, name, part in [
        ("zhifa", "赵执法", "已到场查看外机安装位置，督促业主整改"),
        ("gongan", "顾公安", "已到场维持秩序，双方未再发生冲突"),
    ]:
        co = people.open(username)
        _sign_from_inbox(co, TITLE)
        co_case = CasePage(co)
        co_case.open(case.pk)
        form = co_case.open_form("协办反馈")
        form.get_by_label("协办情况").fill(part)
        form.get_by_role("button", name="协办反馈").click()
        expect(Timeline(co).last()).to_contain_text(f"协办反馈 {name}")
    co.shoot("journey-09-co-departments-parts")

    # The mediator resolves with the result and a photo of the moved unit.
    tiaojie.reload()
    resolve = mediator_case.open_form("办结")
    resolve.get_by_label("办理结果").fill(RESULT)
    resolve.get_by_label("佐证文件").set_input_files([{"name": "移机后.png", "mimeType": "image/png", "buffer": PNG}])
    resolve.get_by_role("button", name="办结").click()
    expect(mediator_case.status).to_have_text("已办结待反馈")
    # Its assignment done, the department no longer needs the people in the photos (need to
    # know, cases/privacy.py): it is told the evidence is there; the chief sees the photo.
    expect(tiaojie.get_by_role("region", name="附件")).to_contain_text("办结佐证一份")
    expect(Timeline(tiaojie).last()).to_contain_text("办结 陶调解")
    chief_case.open(case.pk)
    expect(chief_case.status).to_have_text("已办结待反馈")
    expect(zhang.get_by_role("region", name="附件")).to_contain_text("移机后.png")
    zhang.shoot("journey-10-resolved-with-photo")

    # 4. The grid worker sees it resolved in their reports and gives feedback: closed.
    wang.goto("/")
    reports = MyReports(wang)
    expect(reports.rows.first).to_contain_text("已办结待反馈")
    reports.rows.first.get_by_role("link", name=TITLE).click()
    feedback = wang_case.form("反馈评价")
    feedback.get_by_label("评价").select_option(label="满意")
    wang.shoot("journey-11-feedback")
    feedback.get_by_role("button", name="反馈评价").click()
    expect(wang_case.status).to_have_text("已结案")
    expect(wang.get_by_role("region", name="案件概况")).to_contain_text("满意")
    expect(wang_case.actions).to_contain_text("您此刻对本案没有可执行的操作。")

    timeline = Timeline(wang)
    expect(timeline.steps).to_have_count(12)
    assert timeline.what_and_who() == [
        "上报 王网格",
        "受理 张站长",
        "分拨 张站长",
        "签收 陶调解",
        "安排联合调处 陶调解",
        "记录调处结果 陶调解",
        "签收 赵执法",
        "协办反馈 赵执法",
        "签收 顾公安",
        "协办反馈 顾公安",
        "办结 陶调解",
        "反馈评价：满意 王网格",
    ]
    expect(timeline.steps.nth(10)).to_contain_text(RESULT)
    wang.shoot("journey-12-closed-with-timeline")

    case.refresh_from_db()
    assert (case.status, case.satisfaction) == ("closed", "satisfied")
    # the report's photo, the signed agreement and the evidence
    assert sorted(case.attachments.values_list("purpose", flat=True)) == ["agreement", "evidence", "report"]
    assert list(case.mediations.values_list("outcome", flat=True)) == ["agreement"]
    # the chief's page agrees with the reporter's
    zhang.reload()
    expect(chief_case.status).to_have_text("已结案")


def test_the_chiefs_override_shows_beside_the_plan_after_reload(page):
    world = build_world()
    case = walk_to(world, "accepted")
    sign_in(page, "zhang")
    case_page = CasePage(page)
    case_page.open(case.pk)
    plan = DispatchPlan(page)
    page.locator("summary").get_by_text("调整方案后分拨", exact=True).click()
    plan.region.get_by_label("市场监管局").check()  # a co-department the plan does not name
    plan.region.get_by_label("调整理由").fill("外机由商家安装，涉及安装质量，需市场监管局协办")
    page.shoot("journey-13-override-typed")
    plan.region.get_by_role("button", name="按调整后的方案分拨").click()
    expect(case_page.status).to_have_text("待签收")

    page.reload()
    override = page.get_by_role("region", name="人工调整")
    expect(override).to_contain_text("张站长：外机由商家安装，涉及安装质量，需市场监管局协办")
    row = override.get_by_role("row", name=re.compile("协办部门"))
    expect(row.get_by_role("cell").nth(0)).to_have_text("综合行政执法局、公安分局")
    expect(row.get_by_role("cell").nth(1)).to_have_text(re.compile("市场监管局"))
    # the plan's own reasons stay on the page beside the override
    expect(page.get_by_role("region", name="分拨方案")).to_contain_text("权责边界模糊，联合管")
    page.shoot("journey-14-override-beside-plan")
    assert set(Case.objects.get(pk=case.pk).assignments.values_list("department__code", flat=True)) == {
        "mediation",
        "enforcement",
        "police",
        "market",
    }


def test_a_return_request_refused_by_the_chief_leaves_the_case_with_the_department(people):
    world = build_world()
    case = walk_to(world, "in_progress")

    tiaojie = people.open("tiaojie")
    mediator_case = CasePage(tiaojie)
    mediator_case.open(case.pk)
    form = mediator_case.open_form("申请退单")
    form.get_by_label("理由").fill("双方系租赁关系，应由物业和房东协调，不属调解范围")
    form.get_by_role("button", name="申请退单").click()
    expect(tiaojie.get_by_role("region", name="派单")).to_contain_text("退单申请中")
    tiaojie.shoot("journey-15-return-requested")

    zhang = people.open("zhang")
    decisions = Decisions(zhang)
    decisions.open()
    card = decisions.request("审批退单", "人民调解委员会")
    expect(card).to_contain_text("双方系租赁关系，应由物业和房东协调，不属调解范围")
    card.get_by_label("审批意见").fill("噪音扰民属邻里纠纷，由调委会主办，执法和公安已协办")
    zhang.shoot("journey-16-return-to-decide")
    card.get_by_role("button", name="审批退单").click()  # 同意 left unticked: refused
    expect(decisions.list).to_contain_text("暂无待审批的申请")
    zhang.shoot("journey-17-refused")

    tiaojie.reload()
    expect(mediator_case.status).to_have_text("办理中")
    last = Timeline(tiaojie).last()
    expect(last).to_contain_text("审批退单：不同意 张站长")
    expect(last).to_contain_text("噪音扰民属邻里纠纷，由调委会主办，执法和公安已协办")
    lead = tiaojie.get_by_role("region", name="派单").get_by_role("listitem").filter(has_text="人民调解委员会")
    expect(lead).to_contain_text("办理中")
    expect(mediator_case.summary("申请延期")).to_be_visible()  # still the mediator's to handle
    tiaojie.shoot("journey-18-refusal-seen-case-stays")

    request = ReturnRequest.objects.get()
    assert (request.status, request.decision_note) == ("refused", "噪音扰民属邻里纠纷，由调委会主办，执法和公安已协办")
    case.refresh_from_db()
    assert case.status == "in_progress" and case.lead_department == world.dept.mediation
    assert Assignment.objects.get(case=case, role="lead").status == "signed"


# Reported and accepted Monday morning, dispatched at 10:00: sign for it within one working day,
# by Tuesday 10:00. Nobody signs.
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=SH)
TUESDAY_NOON = dt.datetime(2026, 11, 24, 12, tzinfo=SH)


def test_a_case_nobody_signed_for_turns_red_on_the_board(people):
    call_command("seed_calendar", years="2026", stdout=StringIO())
    world = build_world()
    with time_machine.travel(MONDAY, tick=False):
        case = walk_to(world, "accepted")
    with time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False):
        case_dispatch(case.pk, actor=world.zhang)

    zhang = people.open("zhang")
    zhang.get_by_role("link", name="督办台").click()
    rows = zhang.locator("#board-list li.case-row")
    expect(rows).to_have_count(0)

    with time_machine.travel(TUESDAY_NOON, tick=False):
        sweep_deadlines()
    zhang.reload()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(case.number)
    expect(rows.first).to_contain_text("签收期限")
    expect(rows.first).to_have_class("case-row ladder-red")
    zhang.get_by_label("部门").select_option(label="人民调解委员会")
    expect(rows).to_have_count(1)
    zhang.shoot("journey-19-board-red-unsigned")

    # The mediator's inbox shows the same row in red.
    tiaojie = people.open("tiaojie")
    expect(Inbox(tiaojie).row(case.title)).to_have_class(re.compile("ladder-red"))
    tiaojie.shoot("journey-20-inbox-red")


def test_two_chiefs_dispatch_the_same_case_at_once_and_the_second_is_told_to_refresh(people):
    world = build_world()
    add_second_chief(world)
    case = walk_to(world, "accepted")

    zhang, fu = people.open("zhang"), people.open("fu")
    first, second = CasePage(zhang), CasePage(fu)
    first.open(case.pk)
    second.open(case.pk)
    expect(DispatchPlan(fu).region).to_contain_text("联合管")

    DispatchPlan(zhang).dispatch_by_plan()
    expect(first.status).to_have_text("待签收")

    fu.expect_console_error(r"status of 409 \(Conflict\)")  # the refusal below
    DispatchPlan(fu).dispatch_by_plan()  # from the page opened before zhang dispatched
    refusal = DispatchPlan(fu).region.get_by_role("alert").first
    expect(refusal).to_contain_text("案件已变化，请刷新")
    fu.shoot("journey-21-second-chief-told-to-refresh")

    case.refresh_from_db()
    assert case.status == "dispatched"
    assert Assignment.objects.filter(case=case).count() == 3  # one lead and two co-departments, once
    assert list(CaseEvent.objects.filter(case=case, action="dispatch").values_list("actor__username", flat=True)) == [
        "zhang"
    ]

    fu.get_by_role("link", name="刷新页面").click()
    expect(second.status).to_have_text("待签收")
    expect(DispatchPlan(fu).region).to_have_count(0)
    fu.shoot("journey-22-second-chief-refreshed")
