"""External intake: each source's own payload becomes a case, once per external id, pushed only
with that source's service-account token; a bad payload stores nothing."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections, transaction
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, CaseNumberSequence, Party
from cases.services.intake import case_report
from demo.tokens import ensure_intake_accounts
from notifications.models import Notification
from tests.api_helpers import assert_error, token_for, wait_for_lock_waiters
from tests.personas import build_world


def hours_ago(hours: float) -> str:
    """A report time the outside system could send now: within the accepted window."""
    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(hours=hours)).isoformat(timespec="seconds")


PAYLOADS = {
    "110": {
        "jqbh": "J3301062026112800123",
        "bjsj": hours_ago(3),
        "bjnr": "报警人称楼上邻居空调外机噪音扰民，双方发生口角，无人员受伤",
        "jqlb": "纠纷-邻里纠纷",
        "jqdj": "1",
        "fadz": "振兴街道紫金凰小区3幢",
        "lng": "120.149800",
        "lat": "30.271200",
        "bjrxm": "张某",
        "bjrdh": "13900000001",
        "station": "ZX",
    },
    "12345": {
        "gdbh": "GD202611280456",
        "slsj": hours_ago(2),
        "sqbt": "某餐馆拖欠员工工资三个月",
        "sqnr": "来电人反映其在振兴路某餐馆工作，老板拖欠三个月工资共计1.8万元，要求协调支付",
        "sqlx": "投诉",
        "sqdz": "振兴路12号",
        "ldrxm": "李某",
        "ldhm": "13900000002",
        "jjcd": "紧急",
        "cbdw": "ZX",
    },
    "four-platforms": {
        "event_id": "SPT-2026-000789",
        "event_title": "小区楼道堆放杂物堵塞消防通道",
        "event_content": "网格巡查发现3幢2单元楼道堆放大量纸箱，堵塞消防通道，存在安全隐患",
        "occur_time": hours_ago(4),
        "address": "紫金凰小区3幢2单元",
        "location": {"longitude": "120.149900", "latitude": "30.271300"},
        "org_code": "ZX",
        "grid_code": "ZJH-1",
        "urgency_level": 2,
        "reporter": {"name": "王网格", "mobile": "13800000001"},
        "parties": [
            {"name": "赵某", "mobile": "13900000009", "id_card": "330106199001191234", "party_type": "respondent"}
        ],
    },
}
EXTERNAL_ID = {"110": "jqbh", "12345": "gdbh", "four-platforms": "event_id"}
REPORTED_AT = {"110": "bjsj", "12345": "slsj", "four-platforms": "occur_time"}


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def keys(world):
    return ensure_intake_accounts()


@pytest.mark.django_db
@pytest.mark.parametrize("source", list(PAYLOADS))
def test_a_push_files_one_case_and_a_repeat_returns_it(world, keys, source):
    w = world
    client = client_with(keys[f"intake-{source}"])
    first = client.post(f"/api/intake/{source}/", PAYLOADS[source], format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["created"] is True
    assert body["source"] == source
    assert body["external_id"] == PAYLOADS[source][EXTERNAL_ID[source]]
    case = Case.objects.get(pk=body["id"])
    assert (case.station, case.status, case.reporter) == (w.station, "reported", None)
    reported = datetime.fromisoformat(PAYLOADS[source][REPORTED_AT[source]])
    assert case.number.startswith(f"ZX-{reported:%Y%m%d}-")  # the day it was reported, there

    again = client.post(f"/api/intake/{source}/", PAYLOADS[source], format="json")
    assert again.status_code == 200
    assert again.json() == {**body, "created": False}
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_each_source_maps_its_own_fields(world, keys):
    w = world
    for source, payload in PAYLOADS.items():
        client_with(keys[f"intake-{source}"]).post(f"/api/intake/{source}/", payload, format="json")
    police = Case.objects.get(source="110")
    assert police.title == "110非警务警情：纠纷-邻里纠纷"
    assert (police.reporter_name, police.reporter_phone) == ("张某", "13900000001")
    assert str(police.latitude) == "30.271200"
    hotline = Case.objects.get(source="12345")
    assert hotline.title == "12345投诉：某餐馆拖欠员工工资三个月"
    assert hotline.urgency == "urgent"
    platform = Case.objects.get(source="four-platforms")
    assert platform.grid == w.grid
    assert platform.urgency == "urgent"
    party = platform.parties.get()
    assert (party.name, party.role, party.id_number) == ("赵某", "respondent", "330106199001191234")
    # The chiefs hear of each.
    assert Notification.objects.filter(recipient=w.zhang, kind="reported").count() == 3


@pytest.mark.django_db
def test_only_the_sources_own_account_may_push(world, keys):
    w = world
    url = "/api/intake/110/"
    assert_error(client_with(keys["intake-12345"]).post(url, PAYLOADS["110"], format="json"), 403, "forbidden")
    chief = token_for(w.zhang)
    assert_error(client_with(chief).post(url, PAYLOADS["110"], format="json"), 403, "forbidden")
    response = APIClient().post(url, PAYLOADS["110"], format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    # A session is not enough either: machines push with their token.
    session = APIClient()
    session.force_login(w.zhang)
    assert_error(session.post(url, PAYLOADS["110"], format="json"), 401)
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "change", "fields"),
    [
        ("110", {"jqbh": "", "bjsj": "昨天", "lat": "91"}, {"jqbh", "bjsj", "lat"}),
        ("110", {"station": "NOPE"}, {"station"}),
        ("110", {"lng": None}, {"lat"}),
        ("12345", {"jjcd": "很急", "cbdw": "HX"}, {"jjcd"}),
        ("12345", {"cbdw": "QQ"}, {"cbdw"}),
        ("four-platforms", {"grid_code": "NOPE"}, {"grid_code"}),
        ("four-platforms", {"parties": [{"name": "赵某", "id_card": "12345"}]}, {"parties.0.id_card"}),
        ("four-platforms", {"parties": [{"name": "赵某", "id_card": "330106199001191235"}]}, {"parties.0.id_card"}),
        ("four-platforms", {"location": {"longitude": "200"}}, {"location.longitude", "location.latitude"}),
    ],
)
def test_a_bad_payload_is_400_and_stores_nothing(world, keys, source, change, fields):
    payload = {**PAYLOADS[source], **change}
    body = assert_error(
        client_with(keys[f"intake-{source}"]).post(f"/api/intake/{source}/", payload, format="json"), 400, "invalid"
    )
    assert set(body["errors"]) == fields
    assert not Case.objects.exists()
    assert not Party.objects.exists()
    assert not CaseNumberSequence.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_file_one_case():
    """Two pushes of one incident at once, on two connections. A third transaction files the same
    incident and holds it uncommitted, so both pushes look, find nothing, and queue on its locks;
    it then rolls back and lets them go. One files the case, the other meets the unique
    constraint and answers the winner's case; one number is used."""
    w = build_world()
    key = ensure_intake_accounts()["intake-110"]
    results: list = [None, None]

    def push(index: int) -> None:
        try:
            response = client_with(key).post("/api/intake/110/", PAYLOADS["110"], format="json")
            results[index] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=push, args=(i,)) for i in range(2)]
    with transaction.atomic():
        case_report(
            actor=None,
            station=w.station,
            title="占位",
            description="占位",
            source="110",
            external_id="J3301062026112800123",
        )
        for thread in threads:
            thread.start()
        assert wait_for_lock_waiters(2), "the pushes never met at the lock"
        transaction.set_rollback(True)
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(code for code, _ in results) == [200, 201], results
    assert results[0][1]["id"] == results[1][1]["id"] == Case.objects.get().pk
    assert CaseEvent.objects.filter(action="report").count() == 1
    assert CaseNumberSequence.objects.get().last == 1  # the loser's number rolled back with it
