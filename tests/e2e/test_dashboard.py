"""The leaders' dashboard (一把手数据看板) in Chromium, on the demo data (``seed_demo``: three
stations) and one older case: the leader opens it, changes the period and the scope and sees the numbers
change, opens a station's drill-down from the ranking and exports the ranking (a download read
back with openpyxl); the second station's chief sees only their station."""

import datetime as dt
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.models import Case, Source
from cases.services.intake import case_report
from tests.e2e.pages import sign_in
from workstation.models import User, Workstation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SH = dt.timezone(dt.timedelta(hours=8))
# The whole journey runs at this moment (the server reads the clock in this process).
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=SH)
ZX = "振兴基层治理联动工作站"
HX = "和兴基层治理联动工作站"
DS = "东山基层治理联动工作站"
MONTH = dt.datetime(2026, 11, 1, tzinfo=SH)
YEAR = dt.datetime(2026, 1, 1, tzinfo=SH)


def reported(first: dt.datetime, *, code: str | None = None) -> int:
    """Cases reported from ``first`` until now, at one station or in the district."""
    cases = Case.objects.filter(reported_at__gte=first, reported_at__lt=NOW)
    return (cases.filter(station__code=code) if code else cases).count()


def an_older_case() -> None:
    """A walk-in at 和兴 in September: in the year, not in the month."""
    station = Workstation.objects.get(code="HX")
    case_report(
        actor=User.objects.get(username="zhanzhang_hx"),
        station=station,
        source=Source.WALK_IN,
        title="和兴菜场占道经营",
        description="菜场门口占道经营",
        reported_at=NOW - dt.timedelta(days=70),
    )


def intake(page) -> str:
    return page.locator('[data-measure="intake"] [data-value]').inner_text()


def drawn(page) -> None:
    """The charts and the map are drawn (each marks itself when done)."""
    for chart in ("#chart-trend", "#chart-ranking-station", "#case-map"):
        expect(page.locator(chart)).to_have_attribute("data-drawn", "true")


@pytest.fixture
def demo(live_server):
    with time_machine.travel(NOW, tick=True):
        call_command("seed_calendar", years="2026", stdout=StringIO())
        call_command("seed_demo", allow_production=True, stdout=StringIO())  # 振兴, 和兴 and 东山
        an_older_case()
        yield


def test_the_leader_reads_the_district_changes_period_and_scope_drills_down_and_exports(demo, page):
    sign_in(page, "lingdao")
    page.get_by_role("link", name="数据看板").click()
    expect(page.get_by_role("heading", name="一把手数据看板")).to_be_visible()
    expect(page.locator("#period-label")).to_have_text("2026-11")
    expect(page.locator("#scope-label")).to_have_text("全区")
    drawn(page)
    month = intake(page)
    page.shoot("1-district-month")
    ranking = page.get_by_role("region", name="工作站综合指数排名")
    ranking.get_by_role("button", name="看表格").click()
    expect(ranking.get_by_role("link", name=ZX)).to_be_visible()
    expect(ranking.get_by_role("link", name=HX)).to_be_visible()
    expect(ranking.get_by_role("link", name=DS)).to_be_visible()

    # The period: the year holds the September case too.
    page.get_by_label("统计周期", exact=True).select_option(label="年")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#period-label")).to_have_text("2026")
    drawn(page)
    year = intake(page)
    assert int(year) == reported(YEAR) > int(month) == reported(MONTH)

    # The scope: 和兴 alone.
    page.get_by_label("工作站", exact=True).select_option(label=HX)
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#scope-label")).to_have_text(HX)
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text(str(reported(YEAR, code="HX")))

    # Back to the district; then the drill-down into 振兴 from the ranking.
    page.get_by_label("工作站", exact=True).select_option(label="全部")
    page.get_by_role("button", name="查看").click()
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text(year)
    ranking.get_by_role("button", name="看表格").click()
    ranking.get_by_role("link", name=ZX).click()
    expect(page.locator("#scope-label")).to_have_text(ZX)
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text(str(reported(YEAR, code="ZX")))
    drawn(page)
    page.shoot("2-station-drill-down")

    # The chart's table view, then the district ranking's export.
    page.goto("/dashboard/?period=year&date=2026-11-25")
    drawn(page)
    panel = page.get_by_role("region", name="工作站综合指数排名")
    panel.get_by_role("button", name="看表格").click()
    expect(panel.get_by_role("table")).to_be_visible()
    with page.expect_download() as download:
        panel.get_by_role("button", name="导出 Excel").click()
    workbook = load_workbook(BytesIO(open(download.value.path(), "rb").read()), read_only=True)  # noqa: SIM115
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("名次", "工作站", "综合指数", "等级")
    assert {row[1] for row in rows[1:]} == {ZX, HX, DS}
    assert download.value.suggested_filename.startswith("工作站综合指数排名 2026")


def test_a_chief_sees_only_their_station(demo, page):
    sign_in(page, "zhanzhang_hx")
    page.get_by_role("link", name="数据看板").click()
    expect(page.locator("#scope-label")).to_have_text(HX)
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text(str(reported(MONTH, code="HX")))
    stations = page.get_by_label("工作站", exact=True).locator("option")
    expect(stations).to_have_text(["全部（我的范围）", HX])
    ranking = page.get_by_role("region", name="工作站综合指数排名")
    ranking.get_by_role("button", name="看表格").click()
    expect(ranking.get_by_role("link")).to_have_count(1)
    expect(page.get_by_text(ZX)).to_have_count(0)
    drawn(page)
    page.shoot("1-chief-station")

    zx = Workstation.objects.get(code="ZX")
    page.expect_console_error(r"404")
    response = page.goto(f"/dashboard/?station={zx.pk}")
    assert response.status == 404
