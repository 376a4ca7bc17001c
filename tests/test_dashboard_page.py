"""The leaders' dashboard page (issue 12, item 2): scope per role through the reach and the
access gate, the tables and chart data it carries, its query count flat in stations and cases,
and the exports of its tables read back with openpyxl."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test.utils import CaptureQueriesContext
from django.db import connection

from exports.models import Export
from tests.personas import report_ac_dispute, walk_to
from tests.test_exports import body, read_xlsx
from tests.test_pages import client_of
from workstation.models import Grid, Membership, Role, Workstation

pytestmark = pytest.mark.needs("postgresql")

SH = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=SH)


def chart_data(response) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1))


def tile(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'data-measure="{name}">.*?<span class="number" data-value>(.*?)</span>', html, re.S)
    return match.group(1)


@pytest.fixture
def cases(world):
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        walk_to(world, "closed")
        walk_to(world, "in_progress")
        report_ac_dispute(world, title="和兴的事", station=world.other_station, grid=None, actor=world.outsider)
    return world


@time_machine.travel(NOW, tick=False)
def test_the_leader_reads_the_district(cases):
    response = client_of(cases.lingdao).get("/dashboard/")

    assert response.status_code == 200
    assert tile(response, "intake") == "3"
    data = chart_data(response)
    assert sum(data["breakdowns"]["source"]["values"]) == 3
    assert set(data["rankings"]["station"]["labels"]) <= {"振兴基层治理联动工作站", "和兴基层治理联动工作站"}
