"""Journeys of the page shell: each role's home, filtering the work list, the bell."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import DESKTOP
from tests.e2e.pages import MyReports, WorkList, sign_in
from tests.personas import build_world, walk_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _mark_document(page):
    """A flag on this document: still there later means no full reload happened in between."""
    page.evaluate("window.sameDocument = true")


def _same_document(page) -> bool:
    return page.evaluate("window.sameDocument === true")


def test_grid_worker_on_a_phone_lands_on_report_and_my_reports(phone):
    world = build_world()
    case = walk_to(world, "in_progress")

    sign_in(phone, "wang")
    home = MyReports(phone)
    expect(home.report_button).to_be_visible()
    box = home.report_button.bounding_box()
    assert box["height"] >= 64 and box["width"] >= 300  # a big target for a thumb at 360 px
    expect(phone.get_by_role("heading", name="我的上报")).to_be_visible()
    expect(home.rows).to_have_count(1)
    expect(home.rows.first).to_contain_text(case.number)
    expect(home.rows.first).to_contain_text("办理中")
    expect(home.rows.first).to_contain_text("办理期限")
    expect(phone.get_by_role("banner")).to_contain_text("王网格")
    expect(phone.get_by_role("banner")).to_contain_text("网格员 · 振兴基层治理联动工作站")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.shoot("1-home")

    home.report_button.click()
    expect(phone.get_by_role("heading", name="上报")).to_be_visible()
    phone.shoot("2-report")


def test_chief_filters_the_work_list_in_place_and_opens_a_case(page, live_server):
    world = build_world()
    reported = walk_to(world, "reported")
    in_progress = walk_to(world, "in_progress")

    sign_in(page, "zhang")
    work = WorkList(page)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(work.rows).to_have_count(2)
    expect(work.rows.first).to_contain_text(in_progress.number)  # newest first
    expect(work.rows.nth(1)).to_contain_text(reported.number)
    expect(work.rows.nth(1)).to_contain_text("受理期限")
    page.shoot("1-work-list")

    _mark_document(page)
    work.filter_status("办理中")
    expect(work.rows).to_have_count(1)
    expect(work.rows.first).to_contain_text(in_progress.number)
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    assert _same_document(page)
    page.shoot("2-filtered")

    work.rows.first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{in_progress.pk}/")
    expect(page.get_by_role("heading", name=in_progress.title)).to_be_visible()
    expect(page.get_by_role("main").get_by_text(in_progress.number)).to_be_visible()
    page.shoot("3-case")

    page.set_viewport_size({"width": 360, "height": 740})
    page.go_back()  # the whole filtered page again, not the list fragment htmx fetched for this URL
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_label("状态")).to_have_value("in_progress")
    expect(work.rows).to_have_count(1)
    page.shoot("4-work-list-phone")
    page.set_viewport_size(DESKTOP)


def test_bell_lists_notices_and_mark_all_read_zeroes_the_count_without_reload(page):
    world = build_world()
    first = walk_to(world, "reported")
    walk_to(world, "reported")

    top = sign_in(page, "zhang")
    expect(top.count).to_have_text("2")
    _mark_document(page)
    top.open_bell()
    expect(top.notices()).to_have_count(2)
    expect(top.notices().last).to_contain_text(first.number)
    page.shoot("1-bell-open")

    top.mark_all_read()
    expect(top.count).to_have_text("0")
    expect(page.locator("#bell-menu li.notice.unread")).to_have_count(0)
    assert _same_document(page)
    page.shoot("2-all-read")

    top.notices().last.get_by_role("link").click()
    expect(page.get_by_role("heading", name=first.title)).to_be_visible()
