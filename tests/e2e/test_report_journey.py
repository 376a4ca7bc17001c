"""The grid worker reports from the phone: a report with a photo and a party, a refused submit
that keeps everything, and a report typed without a connection that is sent when it returns."""

import base64
import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.pages import MyReports, ReportPage, sign_in
from tests.personas import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A 1×1 red PNG, as if taken by the phone's camera.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
TITLE = "紫金凰小区5幢空调外机噪音扰民"
DESCRIPTION = "5幢302室空调外机夜间噪音大，楼下住户多次上门争吵"


def test_grid_worker_files_the_air_conditioner_report_with_a_photo_and_a_party(phone, live_server):
    build_world()
    sign_in(phone, "wang")
    MyReports(phone).report_button.click()
    form = ReportPage(phone)
    expect(phone.get_by_label("网格")).to_have_value(re.compile(r"\d+"))  # their one grid, preselected

    form.type_report(TITLE, DESCRIPTION, address="紫金凰小区5幢")
    # A wait, not a speed check: the suggestion comes 0.5 s after the last keystroke, later on a
    # machine busy with the rest of the suite.
    expect(form.suggestion).to_contain_text("建议类别：邻里纠纷", timeout=20_000)
    expect(form.suggestion).to_contain_text("空调外机、噪音")
    form.add_party("刘某", "13912345678", "申请人/反映人")
    form.attach_photo("空调外机.png", PNG)
    expect(form.previews).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.shoot("1-typed-with-suggestion")

    form.submit()
    expect(phone).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert phone.url == f"{live_server.url}/cases/{case.pk}/"
    assert (case.title, case.attachments.count(), case.parties.get().name) == (TITLE, 1, "刘某")
    phone.shoot("2-filed")

    phone.goto("/")
    reports = MyReports(phone)
    expect(reports.rows).to_have_count(1)
    expect(reports.rows.first).to_contain_text(TITLE)
    expect(reports.rows.first).to_contain_text("已上报")
    expect(reports.rows.first).to_contain_text("王网格 · 上报")
    phone.shoot("3-in-my-reports")


def test_a_refused_submit_keeps_everything_typed_and_the_photo(phone, live_server):
    build_world()
    sign_in(phone, "wang")
    form = ReportPage(phone)
    form.open()
    form.type_report(TITLE, DESCRIPTION, address="紫金凰小区5幢")
    phone.expect_console_error(r"status of 400 \(Bad Request\)")  # the refusal below
    form.add_party("刘某", "12345", "申请人/反映人")  # not a phone number
    form.add_party("陈某", "0571-88886666", "被申请人/被反映人")
    form.attach_photo("空调外机.png", PNG)

    form.submit()
    phone_field = phone.locator("#party-forms fieldset.party").first.get_by_label("电话")
    expect(phone_field).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_text("请填写11位手机号，或带区号的固定电话")).to_be_visible()
    expect(phone.get_by_label("标题")).to_have_value(TITLE)
    expect(phone.get_by_label("情况描述")).to_have_value(DESCRIPTION)
    expect(phone_field).to_have_value("12345")
    expect(phone.locator("#party-forms fieldset.party").nth(1).get_by_label("姓名")).to_have_value("陈某")
    expect(form.previews).to_have_count(1)  # the photo is still there, ready to go
    assert form.kept_photo_count() == 1 and not Case.objects.exists()
    phone.shoot("1-refused-kept")

    phone_field.fill("13912345678")
    form.submit()
    expect(phone).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert case.attachments.count() == 1 and case.parties.count() == 2


def test_a_report_typed_offline_waits_on_the_phone_and_is_sent_once_when_online(phone, live_server):
    build_world()
    sign_in(phone, "wang")
    form = ReportPage(phone)
    form.open()
    # Offline, the live suggestion's request fails as any request would: the browser says so
    # (htmx names the failed request sendError, and afterRequest when it ends that way).
    phone.expect_console_error(r"ERR_INTERNET_DISCONNECTED|htmx:sendError|htmx:afterRequest")
    phone.context.set_offline(True)
    form.type_report(TITLE, DESCRIPTION)
    form.attach_photo("空调外机.png", PNG)
    form.submit()
    expect(form.status).to_contain_text("没有网络")
    expect(form.pending).to_have_count(1)
    expect(form.pending.first).to_contain_text(TITLE)
    expect(form.pending.first).to_contain_text("待发送")
    expect(phone.get_by_label("标题")).to_have_value("")  # ready for the next report
    assert not Case.objects.exists()
    phone.shoot("1-queued-offline")

    phone.context.set_offline(False)
    expect(form.pending).to_have_count(0)
    case = Case.objects.get()
    assert (case.title, case.attachments.count()) == (TITLE, 1)

    phone.goto("/")
    reports = MyReports(phone)
    expect(reports.rows).to_have_count(1)
    expect(reports.rows.first).to_contain_text(TITLE)
    expect(phone.locator("#pending")).to_be_hidden()
    assert Case.objects.count() == 1
    phone.shoot("2-sent-in-my-reports")
