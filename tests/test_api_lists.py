"""Lists: filters, ordering, cursor pagination, query counts that do not grow with the page,
notifications (own only), and the read-only reference data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, Category, Clarity
from cases.services import dispatching
from cases.services.intake import PartyInput
from notifications.models import Notification
from tests.api_helpers import assert_error, get, post, token_client, token_for
from tests.personas import report_ac_dispute, walk_to

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def cases(world):
    """Four cases of different shape at the station, the oldest first."""
    w = world
    now = timezone.now()
    dispute = walk_to(w, "dispatched")  # neighbour dispute, grid 1, in wang's name
    wages = report_ac_dispute(
        w,
        actor=w.zhang,
        grid=w.other_grid,
        title="某餐馆拖欠工资",
        description="员工反映被拖欠三个月工资",
        category=w.labour,
        urgency="urgent",
        reported_at=now - dt.timedelta(days=3),
        address="振兴路12号",
    )
    refund = report_ac_dispute(
        w,
        title="健身房预付卡退款",
        description="健身房关门，预付卡无法退款",
        category=w.consumer,
        reported_at=now - dt.timedelta(days=10),
        parties=[],
    )
    rejected = dispatching.case_reject(report_ac_dispute(w, title="非辖区事项").pk, actor=w.zhang, reason="不属本站")
    return {"dispute": dispute, "wages": wages, "refund": refund, "rejected": rejected}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "dispatched"}, ["dispute"]),
        ({"status": ["reported", "rejected"]}, ["rejected", "wages", "refund"]),
        ({"open": "false"}, ["rejected"]),
        ({"grid": "OTHER"}, ["wages"]),
        ({"category": "LABOUR"}, ["wages"]),
        ({"category": "DISPUTES"}, ["wages", "refund"]),  # a parent category takes its children
        ({"department": "ENFORCEMENT"}, ["dispute"]),
        ({"lead_department": "MEDIATION"}, ["dispute"]),
        ({"urgency": "urgent"}, ["wages"]),
        ({"source": "grid"}, ["rejected", "dispute", "wages", "refund"]),
        ({"ladder": "red"}, []),
        ({"reported_after": "DAYS_AGO_5"}, ["rejected", "dispute", "wages"]),
        ({"reported_before": "DAYS_AGO_5"}, ["refund"]),
        ({"handle_due_before": "DAYS_AHEAD_30"}, ["dispute"]),
        ({"q": "预付卡"}, ["refund"]),
        ({"q": "振兴路"}, ["wages"]),
        ({"ordering": "reported_at"}, ["refund", "wages", "dispute", "rejected"]),
    ],
)
def test_case_filters(world, cases, params, expected):
    w = world
    parent = Category.objects.create(code="disputes", name="纠纷大类", clarity=Clarity.CLEAR)
    Category.objects.filter(pk__in=[w.labour.pk, w.consumer.pk]).update(parent=parent)
    now = timezone.now()
    values = {
        "OTHER": w.other_grid.pk,
        "LABOUR": w.labour.pk,
        "DISPUTES": parent.pk,
        "ENFORCEMENT": w.dept.enforcement.pk,
        "MEDIATION": w.dept.mediation.pk,
        "DAYS_AGO_5": (now - dt.timedelta(days=5)).isoformat(),
        "DAYS_AHEAD_30": (now + dt.timedelta(days=30)).isoformat(),
    }
    params = {k: values.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    names = {c.pk: name for name, c in cases.items()}
    assert [names[i] for i in ids(get(w.zhang, "/api/cases/", params))] == expected


def test_bad_filter_values_are_400(world):
    w = world
    body = assert_error(get(w.zhang, "/api/cases/", {"status": "nope", "station": "x", "grid": 2**70}), 400)
    assert set(body["errors"]) == {"status", "station", "grid"}
    body = assert_error(get(w.zhang, "/api/cases/", {"cursor": "garbage"}), 400, "invalid")
    assert list(body["errors"]) == ["cursor"]


def test_filters_never_widen_the_scope(world, cases):
    w = world
    assert ids(get(w.zhifa, "/api/cases/", {"station": w.station.pk})) == [cases["dispute"].pk]


def test_cursor_pagination_walks_every_case_once(world):
    w = world
    moment = timezone.now() - dt.timedelta(days=1)
    for i in range(7):  # three share a timestamp: the id breaks the tie
        report_ac_dispute(w, title=f"事件{i}", reported_at=moment if i < 3 else moment - dt.timedelta(hours=i))
    seen, url = [], "/api/cases/?page_size=2"
    client = APIClient()
    client.force_authenticate(w.zhang)
    while url:
        page = client.get(url).json()
        assert "count" not in page
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == list(Case.objects.order_by("-reported_at", "-id").values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 7


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_case_list_queries_do_not_grow_with_the_page(world, django_assert_num_queries):
    w = world
    for i in range(50):
        report_ac_dispute(w, title=f"事件{i}", category=w.neighbour)
    dispatching.case_accept(Case.objects.first().pk, actor=w.zhang)
    client = token_client(token_for(w.zhang))
    small = _count_queries(client, "/api/cases/?page_size=5")
    large = _count_queries(client, "/api/cases/?page_size=50")
    assert small == large
    # the token and its user, the user's other tokens (knox drops expired ones), memberships,
    # grids of memberships, the page, and the view log's one INSERT for the addresses the page
    # shows the chief in full (cases.viewlog)
    with django_assert_num_queries(6):
        assert len(client.get("/api/cases/?page_size=50").json()["results"]) == 50


def test_case_detail_queries_do_not_grow_with_its_parts(world):
    w = world
    small = walk_to(w, "in_progress")
    large = report_ac_dispute(w, parties=[PartyInput(name=f"当事人{i}", phone="13900000001") for i in range(20)])
    dispatching.case_accept(large.pk, actor=w.zhang)
    dispatching.case_dispatch(large.pk, actor=w.zhang)
    client = APIClient()
    client.force_authenticate(w.zhang)
    assert _count_queries(client, f"/api/cases/{small.pk}/") == _count_queries(client, f"/api/cases/{large.pk}/")


def test_nested_list_queries_do_not_grow(world):
    w = world
    case = walk_to(w, "in_progress")
    client = APIClient()
    client.force_authenticate(w.zhang)
    few = _count_queries(client, f"/api/cases/{case.pk}/events/")
    for i in range(10):
        post(w.zhang, f"/api/cases/{case.pk}/supervise/", {"message": f"督办{i}"})
    assert _count_queries(client, f"/api/cases/{case.pk}/events/") == few


# --- Notifications ----------------------------------------------------------------------------


def test_notifications_are_each_users_own(world):
    w = world
    walk_to(w, "dispatched")  # tells the chief (reported) and the departments (dispatched)
    mine = get(w.tiaojie, "/api/notifications/").json()["results"]
    assert mine and {n["kind"] for n in mine} == {"dispatched"}
    assert all(Notification.objects.get(pk=n["id"]).recipient == w.tiaojie for n in mine)
    assert get(w.tiaojie, "/api/notifications/unread-count/").json() == {"unread": len(mine)}

    read = post(w.tiaojie, f"/api/notifications/{mine[0]['id']}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert get(w.tiaojie, "/api/notifications/unread-count/").json() == {"unread": len(mine) - 1}
    assert ids(get(w.tiaojie, "/api/notifications/", {"unread": "false"})) == [mine[0]["id"]]

    # Someone else's notification does not exist for you.
    chiefs = Notification.objects.filter(recipient=w.zhang).first()
    assert_error(post(w.tiaojie, f"/api/notifications/{chiefs.pk}/read/"), 404)
    assert Notification.objects.get(pk=chiefs.pk).read_at is None

    assert post(w.tiaojie, "/api/notifications/read-all/").json() == {"marked": len(mine) - 1}
    assert get(w.tiaojie, "/api/notifications/unread-count/").json() == {"unread": 0}
    assert Notification.objects.filter(recipient=w.zhang, read_at__isnull=True).exists()


# --- Reference data and the current user ------------------------------------------------------


def test_reference_lists(world):
    w = world
    categories = get(w.wang, "/api/categories/", {"clarity": "blurred"}).json()["results"]
    assert [c["code"] for c in categories] == ["neighbour"]
    assert {d["code"] for d in categories[0]["co_departments"]} == {"enforcement", "police"}
    liaison = get(w.wang, "/api/departments/", {"station": w.station.pk, "presence": "liaison"}).json()["results"]
    assert {d["code"] for d in liaison} == {"hrss", "emergency"}
    stations = get(w.wang, "/api/stations/").json()["results"]
    assert [s["code"] for s in stations] == ["HX", "ZX"]
    zx = get(w.wang, f"/api/stations/{w.station.pk}/").json()
    assert len(zx["presences"]) == 6
    grids = get(w.wang, "/api/grids/", {"station": w.station.pk}).json()["results"]
    assert [g["code"] for g in grids] == ["ZJH-1", "ZJH-2"]
    assert_error(get(w.wang, "/api/grids/999999/"), 404, "not_found")


def test_me(world):
    w = world
    body = get(w.wang, "/api/me/").json()
    assert body["username"] == "wang"
    assert body["memberships"] == [
        {
            "role": "grid_worker",
            "station": {"id": w.station.pk, "code": "ZX", "name": w.station.name},
            "department": None,
            "grids": [{"id": w.grid.pk, "code": "ZJH-1", "name": w.grid.name}],
        }
    ]
