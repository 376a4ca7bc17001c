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

from cases.models import Assignment, CaseEvent, Hold, MediationSession, Supervision
from cases.services import handling, mediation, supervision
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
    return {"request": request.pk, "approve": True}


def _requested_extension(w, case):
    due = case.handle_due_at + dt.timedelta(days=3)
    extension = handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=due, reason="需等待鉴定")
    return {"request": extension.pk, "approve": True}


def _requested_hold(w, case):
    hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
    return {"request": hold.pk, "approve": False, "note": "可先行调解"}


def _held(w, case):
    hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
    handling.hold_decide(case.pk, actor=w.zhang, request_id=hold.pk, approve=True)
    return {}


def _co_signed(w, case):
    handling.assignment_sign(case.pk, actor=w.zhifa)
    return {"text": "已到场核实，配合调解"}


def _co_assignment(w, case):
    assignment = Assignment.objects.get(case=case, department=w.dept.enforcement)
    return {"assignment": assignment.pk, "reason": "执法部门无需参与"}


def _parts_in(w, case):
    for co in (w.zhifa, w.gongan):
        handling.assignment_sign(case.pk, actor=co)
        handling.part_record(case.pk, actor=co, text="已配合")
    return {"text": "双方达成协议，空调外机已移位"}


def _merge_target(w, case):
    return {"into": report_ac_dispute(w, title="紫金凰小区空调外机噪音（首报）").pk, "reason": "重复上报"}


def _supervised(w, case):
    notice = supervision.case_supervise(case.pk, actor=w.zhang, message="请加快办理")
    return {"supervision": notice.pk, "response": "已约双方本周调解"}


def _scheduled(w, case):
    session = mediation.mediation_schedule(
        case.pk, actor=w.tiaojie, scheduled_at=timezone.now() + dt.timedelta(days=1), place="工作站调解室"
    )
    return {"session": session.pk, "minutes": "双方各自陈述", "outcome": "continue"}


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
    "return-request": Row(
        "dispatched", [("wang", 403), ("zhang", 403), *NOT_LEADER, *OUTSIDE, ("zhifa", 201)], {"reason": "非执法职责"}
    ),
    "return-decision": Row(
        "dispatched",
        [("wang", 403), ("tiaojie", 403), ("zhifa", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)],
        _requested_return,
    ),
    "extension-request": Row(
        "in_progress",
        [("zhifa", 403), ("zhang", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 201)],
        _extension,
    ),
    "extension-decision": Row(
        "in_progress",
        [("tiaojie", 403), ("zhifa", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)],
        _requested_extension,
    ),
    "hold-request": Row(
        "in_progress",
        [("zhifa", 403), ("zhang", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 201)],
        {"reason": "等待法院判决"},
    ),
    "hold-decision": Row(
        "in_progress",
        [("tiaojie", 403), ("zhifa", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)],
        _requested_hold,
    ),
    "resume": Row("in_progress", [("zhifa", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 200)], _held),
    "record-part": Row(
        "in_progress",
        [("tiaojie", 403), ("zhang", 403), ("wang", 403), *NOT_LEADER, *OUTSIDE, ("zhifa", 200)],
        _co_signed,
    ),
    "waive-part": Row(
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
    "supervision-response": Row(
        "in_progress", [("wang", 403), ("zhang", 403), *NOT_LEADER, *OUTSIDE, ("zhifa", 200)], _supervised
    ),
    "schedule-mediation": Row(
        "in_progress", [("wang", 403), ("zhifa", 403), *NOT_LEADER, *OUTSIDE, ("tiaojie", 201)], _future
    ),
    "record-mediation": Row(
        "in_progress", [("wang", 403), ("zhifa", 403), *NOT_LEADER, *OUTSIDE, ("zhang", 200)], _scheduled
    ),
}


def test_every_action_has_a_row():
    from cases.api.actions import ACTIONS

    assert {a.path for a in ACTIONS} == set(ROWS)


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
    hold = post(w.tiaojie, f"/api/cases/{case.pk}/hold-request/", {"reason": "等待鉴定结论"})
    assert hold.status_code == 201
    assert hold.json()["status"] == "pending"
    assert Hold.objects.get(pk=hold.json()["id"]).reason == "等待鉴定结论"

    session = post(
        w.zhang,
        f"/api/cases/{case.pk}/schedule-mediation/",
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
    response = post(w.zhang, f"/api/cases/{case.pk}/{kind}-decision/", {"request": request.pk, "approve": False})
    body = assert_error(response, 400, "invalid")
    assert list(body["errors"]) == ["note"]
    assert type(request).objects.get(pk=request.pk).status == "pending"
