"""Journeys of the case page: personal data per role, signing, a stale page, the reporter's feedback."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cases.services import dispatching
from tests.e2e.pages import CasePage, sign_in
from tests.personas import build_world, report_ac_dispute, walk_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFUSED = r"Failed to load resource: the server responded with a status of 409"


def test_a_leader_sees_the_phone_masked_a_summoned_liaison_officer_and_the_chief_see_it_full(page):
    world = build_world()
    case = dispatching.case_accept(report_ac_dispute(world).pk, actor=world.zhang)
    co = [world.dept.enforcement.pk, world.dept.police.pk, world.dept.emergency.pk]
    dispatching.case_dispatch(case.pk, actor=world.zhang, co_ids=co, reason="空调外机有坠落风险，需应急管理配合")

    sign_in(page, "lingdao")  # the district's leader: reads every case, needs no phone numbers
    case_page = CasePage(page)
    case_page.open(case.pk)
    expect(case_page.parties).to_contain_text("139****0001")
    expect(case_page.parties).not_to_contain_text("13900000001")
    expect(page.get_by_role("note")).to_contain_text("部分个人信息已对您脱敏")
    page.shoot("1-leader-masked")

    page.get_by_role("button", name="退出").click()
    # 应急管理's liaison officer, summoned for a co-department whose part is open: names and
    # phones, not ID numbers (cases/privacy.py).
    sign_in(page, "yingji")
    case_page.open(case.pk)
    expect(case_page.parties).to_contain_text("13900000001")
    expect(page.get_by_role("region", name="联络员召集")).to_contain_text("应急管理局")
    page.shoot("2-liaison-names-and-phones")

    page.get_by_role("button", name="退出").click()
    sign_in(page, "zhang")
    case_page.open(case.pk)
    expect(case_page.parties).to_contain_text("13900000001")
    page.shoot("3-chief-full")


def test_the_lead_signs_from_the_case_page_and_the_buttons_update(page):
    world = build_world()
    case = walk_to(world, "dispatched")

    sign_in(page, "tiaojie")
    case_page = CasePage(page)
    case_page.open(case.pk)
    expect(case_page.status).to_have_text("待签收")
    expect(case_page.button("签收")).to_be_visible()
    expect(case_page.summary("申请挂账")).to_have_count(0)  # only once the case is in progress
    page.shoot("1-before-signing")

    case_page.button("签收").click()
    expect(case_page.status).to_have_text("办理中")
    expect(case_page.button("签收")).to_have_count(0)
    expect(case_page.open_form("申请挂账").get_by_label("理由")).to_be_visible()
    expect(page.get_by_role("region", name="流转记录")).to_contain_text("陶调解")
    page.shoot("2-signed")
    assert Case.objects.get(pk=case.pk).status == "in_progress"


def test_a_stale_page_says_refresh_and_keeps_what_was_typed(page):
    world = build_world()
    case = walk_to(world, "reported")

    sign_in(page, "zhang")
    first = CasePage(page)
    first.open(case.pk)
    reject = first.open_form("不予受理")
    reject.get_by_label("理由").fill("非本站辖区事项，请转交区信访局")
    page.shoot("1-typing-in-the-first-tab")

    other = CasePage(page.context.new_page())  # the same chief, a second tab
    other.open(case.pk)
    other.open_form("受理")
    other.button("受理").click()
    expect(other.status).to_have_text("待分拨")

    page.expect_console_error(REFUSED)
    first.button("不予受理").click()
    expect(first.refusal()).to_contain_text("案件已变化，请刷新")
    expect(reject.get_by_label("理由")).to_have_value("非本站辖区事项，请转交区信访局")
    page.shoot("2-refused-input-kept")

    first.actions.get_by_role("link", name="刷新页面").click()
    expect(first.status).to_have_text("待分拨")
    page.shoot("3-refreshed")
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_the_grid_worker_gives_feedback_on_the_phone_and_the_case_closes(phone):
    world = build_world()
    case = walk_to(world, "resolved")

    sign_in(phone, "wang")
    case_page = CasePage(phone)
    case_page.open(case.pk, "#feedback")
    expect(case_page.status).to_have_text("已办结待反馈")
    expect(phone.get_by_label("评价")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.shoot("1-feedback-form")

    phone.get_by_label("评价").select_option(label="满意")
    phone.get_by_label("核查意见（不满意时必填）").fill("已现场查看，外机已移位")
    phone.shoot("2-satisfied")
    case_page.button("反馈评价").click()
    expect(case_page.status).to_have_text("已结案")
    expect(case_page.actions).to_contain_text("您此刻对本案没有可执行的操作。")
    phone.shoot("3-closed")
    assert Case.objects.get(pk=case.pk).satisfaction == "satisfied"
