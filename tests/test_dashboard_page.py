"""The leaders' dashboard page (issue 12, item 2): scope per role through the reach and the
access gate, the tables and chart data it carries, its query count flat in stations and cases,
bad choices shown again with the reason; and the exports of its tables (item 3) read back with
openpyxl."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Source
from cases.services.intake import case_report
from exports.models import Export
from tests.personas import walk_to
from tests.test_exports import body, read_xlsx
from tests.test_pages import client_of
from workstation.models import Grid, Membership, Role, StationDepartment, User, Workstation

SH = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=SH)
ZX = "振兴基层治理联动工作站"
HX = "和兴基层治理联动工作站"


def chart_data(response) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1))


def tile(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'data-measure="{name}">.*?<span class="number" data-value>(.*?)</span>', html, re.S)
    return match.group(1)


def walk_in(station, actor, title, *, days_ago=2, grid=None):
    return case_report(
        actor=actor,
        station=station,
        grid=grid,
        source=Source.WALK_IN,
        title=title,
        description=title,
        reported_at=NOW - dt.timedelta(days=days_ago),
    )


@pytest.fixture
def cases(world):
    """Two cases at 振兴 (one closed, one in progress) and one at 和兴, two days ago."""
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        walk_to(world, "closed")
        walk_to(world, "in_progress")
        walk_in(world.other_station, world.outsider, "和兴的事", days_ago=0)
    return world


@time_machine.travel(NOW, tick=False)
def test_the_leader_reads_the_district_and_each_station(cases):
    w = cases
    leader = client_of(w.lingdao)

    district = leader.get("/dashboard/")
    zx = leader.get(f"/dashboard/?station={w.station.pk}")

    assert district.status_code == zx.status_code == 200
    assert tile(district, "intake") == "3"
    assert tile(zx, "intake") == "2"
    data = chart_data(district)
    assert sum(data["breakdowns"]["source"]["values"]) == 3
    assert set(data["rankings"]["station"]["labels"]) == {ZX, HX}
    assert f"?period=month&amp;date=2026-11-01&amp;station={w.station.pk}" in district.content.decode()  # drill-down
    assert "和兴的事" not in zx.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_chief_reads_only_their_station(cases):
    w = cases
    chief = client_of(w.zhang)

    own = chief.get("/dashboard/")

    assert own.status_code == 200
    assert tile(own, "intake") == "2"
    assert chart_data(own)["rankings"]["station"]["labels"] == [ZX]
    assert HX not in own.content.decode()
    assert chief.get(f"/dashboard/?station={w.other_station.pk}").status_code == 404
    assert client_of(w.outsider).get(f"/dashboard/?station={w.station.pk}").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_handler_reads_their_department_and_a_grid_worker_none(cases):
    w = cases
    mediator = client_of(w.tiaojie)

    own = mediator.get("/dashboard/")

    assert own.status_code == 200
    assert tile(own, "intake") == "2"  # both 振兴 cases are led by the mediation force
    assert chart_data(own)["rankings"]["department"]["labels"] == ["人民调解委员会"]
    assert mediator.get(f"/dashboard/?station={w.station.pk}&department={w.dept.police.pk}").status_code == 404
    assert client_of(w.shijian).get("/dashboard/").status_code == 200
    assert tile(client_of(w.shijian).get("/dashboard/"), "intake") == "0"
    assert client_of(w.wang).get("/dashboard/").status_code == 404
    assert client_of().get("/dashboard/").status_code == 302  # to the login page


@time_machine.travel(NOW, tick=False)
def test_bad_choices_are_shown_again_with_the_reason(cases):
    response = client_of(cases.lingdao).get("/dashboard/?period=custom&start=2026-11-20&end=2026-11-01&step=hour")

    assert response.status_code == 400
    html = response.content.decode()
    assert "结束日期不能早于开始日期" in html
    assert "未知的趋势粒度：hour" in html
    assert 'value="2026-11-20"' in html  # as typed
    assert tile(response, "intake") == "3"  # the default month in its place


def _more_stations(n: int) -> None:
    """``n`` more stations, each with a chief, a grid and a department, and three cases."""
    department = StationDepartment.objects.first().department
    for i in range(n):
        code = "S" + "ABCDEFGHIJ"[i] * 2
        station = Workstation.objects.create(code=code, name=f"第{i}工作站")
        StationDepartment.objects.create(station=station, department=department, presence="stationed")
        grid = Grid.objects.create(
            station=station,
            code=f"G{i}",
            name=f"第{i}网格",
            center_latitude=Decimal("30.2"),
            center_longitude=Decimal("120.1"),
        )
        chief = User.objects.create_user(f"chief{i}", password="x")
        Membership.objects.create(user=chief, role=Role.CHIEF, station=station)
        for j in range(3):
            walk_in(station, chief, f"第{i}站第{j}件", grid=grid)


@time_machine.travel(NOW, tick=False)
def test_the_page_runs_the_same_number_of_queries_for_more_stations_and_cases(cases):
    leader = client_of(cases.lingdao)
    leader.get("/dashboard/")  # warm: the session, the calendar cache

    with CaptureQueriesContext(connection) as few:
        assert leader.get("/dashboard/").status_code == 200
    _more_stations(4)
    with CaptureQueriesContext(connection) as many:
        response = leader.get("/dashboard/")

    assert tile(response, "intake") == "15"
    assert len(few) == len(many) == QUERIES_OF_THE_DASHBOARD, [q["sql"][:90] for q in many.captured_queries]


# The measures (dashboard.measures: with_changes, trend, three breakdowns, two rankings, with the
# labels of their rows; read from the rollup where it answers) 19. Besides: session, user,
# memberships (reach), overdue list, map points, grid counts, pickers (stations, departments, grids,
# categories), top bar posts, bell count and latest: 14.
QUERIES_OF_THE_DASHBOARD = 33


@time_machine.travel(NOW, tick=False)
def test_every_table_of_the_page_exports_as_shown_and_is_recorded(cases):
    w = cases
    leader = client_of(w.lingdao)
    params = {"period": "month", "date": "2026-11-25"}

    ranking = leader.post("/exports/dashboard-ranking-station/", params)
    kpi = leader.post("/exports/dashboard-kpi/", {**params, "station": str(w.station.pk)})

    rows, about = read_xlsx(body(ranking))
    assert rows[0][:4] == ["名次", "工作站", "综合指数", "等级"]
    assert {row[1] for row in rows[1:]} == {ZX, HX}
    assert about["导出内容"] == ["工作站综合指数排名 2026-11"]
    kpi_rows = {row[0]: row for row in read_xlsx(body(kpi))[0][1:]}
    assert kpi_rows["受理量"][1] == 2
    records = list(Export.objects.order_by("pk").values_list("kind", "row_count", "filters"))
    assert records == [
        ("dashboard-ranking-station", 2, {"period": ["month"], "date": ["2026-11-25"]}),
        ("dashboard-kpi", 10, {"period": ["month"], "date": ["2026-11-25"], "station": [str(w.station.pk)]}),
    ]
    for key in ("trend", "category", "source", "department", "ranking-department", "overdue"):
        assert leader.post(f"/exports/dashboard-{key}/", params).status_code == 200, key


@time_machine.travel(NOW, tick=False)
def test_a_table_export_out_of_reach_is_404_and_bad_input_400(cases):
    w = cases
    chief = client_of(w.zhang)

    assert chief.post("/exports/dashboard-ranking-station/", {"station": str(w.other_station.pk)}).status_code == 404
    assert chief.post("/exports/dashboard-trend/", {"period": "fortnight"}).status_code == 400
    assert not Export.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_configured_tile_server_is_allowed_on_this_page_only(cases, settings):
    settings.DASHBOARD_MAP_TILE_URL = "https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png"
    leader = client_of(cases.lingdao)

    page = leader.get("/dashboard/")

    assert "img-src 'self' data: blob: https://*.tiles.example.gov.cn" in page["Content-Security-Policy"]
    assert chart_data(page)["map"]["tiles"] == settings.DASHBOARD_MAP_TILE_URL
    assert "tiles.example" not in leader.get("/").headers["Content-Security-Policy"]
