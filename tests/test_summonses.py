"""Supervised summonses: the summoned liaison officer sees the case, acknowledges, and comes; the
chief hears of each step and may record the arrival. Each step once, in order, while the case is
being handled."""

import pytest

from cases.models import CaseEvent, Summons
from cases.services import dispatching, summonses
from notifications.models import Notification
from tests.api_helpers import assert_error, get, post
from tests.personas import walk_to

pytestmark = pytest.mark.django_db

EMERGENCY_TOO = "消防通道隐患需应急管理参与"


def summoned(w, *extra_co):
    """The dispute, dispatched with 应急管理 (and ``extra_co``) as co-departments: their liaison
    officers are summoned."""
    case = walk_to(w, "accepted")
    co_ids = (w.dept.enforcement.pk, w.dept.police.pk, w.dept.emergency.pk, *extra_co)
    return dispatching.case_dispatch(case.pk, actor=w.zhang, co_ids=co_ids, reason=EMERGENCY_TOO)


def test_the_officer_acknowledges_and_the_chief_records_the_arrival(world):
    w = world
    case = summoned(w)
    summons = Summons.objects.get(case=case, liaison_officer=w.yingji)
    url = f"/api/cases/{case.pk}"

    detail = get(w.yingji, f"{url}/").json()  # no membership: the summons alone lets them see it
    assert detail["my_roles"] == ["liaison"]
    assert detail["available_actions"] == ["acknowledge_summons"]
    assert detail["pii_masked"] is True
    assert [(s["department"]["code"], s["status"]) for s in detail["summonses"]] == [("emergency", "sent")]
    assert "record_arrival" not in get(w.zhang, f"{url}/").json()["available_actions"]

    response = post(w.yingji, f"{url}/acknowledge_summons/", {"summons_id": summons.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "acknowledged"
    assert response.json()["acknowledged_at"]
    assert Notification.objects.filter(recipient=w.zhang, kind="summons_acknowledged", case=case).count() == 1
    assert_error(post(w.yingji, f"{url}/acknowledge_summons/", {"summons_id": summons.pk}), 409, "already_acknowledged")
    assert get(w.yingji, f"{url}/").json()["available_actions"] == ["record_arrival"]
    assert "record_arrival" in get(w.zhang, f"{url}/").json()["available_actions"]

    response = post(w.zhang, f"{url}/record_arrival/", {"summons_id": summons.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "arrived"
    assert response.json()["arrived_at"]
    assert_error(post(w.zhang, f"{url}/record_arrival/", {"summons_id": summons.pk}), 409, "already_arrived")
    assert get(w.yingji, f"{url}/").json()["available_actions"] == []
    # The chief who saw them come is not told what they recorded themselves.
    assert not Notification.objects.filter(kind="summons_arrived", case=case).exists()

    events = CaseEvent.objects.filter(case=case, action__in=["acknowledge_summons", "record_arrival"])
    assert [(e.action, e.actor, e.payload["summons"]) for e in events.order_by("pk")] == [
        ("acknowledge_summons", w.yingji, summons.pk),
        ("record_arrival", w.zhang, summons.pk),
    ]


def test_the_officer_may_record_their_own_arrival_and_the_chief_hears_of_it(world):
    w = world
    case = summoned(w)
    summons = Summons.objects.get(case=case)
    summonses.summons_acknowledge(case.pk, actor=w.yingji, summons_id=summons.pk)
    response = post(w.yingji, f"/api/cases/{case.pk}/record_arrival/", {"summons_id": summons.pk})
    assert response.status_code == 200, response.json()
    assert Notification.objects.filter(recipient=w.zhang, kind="summons_arrived", case=case).count() == 1


def test_arrival_comes_after_acknowledgement(world):
    w = world
    case = summoned(w)
    summons = Summons.objects.get(case=case)
    response = post(w.zhang, f"/api/cases/{case.pk}/record_arrival/", {"summons_id": summons.pk})
    assert_error(response, 409, "not_acknowledged")
    summons.refresh_from_db()
    assert (summons.status, summons.arrived_at) == ("sent", None)


def test_an_officer_answers_only_their_own_summons(world):
    w = world
    case = summoned(w, w.dept.hrss.pk)  # 人力社保 too: renshe is summoned beside yingji
    theirs = Summons.objects.get(case=case, liaison_officer=w.renshe)
    response = post(w.yingji, f"/api/cases/{case.pk}/acknowledge_summons/", {"summons_id": theirs.pk})
    body = assert_error(response, 400, "invalid")
    assert list(body["errors"]) == ["summons_id"]
    theirs.refresh_from_db()
    assert theirs.status == "sent"


def test_a_summoned_officer_sees_the_case_and_nothing_else(world):
    w = world
    other = walk_to(w, "dispatched")  # nobody summoned
    case = summoned(w)
    assert [c["id"] for c in get(w.yingji, "/api/cases/").json()["results"]] == [case.pk]
    assert get(w.yingji, f"/api/cases/{other.pk}/").status_code == 404
    listed = get(w.yingji, f"/api/cases/{case.pk}/summonses/").json()["results"]
    assert [(s["liaison_officer"]["username"], s["status"]) for s in listed] == [("yingji", "sent")]
    assert get(w.yingji, f"/api/cases/{case.pk}/summonses/", {"status": "arrived"}).json()["results"] == []
