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
from cases.models import Assignment, Case, Extension, Hold, MediationSession, ReturnRequest, Supervision
from cases.services import handling, mediation, supervision
from cases.services.lifecycle import OPEN_CO
from tests.api_helpers import assert_error, get, post
from tests.personas import report_ac_dispute, walk_to

pytestmark = pytest.mark.django_db

# Everyone who can see the air-conditioner dispute once it is dispatched.
PERSONAS = ["zhang", "tiaojie", "zhifa", "gongan", "wang", "lingdao"]


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
    mediation.mediation_record(case.pk, actor=w.tiaojie, session_id=session.pk, minutes="双方陈述", outcome="continue")


def _supervised(w, case):
    supervision.case_supervise(case.pk, actor=w.lingdao, message="请加快办理")


def _supervision_answered(w, case):
    notice = supervision.case_supervise(case.pk, actor=w.lingdao, message="请加快办理")
    supervision.supervision_respond(case.pk, actor=w.zhifa, supervision_id=notice.pk, response="已配合")


def _lead_returned(w, case):
    request = handling.return_request(case.pk, actor=w.tiaojie, reason="不属于调解职责")
    handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=True)


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
        "merge": lambda: {"into": w.first_report.pk, "reason": "重复上报"},
        "dispatch": lambda: {},
        "sign": lambda: {},
        "return-request": lambda: {"reason": "不属于本部门职责"},
        "return-decision": lambda: {
            "request": _latest(ReturnRequest, case, status="pending"),
            "approve": False,
            "note": "请继续办理",
        },
        "extension-request": lambda: {"requested_due_at": due.isoformat(), "reason": "需等待鉴定"},
        "extension-decision": lambda: {"request": _latest(Extension, case, status="pending"), "approve": True},
        "hold-request": lambda: {"reason": "等待法院判决"},
        "hold-decision": lambda: {"request": _latest(Hold, case, status="pending"), "approve": True},
        "resume": lambda: {},
        "record-part": lambda: {"text": "已配合现场核查"},
        "waive-part": lambda: {"assignment": _co_assignment(case), "reason": "该部门无需参与"},
        "resolve": lambda: {"text": "双方达成协议，空调外机已移位"},
        "feedback": lambda: {"result": "satisfied"},
        "close": lambda: {"reason": "电话回访确认"},
        "supervise": lambda: {"message": "请加快办理"},
        "supervision-response": lambda: {
            "supervision": _latest(Supervision, case, level="manual", responded_at__isnull=True),
            "response": "已加派人手",
        },
        "schedule-mediation": lambda: {"scheduled_at": _future(2).isoformat(), "place": "工作站调解室"},
        "record-mediation": lambda: {
            "session": _latest(MediationSession, case, status="scheduled"),
            "minutes": "双方陈述意见",
            "outcome": "continue",
        },
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
        for spec in ACTIONS:
            code, body = attempt(user, case, spec.path, valid_input(spec.path, case, w))
            succeeded = 200 <= code < 300
            if succeeded != (spec.path in offered):
                wrong.append((username, spec.path, "offered" if spec.path in offered else "left out", code, body))
            elif not succeeded:
                assert 400 <= code < 500, (username, spec.path, code, body)
    assert not wrong, "\n".join(map(str, wrong))
