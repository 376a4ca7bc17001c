"""The supervision board (督办台) in Chromium: a case turns red when the clock passes its due time
(the sweep run with a moved clock, never a sleep), and the chief supervises it from the board."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from cases.services.sweep import sweep_deadlines
from tests.e2e.pages import sign_in
from tests.personas import build_world, report_ac_dispute

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SH = dt.timezone(dt.timedelta(hours=8))
# Reported Monday 09:00, accept within 2 working hours: red from 11:00 (escalated Tuesday 11:00).
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=SH)
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, tzinfo=SH)


def test_a_case_turns_red_on_the_board_and_the_chief_supervises_it(page, live_server):
    call_command("seed_calendar", years="2026", stdout=StringIO())
    world = build_world()
    with time_machine.travel(MONDAY, tick=False):
        case = report_ac_dispute(world)
    with time_machine.travel(MONDAY + dt.timedelta(minutes=30), tick=False):
        sweep_deadlines()  # nothing due yet

    sign_in(page, "zhang")
    page.get_by_role("link", name="督办台").click()
    expect(page.get_by_role("heading", name="督办台")).to_be_visible()
    rows = page.locator("#board-list li.case-row")
    expect(rows).to_have_count(0)
    page.shoot("1-board-empty")

    with time_machine.travel(MONDAY_NOON, tick=False):
        sweep_deadlines()
    page.reload()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(case.number)
    expect(rows.first).to_contain_text("超期")
    expect(rows.first).to_have_class("case-row ladder-red")
    page.shoot("2-board-red")

    page.get_by_label("督办等级").select_option(label="预警")
    expect(rows).to_have_count(0)
    page.get_by_label("督办等级").select_option(label="超期")
    expect(rows).to_have_count(1)

    rows.first.locator("summary").get_by_text("挂牌督办", exact=True).click()
    rows.first.get_by_label("督办内容").fill("请立即受理并联系当事人")
    rows.first.get_by_role("button", name="挂牌督办").click()
    expect(page.get_by_role("heading", name=case.title)).to_be_visible()
    expect(page.get_by_role("region", name="督办")).to_contain_text("请立即受理并联系当事人")
    page.shoot("3-supervised")
