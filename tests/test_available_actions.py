"""The case detail's ``available_actions`` is exact: the pages show a button per entry.

For a range of states built through the real services, and for each persona who can see the
case: every action the list offers succeeds given valid input, and every action it leaves out is
refused with that same input. Each attempt runs in a savepoint that is rolled back, so all
attempts start from the same state.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from cases.api.actions import ACTIONS
from cases.models import Assignment, Case, Extension, Hold, MediationSession, ReturnRequest, Summons, Supervision
from cases.services import dispatching, handling, mediation, summonses, supervision
from cases.services.lifecycle import OPEN_CO
from tests.api_helpers import assert_error, get, post
from tests.personas import report_ac_dispute, walk_to

pytestmark = pytest.mark.django_db

# Everyone who can see the air-conditioner dispute once it is dispatched, and the liaison
# officer of 应急管理 once summoned to it.
PERSONAS = ["zhang", "tiaojie", "zhifa", "gongan", "wang", "lingdao", "yingji"]


def _future(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def _sign_co(w, case, *, record: bool = False):
    for co in (w.zhifa, w.gongan):
        handling.assignment_sign(case.pk, actor=co)
        if record:
            handling.part_record(case.pk, actor=co, text="已配合调解")


def _pending_return(w, case):
    handling.return_request(case.pk, actor=w.zhifa, reason="不属于执法职责")


def _pending_extension(w, case):
    due = case.handle_due_at + dt.timedelta(days=3)
    handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=due, reason="需等待鉴定")


def _pending_hold(w, case):
    handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")


def _on_hold(w, case):
    hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
    handling.hold_decide(case.pk, actor=w.zhang, request_id=hold.pk, approve=True)


def _part_recorded(w, case):
    handling.assignment_sign(case.pk, actor=w.zhifa)
    handling.part_record(case.pk, actor=w.zhifa, text="已到场核实")


def _part_waived(w, case):
    _part_recorded(w, case)
    police = Assignment.objects.get(case=case, department=w.dept.police)
    handling.part_waive(case.pk, actor=w.zhang, assignment_id=police.pk, reason="无需公安参与")


def _session_scheduled(w, case):
    mediation.mediation_schedule(case.pk, actor=w.zhang, scheduled_at=_future(1), place="工作站调解室")


def _session_held(w, case):
    session = mediation.mediation_schedule(case.pk, actor=w.zhang, scheduled_at=_future(1), place="工作站调解室")
    mediation.mediation_record(case.pk, actor=w.tiaojie, session_id=session.pk, minutes="双方陈述", outcome="partial")


def _supervised(w, case):
    supervision.case_supervise(case.pk, actor=w.lingdao, message="请加快办理")


def _supervision_answered(w, case):
    notice = supervision.case_supervise(case.pk, actor=w.lingdao, message="请加快办理")
    supervision.supervision_respond(case.pk, actor=w.zhifa, supervision_id=notice.pk, response="已配合")


def _lead_returned(w, case):
    request = handling.return_request(case.pk, actor=w.tiaojie, reason="不属于调解职责")
    handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=True)


def _summoned(w, case):
    """Dispatched with 应急管理 as a co-department too: its liaison officer is summoned; the lead signs."""
    co_ids = (w.dept.enforcement.pk, w.dept.police.pk, w.dept.emergency.pk)
    dispatching.case_dispatch(case.pk, actor=w.zhang, co_ids=co_ids, reason="消防通道隐患需应急管理参与")
    handling.assignment_sign(case.pk, actor=w.tiaojie)


def _summons_acknowledged(w, case):
    _summoned(w, case)
    summonses.summons_acknowledge(case.pk, actor=w.yingji, summons_id=Summons.objects.get(case=case).pk)


def _summons_arrived(w, case):
    _summons_acknowledged(w, case)
    summonses.summons_arrive(case.pk, actor=w.zhang, summons_id=Summons.objects.get(case=case).pk)


# state name: (the status walk_to reaches, then a step that brings the sub-state)
STATES = {
    "reported": ("reported", None),
    "accepted": ("accepted", None),
    "dispatched": ("dispatched", None),
    "dispatched_co_signed": ("dispatched", lambda w, c: handling.assignment_sign(c.pk, actor=w.zhifa)),
    "dispatched_pending_return": ("dispatched", _pending_return),
    "lead_signed": ("in_progress", None),
    "co_signed": ("in_progress", _sign_co),
    "pending_return": ("in_progress", _pending_return),
    "pending_extension": ("in_progress", _pending_extension),
    "pending_hold": ("in_progress", _pending_hold),
    "on_hold": ("in_progress", _on_hold),
    "part_recorded": ("in_progress", _part_recorded),
    "part_waived": ("in_progress", _part_waived),
    "parts_in": ("in_progress", lambda w, c: _sign_co(w, c, record=True)),
    "session_scheduled": ("in_progress", _session_scheduled),
    "session_held": ("in_progress", _session_held),
    "supervised": ("in_progress", _supervised),
    "supervision_answered": ("in_progress", _supervision_answered),
    "lead_returned": ("in_progress", _lead_returned),
    "summoned": ("accepted", _summoned),
    "summons_acknowledged": ("accepted", _summons_acknowledged),
    "summons_arrived": ("accepted", _summons_arrived),
    "resolved": ("resolved", None),
    "resolved_supervised": ("resolved", _supervised),
    "closed": ("closed", None),
    "rejected": ("rejected", None),
    "merged": ("merged", None),
}


def _latest(model, case, **open_filter):
    """The open target the action needs if there is one, else the latest of any kind, else 0."""
    rows = model.objects.filter(case=case).order_by("-pk")
    found = rows.filter(**open_filter).first() or rows.first()
    return found.pk if found else 10**9  # no such row: the service says so


def _co_assignment(case) -> int:
    rows = Assignment.objects.filter(case=case, role="co").order_by("pk")
    found = rows.filter(status__in=OPEN_CO).first() or rows.first()
    return found.pk if found else 10**9  # no such row: the service says so


def valid_input(action: str, case: Case, w) -> dict:
    """Well-formed input for ``action`` that fits the case as it stands (the target it needs,
    when there is one)."""
    due = (case.handle_due_at or timezone.now()) + dt.timedelta(days=3)
    inputs = {
        "accept": lambda: {},
        "reject": lambda: {"reason": "不属于受理范围"},
        "merge": lambda: {"into_id": w.first_report.pk, "reason": "重复上报"},
        "dispatch": lambda: {},
        "sign": lambda: {},
        "request_return": lambda: {"reason": "不属于本部门职责"},
        "decide_return": lambda: {
            "request_id": _latest(ReturnRequest, case, status="pending"),
            "approve": False,
            "note": "请继续办理",
        },
        "request_extension": lambda: {"requested_due_at": due.isoformat(), "reason": "需等待鉴定"},
        "decide_extension": lambda: {"request_id": _latest(Extension, case, status="pending"), "approve": True},
        "request_hold": lambda: {"reason": "等待法院判决"},
        "decide_hold": lambda: {"request_id": _latest(Hold, case, status="pending"), "approve": True},
        "resume": lambda: {},
        "record_part": lambda: {"text": "已配合现场核查"},
        "waive_part": lambda: {"assignment_id": _co_assignment(case), "reason": "该部门无需参与"},
        "resolve": lambda: {"text": "双方达成协议，空调外机已移位"},
        "feedback": lambda: {"result": "satisfied"},
        "close": lambda: {"reason": "电话回访确认"},
        "supervise": lambda: {"message": "请加快办理"},
        "respond_supervision": lambda: {
            "supervision_id": _latest(Supervision, case, level="manual", responded_at__isnull=True),
            "response": "已加派人手",
        },
        "schedule_mediation": lambda: {"scheduled_at": _future(2).isoformat(), "place": "工作站调解室"},
        "record_mediation": lambda: {
            "session_id": _latest(MediationSession, case, status="scheduled"),
            "minutes": "双方陈述意见",
            "outcome": "partial",
        },
        "acknowledge_summons": lambda: {"summons_id": _latest(Summons, case, status="sent")},
        "record_arrival": lambda: {"summons_id": _latest(Summons, case, status="acknowledged")},
    }
    return inputs[action]()


def attempt(user, case: Case, action: str, data: dict) -> tuple[int, dict]:
    """POST the action in a savepoint that is then rolled back: the state stays as it was."""
    with transaction.atomic():
        response = post(user, f"/api/cases/{case.pk}/{action}/", data, format="json")
        transaction.set_rollback(True)
    return response.status_code, response.json()


def build(w, state: str) -> Case:
    status, then = STATES[state]
    w.first_report = report_ac_dispute(w, title="紫金凰小区空调外机噪音（首报）")
    case = walk_to(w, status)
    if then:
        then(w, case)
    case.refresh_from_db()
    return case


def test_after_the_lead_signs_sign_and_resume_are_no_longer_offered(world):
    """The issue's example: once the lead has signed, signing again or resuming answers 409, so
    neither is offered."""
    w = world
    case = walk_to(w, "in_progress")
    offered = get(w.tiaojie, f"/api/cases/{case.pk}/").json()["available_actions"]
    assert "sign" not in offered
    assert "resume" not in offered
    assert post(w.tiaojie, f"/api/cases/{case.pk}/sign/").status_code == 409
    assert post(w.tiaojie, f"/api/cases/{case.pk}/resume/").status_code == 409


def test_a_case_returned_for_redispatch_is_not_offered_for_merging(world):
    """Once dispatched, a case counts in the handling measures: after the lead's return it waits
    for re-dispatch, and a merge is refused with a reason, not by a database constraint."""
    w = world
    case = build(w, "lead_returned")
    assert case.status == "accepted"
    assert "merge" not in get(w.zhang, f"/api/cases/{case.pk}/").json()["available_actions"]
    response = post(w.zhang, f"/api/cases/{case.pk}/merge/", valid_input("merge", case, w))
    assert_error(response, 409, "already_dispatched")


@pytest.mark.parametrize("state", list(STATES))
def test_offered_actions_succeed_and_the_others_are_refused(world, state):
    w = world
    case = build(w, state)
    wrong = []
    for username in PERSONAS:
        user = getattr(w, username)
        detail = get(user, f"/api/cases/{case.pk}/")
        if detail.status_code == 404:  # out of scope (an assignment returned): nothing to offer
            continue
        offered = set(detail.json()["available_actions"])
        for action in ACTIONS:
            code, body = attempt(user, case, action, valid_input(action, case, w))
            succeeded = 200 <= code < 300
            if succeeded != (action in offered):
                wrong.append((username, action, "offered" if action in offered else "left out", code, body))
            elif not succeeded:
                assert 400 <= code < 500, (username, action, code, body)
    assert not wrong, "\n".join(map(str, wrong))
