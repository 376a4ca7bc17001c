"""The chief clears the intake desk by keyboard: merges a duplicate with a reason, accepts a
report, and dispatches it by the 4+X plan from the case page."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.pages import CasePage, DispatchPlan, IntakeDesk, sign_in
from tests.personas import build_world, report_ac_dispute

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_chief_merges_a_duplicate_accepts_and_dispatches_by_the_plan(page):
    world = build_world()
    first = report_ac_dispute(world)
    repeat = report_ac_dispute(world)
    report_ac_dispute(world, title="紫金凰小区门口违建", description="门口有人搭建违建棚子")

    sign_in(page, "zhang")
    desk = IntakeDesk(page)
    desk.open()
    expect(desk.rows).to_have_count(3)
    expect(desk.rows.first).to_contain_text("受理期限")
    page.shoot("1-desk")

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(desk.rows.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(desk.chosen).to_contain_text(repeat.number)
    expect(desk.duplicate(first.number)).to_contain_text("相似度")
    page.shoot("2-duplicates-side-by-side")

    desk.merge_into(first.number, "同一纠纷重复上报")
    expect(desk.rows).to_have_count(2)
    assert Case.objects.get(pk=repeat.pk).duplicate_of_id == first.pk

    desk.rows.first.get_by_role("link").click()
    expect(desk.chosen).to_contain_text(first.number)
    page.keyboard.press("a")
    expect(desk.chosen.get_by_label("类别")).to_be_focused()
    desk.chosen.get_by_role("button", name="受理", exact=True).click()
    expect(desk.rows).to_have_count(1)
    page.shoot("3-accepted")

    case_page = CasePage(page)
    case_page.open(first.pk)
    plan = DispatchPlan(page)
    expect(plan.region).to_contain_text("联合管")
    expect(plan.region).to_contain_text("人民调解委员会")
    page.shoot("4-plan")
    plan.dispatch_by_plan()
    expect(case_page.status).to_have_text("待签收")
    expect(page.get_by_role("region", name="派单")).to_contain_text("综合行政执法局")
    page.shoot("5-dispatched")
