"""Input bounds (issue 13, item 8): lists have a maximum, an outside system's report time must be
recent, a grid worker reports only as themselves, and an intake account reads nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from cases.models.lengths import MAX_ATTENDED, MAX_CO_DEPARTMENTS, MAX_PARTICIPANTS
from cases.services import mediation
from demo.tokens import ensure_intake_accounts
from tests.api_helpers import assert_error, get, post
from tests.personas import walk_to
from tests.test_api_intake import PAYLOADS

# --- Lists ------------------------------------------------------------------------------------


def test_a_dispatch_names_at_most_so_many_co_departments(world):
    case = walk_to(world, "accepted")
    body = {"co_ids": list(range(1, MAX_CO_DEPARTMENTS + 2)), "reason": "全部协办"}
    errors = assert_error(post(world.zhang, f"/api/cases/{case.pk}/dispatch/", body), 400)["errors"]
    assert list(errors) == ["co_ids"]
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_a_mediation_round_takes_at_most_so_many_participants(world):
    case = walk_to(world, "in_progress")
    people = [{"role": "lawyer", "name": f"律师{i}"} for i in range(MAX_PARTICIPANTS + 1)]
    body = {"scheduled_at": (timezone.now() + timedelta(days=2)).isoformat(), "place": "调解室", "participants": people}
    errors = assert_error(post(world.tiaojie, f"/api/cases/{case.pk}/schedule_mediation/", body), 400)["errors"]
    assert list(errors) == ["participants.non_field_errors"]  # the list as a whole
    assert not case.mediations.exists()


def test_attendance_lists_at_most_so_many_ids(world):
    case = walk_to(world, "in_progress")
    session = mediation.mediation_schedule(
        case.pk, actor=world.tiaojie, scheduled_at=timezone.now() + timedelta(days=1), place="调解室"
    )
    body = {
        "session_id": session.pk,
        "minutes": "已调处",
        "outcome": "agreement",
        "agreement": "三日内移机",
        "attended_ids": list(range(1, MAX_ATTENDED + 2)),
    }
    errors = assert_error(post(world.tiaojie, f"/api/cases/{case.pk}/record_mediation/", body), 400)["errors"]
    assert list(errors) == ["attended_ids"]


def test_the_live_suggestion_reads_no_more_than_the_form_accepts(world):
    client = Client()
    client.force_login(world.wang)
    response = client.get(
        "/report/",
        {"title": "噪音" * 5000, "description": "空调" * 50000},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="suggestion",
    )
    assert response.status_code == 200


# --- Report times from outside systems --------------------------------------------------------

TIME_FIELD = {"110": "bjsj", "12345": "slsj", "four-platforms": "occur_time"}


@pytest.fixture
def keys(world):
    return ensure_intake_accounts()


def push(keys, source: str, **change):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {keys[f'intake-{source}']}")
    return client.post(f"/api/intake/{source}/", {**PAYLOADS[source], **change}, format="json")


@pytest.mark.parametrize("source", list(PAYLOADS))
@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        (timedelta(days=31), "上报时间不能早于 30 天前"),
        (timedelta(minutes=-10), "上报时间不能晚于当前时间（允许误差 5 分钟）"),
        (timedelta(days=-365), "上报时间不能晚于当前时间（允许误差 5 分钟）"),
    ],
    ids=["a-month-old", "ten-minutes-ahead", "next-year"],
)
def test_a_report_time_outside_the_window_is_400_with_the_sources_field(world, keys, source, offset, reason):
    moment = (timezone.localtime() - offset).isoformat()
    body = assert_error(push(keys, source, **{TIME_FIELD[source]: moment}), 400, "invalid")
    assert body["errors"] == {TIME_FIELD[source]: [reason]}
    assert not Case.objects.exists()


@pytest.mark.parametrize("offset", [timedelta(days=29), timedelta(minutes=-4)], ids=["29-days-old", "clock-skew"])
def test_a_report_time_inside_the_window_is_filed_with_that_time(world, keys, offset):
    moment = timezone.localtime() - offset
    response = push(keys, "110", bjsj=moment.isoformat())
    assert response.status_code == 201, response.json()
    assert abs(Case.objects.get().reported_at - moment) < timedelta(seconds=1)


def test_a_repeat_of_a_filed_push_answers_its_case_even_after_the_window(world, keys):
    first = push(keys, "12345")
    assert first.status_code == 201
    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        again = push(keys, "12345")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


# --- Who a grid worker may say reported ------------------------------------------------------


def report_body(world, **extra) -> dict:
    return {"station": world.station.pk, "grid": world.grid.pk, "title": "噪音", "description": "夜间噪音", **extra}


@pytest.mark.parametrize("source", ["leader", "walk_in"], ids=["as-a-leaders-instruction", "as-a-walk-in"])
def test_a_grid_worker_files_only_grid_reports(world, source):
    body = assert_error(post(world.wang, "/api/cases/", report_body(world, source=source)), 403, "forbidden")
    assert list(body["errors"]) == ["source"]
    assert not Case.objects.exists()


def test_the_reporter_is_always_the_caller(world):
    """No field names another reporter account: one sent is not read; the resident the grid
    worker speaks for is the source contact (reporter_name), not the reporter."""
    body = report_body(world, reporter=world.zhang.pk, reporter_id=world.lingdao.pk, reporter_name="陈某")
    assert post(world.wang, "/api/cases/", body).status_code == 201
    case = Case.objects.get()
    assert (case.reporter, case.reporter_name) == (world.wang, "陈某")


def test_the_chief_registers_a_leaders_instruction_naming_who_gave_it(world):
    body = report_body(world, source="leader", reporter_name="林领导", reporter_phone="13800000002")
    response = post(world.zhang, "/api/cases/", body)
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert (case.source, case.reporter, case.reporter_name) == ("leader", world.zhang, "林领导")


def test_a_grid_workers_own_report_is_a_grid_report_by_them(world):
    assert post(world.wang, "/api/cases/", report_body(world)).status_code == 201
    case = Case.objects.get()
    assert (case.source, case.reporter, case.reporter_name) == ("grid", world.wang, "")


# --- What an intake account reads ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/stations/", "/api/departments/", "/api/grids/", "/api/categories/"])
def test_an_intake_account_reads_no_reference_data(world, keys, path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {keys['intake-110']}")
    assert_error(client.get(path), 403)
    assert_error(client.get(f"{path}1/"), 403)
    assert get(world.wang, path).status_code == 200  # people still do


def test_an_intake_account_sees_no_case_and_no_staff(world, keys):
    """Every other GET it can reach: its own account, an empty case list, no notices."""
    report = post(world.wang, "/api/cases/", report_body(world)).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {keys['intake-110']}")
    assert client.get("/api/cases/").json()["results"] == []
    assert_error(client.get(f"/api/cases/{report['id']}/"), 404)
    assert client.get("/api/notifications/").json()["results"] == []
    me = client.get("/api/me/").json()
    assert me["username"] == "intake-110" and me["memberships"] == []
    assert "王网格" not in client.get("/api/me/").content.decode()
