"""Every lifecycle action through the API, by every persona: allowed ones work, refused ones
answer 403 (in scope, but the transition table says no) or 404 (out of scope), and change nothing.

Each row: the state the real services walk the case to, the payload, and then who tries it, in
order, with the status they get. The refused come first; the last ones are allowed and succeed.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Assignment, CaseEvent, Hold, MediationSession, Summons, Supervision
from cases.services import dispatching, handling, mediation, summonses, supervision
from tests.api_helpers import assert_error, post
from tests.personas import report_ac_dispute, walk_to

pytestmark = pytest.mark.django_db

# Out of scope, the case does not exist: the unassigned handler, the other station's chief.
OUTSIDE = [("shijian", 404), ("outsider", 404)]
# The leader sees every case; the transition table lets them only supervise.
NOT_LEADER = [("lingdao", 403)]


@dataclass
class Row:
    state: str
    attempts: list[tuple[str, int]]
    payload: Any = None  # a dict, or a function (w, case) -> dict that may prepare state


def _requested_return(w, case):
    request = handling.return_request(case.pk, actor=w.zhifa, reason="不属于执法职责")
    return {"request_id": request.pk, "approve": True}


def _requested_extension(w, case):
    due = case.handle_due_at + dt.timedelta(days=3)
    extension = handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=due, reason="需等待鉴定")
    return {"request_id": extension.pk, "approve": True}


def _requested_hold(w, case):
    hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
    return {"request_id": hold.pk, "approve": False, "note": "可先行调解"}


def _held(w, case):
    hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
    handling.hold_decide(case.pk, actor=w.zhang, request_id=hold.pk, approve=True)
    return {}


def _co_signed(w, case):
    handling.assignment_sign(case.pk, actor=w.zhifa)
    return {"text": "已到场核实，配合调解"}


def _co_assignment(w, case):
    assignment = Assignment.objects.get(case=case, department=w.dept.enforcement)
    return {"assignment_id": assignment.pk, "reason": "执法部门无需参与"}


def _parts_in(w, case):
    for co in (w.zhifa, w.gongan):
        handling.assignment_sign(case.pk, actor=co)
        handling.part_record(case.pk, actor=co, text="已配合")
    return {"text": "双方达成协议，空调外机已移位"}


def _merge_target(w, case):
    return {"into_id": report_ac_dispute(w, title="紫金凰小区空调外机噪音（首报）").pk, "reason": "重复上报"}


def _supervised(w, case):
    notice = supervision.case_supervise(case.pk, actor=w.zhang, message="请加快办理")
    return {"supervision_id": notice.pk, "response": "已约双方本周调解"}


def _scheduled(w, case):
    session = mediation.mediation_schedule(
        case.pk, actor=w.tiaojie, scheduled_at=timezone.now() + dt.timedelta(days=1), place="工作站调解室"
    )
    return {"session_id": session.pk, "minutes": "双方各自陈述", "outcome": "partial"}


def _summoned(w, case):
    """Dispatch with 应急管理 as a co-department: its liaison officer (yingji) is summoned."""
    co_ids = (w.dept.enforcement.pk, w.dept.police.pk, w.dept.emergency.pk)
    dispatching.case_dispatch(case.pk, actor=w.zhang, co_ids=co_ids, reason="需应急管理参与")
    return {"summons_id": Summons.objects.get(case=case).pk}


def _acknowledged(w, case):
    payload = _summoned(w, case)
    summonses.summons_acknowledge(case.pk, actor=w.yingji, **payload)
    return payload


def _future(w, case):
    return {"scheduled_at": (timezone.now() + dt.timedelta(days=2)).isoformat(), "place": "工作站调解室"}


def _extension(w, case):
    return {"requested_due_at": (case.handle_due_at + dt.timedelta(days=3)).isoformat(), "reason": "需等待鉴定"}


CHIEF_ONLY_AT_INTAKE = [("wang", 403), ("tiaojie", 404), ("zhifa", 404), *NOT_LEADER, *OUTSIDE]

ROWS = {
    "accept": Row("reported", [*CHIEF_ONLY_AT_INTAKE, ("zhang", 200)]),
    "reject": Row("reported", [*CHIEF_ONLY_AT_INTAKE, ("zhang", 200)], {"reason": "非本站辖区事项"}),
    "merge": Row("reported", [*CHIEF_ONLY_AT_INTAKE, ("zhang", 200)], _merge_target),
    "dispatch": Row("accepted", [*CHIEF_ONLY_AT_INTAKE, ("zhang", 200)]),
    "sign": Row("dispatched", [("wang", 403), ("zhang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 200), ("zhifa", 200)]),
    "request_return": Row(
        "dispatched", [("wang", 403), ("zhang", 403), *NOT_LEADER, *OUTSIDE, ("zhifa", 201)], {"reason": "非执法职责"}
    ),
    "decide_return": Row(
        "dispatched",
        [("wang", 403), ("tiaojie", 403), ("zhifa", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)],
        _requested_return,
    ),
    "request_extension": Row(
        "in_progress",
        [("zhifa", 403), ("zhang", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 201)],
        _extension,
    ),
    "decide_extension": Row(
        "in_progress",
        [("tiaojie", 403), ("zhifa", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)],
        _requested_extension,
    ),
    "request_hold": Row(
        "in_progress",
        [("zhifa", 403), ("zhang", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 201)],
        {"reason": "等待法院判决"},
    ),
    "decide_hold": Row(
        "in_progress",
        [("tiaojie", 403), ("zhifa", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)],
        _requested_hold,
    ),
    "resume": Row("in_progress", [("zhifa", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 200)], _held),
    "record_part": Row(
        "in_progress",
        [("tiaojie", 403), ("zhang", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("zhifa", 200)],
        _co_signed,
    ),
    "waive_part": Row(
        "in_progress",
        [("tiaojie", 403), ("zhifa", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)],
        _co_assignment,
    ),
    "resolve": Row(
        "in_progress",
        [("zhifa", 403), ("zhang", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 200)],
        _parts_in,
    ),
    "feedback": Row(
        "resolved", [("tiaojie", 403), ("zhifa", 403), *NOT_LEADER, *OUTSIDE, ("wang", 200)], {"result": "satisfied"}
    ),
    "close": Row("resolved", [("wang", 403), ("tiaojie", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)]),
    "supervise": Row(
        "in_progress",
        [("wang", 403), ("tiaojie", 403), ("zhifa", 403), *OUTSIDE, ("lingdao", 201), ("zhang", 201)],
        {"message": "请于本周内办结"},
    ),
    "respond_supervision": Row(
        "in_progress", [("wang", 403), ("zhang", 403), *NOT_LEADER, *OUTSIDE, ("zhifa", 200)], _supervised
    ),
    "schedule_mediation": Row(
        "in_progress", [("wang", 403), ("zhifa", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 201)], _future
    ),
    "record_mediation": Row(
        "in_progress", [("wang", 403), ("zhifa", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)], _scheduled
    ),
    "acknowledge_summons": Row(
        "accepted",
        [("wang", 403), ("zhang", 403), ("tiaojie", 403), *NOT_LEADER, *OUTSIDE, ("yingji", 200)],
        _summoned,
    ),
    "record_arrival": Row(
        "accepted", [("wang", 403), ("tiaojie", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)], _acknowledged
    ),
}


def test_every_action_has_a_row():
    from cases.api.actions import ACTIONS

    assert set(ACTIONS) == set(ROWS)


@pytest.mark.parametrize("action", list(ROWS))
def test_action_by_persona(world, action):
    w = world
    row = ROWS[action]
    case = walk_to(w, row.state)
    payload = row.payload(w, case) if callable(row.payload) else dict(row.payload or {})
    url = f"/api/cases/{case.pk}/{action}/"

    got = []
    for persona, expected in row.attempts:
        events = CaseEvent.objects.filter(case=case).count()
        response = post(getattr(w, persona), url, payload)
        got.append((persona, response.status_code))
        if expected >= 400:
            body = assert_error(response, expected)
            assert body["code"] == ("not_found" if expected == 404 else "forbidden"), body
            assert CaseEvent.objects.filter(case=case).count() == events, f"{persona} changed the case"
        else:
            assert response.status_code == expected, response.json()
    assert got == row.attempts


def test_action_answers_the_case_in_detail(world):
    w = world
    case = walk_to(w, "reported")
    response = post(w.zhang, f"/api/cases/{case.pk}/accept/", {"expected_status": "reported"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted"
    assert "dispatch" in body["available_actions"]
    assert body["my_roles"] == ["chief"]


def test_created_objects_are_answered(world):
    w = world
    case = walk_to(w, "in_progress")
    hold = post(w.tiaojie, f"/api/cases/{case.pk}/request_hold/", {"reason": "等待鉴定结论"})
    assert hold.status_code == 201
    assert hold.json()["status"] == "pending"
    assert Hold.objects.get(pk=hold.json()["id"]).reason == "等待鉴定结论"

    session = post(
        w.zhang,
        f"/api/cases/{case.pk}/schedule_mediation/",
        {
            "scheduled_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
            "place": "工作站调解室",
            "participants": [{"role": "elder", "name": "陈老伯"}, {"role": "lawyer", "name": "周律师"}],
        },
    )
    assert session.status_code == 201, session.json()
    names = {p["name"] for p in session.json()["participants"]}
    assert {"陈老伯", "周律师", "人民调解委员会"} <= names
    assert MediationSession.objects.filter(case=case).count() == 1

    notice = post(w.lingdao, f"/api/cases/{case.pk}/supervise/", {"message": "挂牌督办"})
    assert notice.status_code == 201
    assert Supervision.objects.get(pk=notice.json()["id"]).created_by == w.lingdao


@pytest.mark.parametrize("kind", ["return", "extension", "hold"])
def test_a_refusal_without_a_note_names_the_note(world, kind):
    w = world
    case = walk_to(w, "in_progress")
    if kind == "return":
        request = handling.return_request(case.pk, actor=w.tiaojie, reason="不属于调解范围")
    elif kind == "extension":
        due = case.handle_due_at + dt.timedelta(days=5)
        request = handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=due, reason="等待鉴定")
    else:
        request = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
    response = post(w.zhang, f"/api/cases/{case.pk}/decide_{kind}/", {"request_id": request.pk, "approve": False})
    body = assert_error(response, 400, "invalid")
    assert list(body["errors"]) == ["note"]
    assert type(request).objects.get(pk=request.pk).status == "pending"


def test_one_name_per_action():
    """The key of an action is its transition, its URL, its operation id and its input's name;
    the input's fields are the service's keyword arguments."""
    import inspect

    from django.urls import reverse

    from cases.api.actions import ACTIONS
    from cases.services.lifecycle import TRANSITIONS

    # the case detail offers the actions in the table's order: the registry lists them the same way
    assert list(ACTIONS) == [key for key in TRANSITIONS if key in ACTIONS]
    for key, spec in ACTIONS.items():
        assert key in TRANSITIONS, key
        assert reverse(f"api:case-{key}", args=[1]) == f"/api/cases/1/{key}/"
        assert spec.input.__name__ == "".join(word.title() for word in key.split("_")) + "Serializer"
        arguments = inspect.signature(spec.service).parameters
        for serializer in filter(None, [spec.input, spec.multipart]):
            assert set(serializer().fields) <= set(arguments), (key, set(serializer().fields) - set(arguments))


def _schedule(w, case, *participants):
    return post(
        w.zhang,
        f"/api/cases/{case.pk}/schedule_mediation/",
        {
            "scheduled_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
            "place": "工作站调解室",
            "participants": list(participants),
        },
    )


def test_a_participant_may_name_a_user_of_the_station_or_an_assigned_department(world):
    w = world
    case = walk_to(w, "in_progress")
    response = _schedule(
        w,
        case,
        {"role": "other", "user_id": w.shijian.pk},  # a member of the station; name from the account
        {"role": "department", "department_id": w.dept.police.pk, "user_id": w.gongan.pk},
    )
    assert response.status_code == 201, response.json()
    people = {(p["role"], p["name"], p["department"]): p["user"] for p in response.json()["participants"]}
    assert people[("other", "石市监", None)] == w.shijian.pk
    assert people[("department", "公安分局", w.dept.police.pk)] == w.gongan.pk
    assert people[("department", "人民调解委员会", w.dept.mediation.pk)] is None


@pytest.mark.parametrize(
    "who, field",
    [
        ("lingdao", "participants"),  # a leader: no station
        ("outsider", "participants"),  # another station's chief
        ("nobody", "participants.0.user_id"),
        ("inactive", "participants.0.user_id"),
    ],
)
def test_a_participant_user_must_be_an_active_member_of_the_station_or_an_assigned_department(world, who, field):
    w = world
    case = walk_to(w, "in_progress")
    if who == "inactive":
        w.gongan.is_active = False
        w.gongan.save(update_fields=["is_active"])
    user_id = {"lingdao": w.lingdao.pk, "outsider": w.outsider.pk, "nobody": 10**9, "inactive": w.gongan.pk}[who]
    body = assert_error(_schedule(w, case, {"role": "lawyer", "name": "周律师", "user_id": user_id}), 400, "invalid")
    assert list(body["errors"]) == [field], body
    assert not MediationSession.objects.filter(case=case).exists()
