"""The leaders' dashboard (一把手数据看板) in Chromium, on the demo data (``seed_demo``) and a
second station: the leader opens it, changes the period and the scope and sees the numbers
change, opens a station's drill-down from the ranking and exports the ranking (a download read
back with openpyxl); the second station's chief sees only their station."""

import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.models import Case, Source
from cases.services.intake import case_report
from tests.e2e.pages import sign_in
from workstation.models import Grid, Membership, Role, User, Workstation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SH = dt.timezone(dt.timedelta(hours=8))
# The whole journey runs at this moment (the server reads the clock in this process).
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=SH)
ZX = "振兴基层治理联动工作站"
HX = "和兴基层治理联动工作站"


def second_station() -> Workstation:
    """和兴 (HX), its chief and grid, and three walk-in cases: two this month, one in September."""
    station = Workstation.objects.create(code="HX", name=HX, latitude=Decimal("30.2550"), longitude=Decimal("120.1700"))
    grid = Grid.objects.create(
        station=station,
        code="HX-01",
        name="和兴社区第一网格",
        center_latitude=Decimal("30.2560"),
        center_longitude=Decimal("120.1710"),
    )
    chief = User.objects.create_user("hexing", password="Demo@2026", display_name="何站长")
    Membership.objects.create(user=chief, role=Role.CHIEF, station=station)
    for days_ago, title in [(2, "和兴小区楼道堆物"), (5, "和兴路夜市噪音"), (70, "和兴菜场占道经营")]:
        case_report(
            actor=chief,
            station=station,
            grid=grid,
            source=Source.WALK_IN,
            title=title,
            description=title,
            latitude=Decimal("30.2561") + Decimal(days_ago) / 10000,
            longitude=Decimal("120.1712"),
            reported_at=NOW - dt.timedelta(days=days_ago),
        )
    return station


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
        call_command("seed_demo", allow_production=True, stdout=StringIO())
        second_station()
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

    # The period: the year holds the September case too.
    page.get_by_label("统计周期", exact=True).select_option(label="年")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#period-label")).to_have_text("2026")
    drawn(page)
    year = intake(page)
    in_2026 = Case.objects.filter(reported_at__gte=dt.datetime(2026, 1, 1, tzinfo=SH), reported_at__lt=NOW)
    assert int(year) == in_2026.count() > int(month)

    # The scope: 和兴 alone.
    page.get_by_label("工作站", exact=True).select_option(label=HX)
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#scope-label")).to_have_text(HX)
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text("3")

    # Back to the district; then the drill-down into 振兴 from the ranking.
    page.get_by_label("工作站", exact=True).select_option(label="全部")
    page.get_by_role("button", name="查看").click()
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text(year)
    ranking.get_by_role("button", name="看表格").click()
    ranking.get_by_role("link", name=ZX).click()
    expect(page.locator("#scope-label")).to_have_text(ZX)
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text(str(int(year) - 3))
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
    assert {row[1] for row in rows[1:]} == {ZX, HX}
    assert download.value.suggested_filename.startswith("工作站综合指数排名 2026")


def test_a_chief_sees_only_their_station(demo, page):
    sign_in(page, "hexing")
    page.get_by_role("link", name="数据看板").click()
    expect(page.locator("#scope-label")).to_have_text(HX)
    expect(page.locator('[data-measure="intake"] [data-value]')).to_have_text("2")
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
