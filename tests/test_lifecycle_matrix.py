"""Every (state, action, role): allowed ones work, refused ones change nothing.

The specification below is written out by hand from DESIGN §4, apart from the code's table; a
test also checks the two agree, so a change to either is a deliberate change to both.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Assignment, CaseEvent, Extension, Hold, MediationSession, ReturnRequest, Supervision
from cases.services import dispatching, feedback, handling, mediation, summonses, supervision
from cases.services.lifecycle import TRANSITIONS, Conflict, Forbidden
from tests.personas import report_ac_dispute, walk_to

pytestmark = pytest.mark.django_db

STATES = ["reported", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected", "merged"]
HANDLING = "dispatched in_progress"
OPEN = "reported accepted dispatched in_progress resolved"

# action: (states it starts from, roles allowed). A hand copy of TRANSITIONS, on purpose: double entry.
SPEC = {
    "accept": ("reported", "chief"),
    "reject": ("reported", "chief"),
    "merge": ("reported accepted", "chief"),
    "dispatch": ("accepted", "chief"),
    "sign": (HANDLING, "lead co"),
    "request_return": (HANDLING, "lead co"),
    "decide_return": (HANDLING, "chief"),
    "request_extension": (HANDLING, "lead"),
    "decide_extension": (HANDLING, "chief"),
    "request_hold": ("in_progress", "lead"),
    "decide_hold": ("in_progress", "chief"),
    "resume": ("in_progress", "chief lead"),
    "record_part": ("in_progress", "co"),
    "waive_part": ("in_progress", "chief"),
    "schedule_mediation": (HANDLING, "chief lead mediator"),
    "record_mediation": (HANDLING, "chief lead mediator"),
    "resolve": ("in_progress", "lead"),
    "feedback": ("resolved", "reporter chief"),
    "close": ("resolved", "chief"),
    "close_default": ("resolved", "system"),
    "supervise": (OPEN, "chief leader"),
    "respond_supervision": (OPEN, "lead co"),
    "acknowledge_summons": (HANDLING, "liaison"),
    "record_arrival": (HANDLING, "liaison chief"),
}

# Persona per role, and which roles each persona holds towards the dispute once dispatched.
PERSONA = {
    "chief": "zhang",
    "lead": "tiaojie",
    "co": "zhifa",
    "reporter": "wang",
    "leader": "lingdao",
    "outsider": "shijian",
    "liaison": "yingji",
    "system": None,
}
ASSIGNED = {"lead", "co", "mediator"}
HOLDS = {
    "zhang": {"chief"},
    "tiaojie": {"lead", "mediator"},
    "zhifa": {"co"},
    "wang": {"reporter"},
    "lingdao": {"leader"},
    "shijian": set(),
    "yingji": set(),  # the dispute summons no liaison officer
    None: {"system"},
}
# Which persona proves an allowed action works (some roles are allowed but the sub-state isn't
# right for them in every state, e.g. the lead has already signed once in progress).
PROVER = {"sign": "co", "request_return": "co", "respond_supervision": "co", "resume": "chief"}
# Nobody is summoned to the dispute: tests/test_summonses.py proves these allowed.
UNPROVEN = {"acknowledge_summons", "record_arrival"}


def test_spec_matches_the_code_table():
    assert set(SPEC) == set(TRANSITIONS)
    for action, (states, roles) in SPEC.items():
        assert TRANSITIONS[action].sources == frozenset(states.split()), action
        assert TRANSITIONS[action].roles == frozenset(roles.split()), action


def _future(days=2):
    return timezone.now() + dt.timedelta(days=days)


def _co(case, w):
    return Assignment.objects.filter(case=case, department=w.dept.enforcement).exclude(status="cancelled").first()


def call(action, case, actor, w):
    """Perform ``action`` with well-formed input; ids that do not exist yet are fine, since the
    state and role checks come before any look-up."""
    pk = case.pk
    if action == "accept":
        return dispatching.case_accept(pk, actor=actor)
    if action == "reject":
        return dispatching.case_reject(pk, actor=actor, reason="不属于受理范围")
    if action == "merge":
        return dispatching.case_merge(pk, actor=actor, into_id=w.merge_target.pk, reason="重复")
    if action == "dispatch":
        return dispatching.case_dispatch(pk, actor=actor)
    if action == "sign":
        return handling.assignment_sign(pk, actor=actor)
    if action == "request_return":
        return handling.return_request(pk, actor=actor, reason="不属于本部门职责")
    if action == "decide_return":
        request = ReturnRequest.objects.filter(case=case, status="pending").first()
        return handling.return_decide(
            pk, actor=actor, request_id=getattr(request, "pk", 0), approve=False, note="请继续协办"
        )
    if action == "request_extension":
        return handling.extension_request(pk, actor=actor, requested_due_at=_future(30), reason="需等待鉴定结果")
    if action == "decide_extension":
        request = Extension.objects.filter(case=case, status="pending").first()
        return handling.extension_decide(pk, actor=actor, request_id=getattr(request, "pk", 0), approve=True)
    if action == "request_hold":
        return handling.hold_request(pk, actor=actor, reason="等待法院判决")
    if action == "decide_hold":
        request = Hold.objects.filter(case=case, status="pending").first()
        return handling.hold_decide(pk, actor=actor, request_id=getattr(request, "pk", 0), approve=True)
    if action == "resume":
        return handling.hold_resume(pk, actor=actor)
    if action == "record_part":
        return handling.part_record(pk, actor=actor, text="已配合现场核查")
    if action == "waive_part":
        co = _co(case, w)
        return handling.part_waive(pk, actor=actor, assignment_id=getattr(co, "pk", 0), reason="该部门无需参与")
    if action == "schedule_mediation":
        return mediation.mediation_schedule(pk, actor=actor, scheduled_at=_future(1), place="工作站调解室")
    if action == "record_mediation":
        session = MediationSession.objects.filter(case=case, status="scheduled").first()
        return mediation.mediation_record(
            pk, actor=actor, session_id=getattr(session, "pk", 0), minutes="双方陈述意见", outcome="partial"
        )
    if action == "resolve":
        return handling.case_resolve(pk, actor=actor, text="已办结")
    if action == "feedback":
        return feedback.case_feedback(pk, actor=actor, result="satisfied")
    if action == "close":
        return feedback.case_close(pk, actor=actor, reason="电话回访确认")
    if action == "close_default":
        return feedback.case_close_default(pk, actor=actor)
    if action == "supervise":
        return supervision.case_supervise(pk, actor=actor, message="请加快办理")
    if action == "respond_supervision":
        item = Supervision.objects.filter(case=case, level="manual").first()
        return supervision.supervision_respond(
            pk, actor=actor, supervision_id=getattr(item, "pk", 0), response="已加派人手"
        )
    if action == "acknowledge_summons":
        return summonses.summons_acknowledge(pk, actor=actor, summons_id=0)
    if action == "record_arrival":
        return summonses.summons_arrive(pk, actor=actor, summons_id=0)
    raise AssertionError(action)


def prepare(action, case, w):
    """Bring the sub-state an allowed action needs, through the services."""
    if action in ("record_part", "resolve", "waive_part"):
        for co in (w.zhifa, w.gongan):
            if Assignment.objects.filter(case=case, department__memberships__user=co, status="pending").exists():
                handling.assignment_sign(case.pk, actor=co)
            if action == "resolve":
                handling.part_record(case.pk, actor=co, text="已配合")
    elif action == "decide_return":
        handling.return_request(case.pk, actor=w.zhifa, reason="不属于本部门职责")
    elif action == "decide_extension":
        handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=_future(30), reason="需等待鉴定")
    elif action in ("decide_hold", "resume"):
        hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
        if action == "resume":
            handling.hold_decide(case.pk, actor=w.zhang, request_id=hold.pk, approve=True)
    elif action == "record_mediation":
        mediation.mediation_schedule(case.pk, actor=w.zhang, scheduled_at=_future(1), place="调解室")
    elif action == "respond_supervision":
        supervision.case_supervise(case.pk, actor=w.zhang, message="请加快办理")


def snapshot(case):
    case.refresh_from_db()
    return case.status, CaseEvent.objects.filter(case=case).count()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(SPEC))
def test_state_action_role(world, state, action):
    w = world
    case = walk_to(w, state)
    w.merge_target = report_ac_dispute(w, title="另一起上报")
    states, roles = SPEC[action]
    allowed_state = state in states.split()
    allowed_roles = set(roles.split())
    dispatched = state not in ("reported", "accepted", "rejected", "merged")

    for role, username in PERSONA.items():
        actor = getattr(w, username) if username else None
        held = HOLDS[username] if dispatched else HOLDS[username] - ASSIGNED
        if allowed_state and held & allowed_roles:
            continue  # allowed: proven below
        before = snapshot(case)
        expected = Conflict if not allowed_state else Forbidden
        with pytest.raises(expected):
            call(action, case, actor, w)
        assert snapshot(case) == before, f"{role} left a trace after a refused {action}"

    if not allowed_state or action in UNPROVEN:
        return
    prover = PROVER.get(action) or next(r for r in PERSONA if r in allowed_roles)
    username = PERSONA[prover]
    if not dispatched and prover in ASSIGNED:
        return  # nobody holds lead/co before dispatch; refusals were checked above
    prepare(action, case, w)
    before_events = CaseEvent.objects.filter(case=case).count()
    call(action, case, getattr(w, username) if username else None, w)
    last = CaseEvent.objects.filter(case=case).latest("id")
    assert last.action == action
    assert CaseEvent.objects.filter(case=case).count() == before_events + 1
