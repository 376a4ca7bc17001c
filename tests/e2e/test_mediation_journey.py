"""Joint mediation in Chromium: the mediator schedules a round with 综合执法, 派出所, a lawyer and a
老娘舅, records a partial outcome, schedules the next round from the last with one new time, and
records an agreement with the signed agreement attached."""

import pytest
from playwright.sync_api import expect

from cases.models import MediationSession
from tests.e2e.pages import CasePage, MediationPanel, sign_in
from tests.personas import build_world, walk_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_the_mediator_holds_two_rounds_and_records_the_agreement_with_its_document(page):
    world = build_world()
    case = walk_to(world, "in_progress")  # dispatched jointly: 综合行政执法局 and 公安分局 assist

    sign_in(page, "tiaojie")
    CasePage(page).open(case.pk)
    panel = MediationPanel(page)
    form = panel.schedule(
        when="2030-01-07T10:00",
        place="振兴工作站联合调处室",
        departments=["综合行政执法局", "公安分局"],
        outside=[("律师", "刘律师", "示范区公共法律服务中心"), ("老娘舅", "周伯明", "紫金凰社区老娘舅工作室")],
        submit=False,
    )
    expect(form.locator("fieldset.outside-participant")).to_have_count(2)  # the second added by the script
    page.shoot("1-schedule-round-one")
    form.get_by_role("button", name="安排联合调处", exact=True).click()

    first = panel.round(1)
    expect(first).to_contain_text("已排期")
    expect(first).to_contain_text("刘律师（示范区公共法律服务中心）")
    expect(first).to_contain_text("周伯明（紫金凰社区老娘舅工作室）")
    expect(first).to_contain_text("综合行政执法局")
    expect(first).to_contain_text("公安分局")
    page.shoot("2-round-one-scheduled")

    panel.record(
        minutes="综合执法核实外机未占用公共部位；双方同意加装冷凝水管，是否移机待噪音检测后再议。",
        outcome="部分达成",
        agreement="李某一周内加装冷凝水管。",
        attended=["人民调解委员会", "综合行政执法局", "公安分局", "刘律师", "周伯明"],
    )
    expect(first).to_contain_text("部分达成")
    expect(first).to_contain_text("李某一周内加装冷凝水管。")
    next_form = panel.region.get_by_role("form", name="安排下一轮", exact=True)
    expect(next_form.get_by_label("调处地点")).to_have_value("振兴工作站联合调处室")
    expect(next_form.get_by_label("姓名").first).to_have_value("刘律师")
    expect(next_form.get_by_role("checkbox", name="公安分局", exact=True)).to_be_checked()
    page.shoot("3-partial-next-round-prefilled")

    panel.schedule_next(when="2030-01-14T10:00")
    second = panel.round(2)
    expect(second).to_contain_text("已排期")
    expect(second).to_contain_text("2030-01-14 10:00")
    expect(second).to_contain_text("周伯明（紫金凰社区老娘舅工作室）")

    panel.record(
        minutes="噪音检测未超标，李某同意加装减振垫，张某不再要求移机。",
        outcome="达成协议",
        agreement="李某三日内加装减振垫；张某不再要求移机。",
        document={"name": "调解协议书.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    expect(second).to_contain_text("达成协议")
    expect(second.get_by_role("link", name="调解协议书.pdf")).to_be_visible()
    expect(panel.rounds).to_have_count(2)
    page.shoot("4-agreement-with-document")

    rounds = list(MediationSession.objects.filter(case=case).order_by("round_no"))
    assert [(r.round_no, r.outcome) for r in rounds] == [(1, "partial"), (2, "agreement")]
    assert rounds[1].agreement_document.purpose == "agreement"
    with page.expect_download() as download:
        second.get_by_role("link", name="调解协议书.pdf").click()
    assert download.value.suggested_filename == "调解协议书.pdf"
