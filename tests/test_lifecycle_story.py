"""The lifecycle told through its services: the 紫金凰 story, dispatch plans, returns, holds,
rework, mediation and duplicate suggestions."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from cases.models import (
    INACTIVE_ASSIGNMENT_STATUSES,
    Assignment,
    Case,
    CaseEvent,
    Feedback,
    MediationSession,
    Summons,
)
from cases.selectors import duplicate_candidates
from cases.services import dispatching, feedback, handling, mediation
from cases.services.intake import PartyInput, case_report
from cases.services.lifecycle import Conflict, Forbidden, Invalid
from cases.services.mediation import ParticipantInput
from cases.wording import reason_text
from notifications.models import Notification
from tests.personas import report_ac_dispute, walk_to

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A Monday morning in an ordinary week, so due times are easy to read.
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def events(case):
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", "from_status", "to_status"))


def test_the_zijinhuang_air_conditioner_dispute(world):
    """Grid worker reports, chief accepts, the plan is joint (mediator leads; law enforcement and
    police assist), two mediation rounds, agreement, resolve, satisfied, closed."""
    w = world
    with time_machine.travel(MONDAY, tick=False):
        case = report_ac_dispute(w)
        assert case.number == "ZX-20261123-0001"
        assert case.status == "reported"
        assert case.accept_due_at == MONDAY + dt.timedelta(hours=2)

        case = dispatching.case_accept(case.pk, actor=w.zhang)
        case = dispatching.case_dispatch(case.pk, actor=w.zhang)
    assert case.status == "dispatched"
    assert case.dispatch_mode == "joint"
    assert case.lead_department == w.dept.mediation
    assert case.category == w.neighbour  # suggested by 空调外机 / 噪音
    assert case.dispatch_override is None
    plan = case.dispatch_plan
    assert plan["propose_mediation"] is True
    assert any("邻里纠纷" in reason_text(reason) for reason in plan["reasons"])  # stored as codes and names
    roles = dict(Assignment.objects.filter(case=case).values_list("department__code", "role"))
    assert roles == {"mediation": "lead", "enforcement": "co", "police": "co"}
    # Handling counts from dispatch: 5 working days, Monday 09:00 → next Monday 09:00.
    assert case.handle_due_at == MONDAY + dt.timedelta(days=7)

    for actor in (w.tiaojie, w.zhifa, w.gongan):
        case = handling.assignment_sign(case.pk, actor=actor)
    assert case.status == "in_progress"

    first = mediation.mediation_schedule(
        case.pk,
        actor=w.zhang,
        scheduled_at=timezone.now() + dt.timedelta(days=1),
        place="振兴工作站联合调处室",
        participants=[
            ParticipantInput(role="elder", name="老娘舅 周伯"),
            ParticipantInput(role="lawyer", name="吴律师", organization="振兴律师事务所"),
            ParticipantInput(role="party", name="张某"),
            ParticipantInput(role="party", name="李某"),
        ],
    )
    assert first.round_no == 1
    assert {p.role for p in first.participants.all()} == {"department", "elder", "lawyer", "party"}
    mediation.mediation_record(
        case.pk, actor=w.tiaojie, session_id=first.pk, minutes="双方各执一词，约定现场查看", outcome="partial"
    )
    second = mediation.mediation_schedule(
        case.pk, actor=w.tiaojie, scheduled_at=timezone.now() + dt.timedelta(days=3), place="紫金凰小区3幢现场"
    )
    assert second.round_no == 2
    mediation.mediation_record(
        case.pk,
        actor=w.tiaojie,
        session_id=second.pk,
        minutes="现场查看后双方让步",
        outcome="agreement",
        agreement="李某将空调外机移至北侧并加装接水管，张某不再追究",
    )
    for actor in (w.zhifa, w.gongan):
        handling.part_record(case.pk, actor=actor, text="到场配合调处")
    case = handling.case_resolve(case.pk, actor=w.tiaojie, text="按调解协议整改完毕")
    assert case.status == "resolved"
    assert case.feedback_due_at is not None
    case = feedback.case_feedback(case.pk, actor=w.wang, result="satisfied")
    assert case.status == "closed"
    assert case.satisfaction == "satisfied"

    assert events(case) == [
        ("report", "", "reported"),
        ("accept", "reported", "accepted"),
        ("dispatch", "accepted", "dispatched"),
        ("sign", "dispatched", "in_progress"),
        ("sign", "in_progress", "in_progress"),
        ("sign", "in_progress", "in_progress"),
        ("schedule_mediation", "in_progress", "in_progress"),
        ("record_mediation", "in_progress", "in_progress"),
        ("schedule_mediation", "in_progress", "in_progress"),
        ("record_mediation", "in_progress", "in_progress"),
        ("record_part", "in_progress", "in_progress"),
        ("record_part", "in_progress", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("feedback", "resolved", "closed"),
    ]
    resolve_event = CaseEvent.objects.get(case=case, action="resolve")
    assert resolve_event.payload["agreement_round"] == 2
    assert [e.actor for e in CaseEvent.objects.filter(case=case).order_by("id")][:3] == [w.wang, w.zhang, w.zhang]


def test_override_is_recorded_with_who_and_why(world):
    w = world
    case = report_ac_dispute(w)
    dispatching.case_accept(case.pk, actor=w.zhang)
    with pytest.raises(Invalid) as refused:
        dispatching.case_dispatch(case.pk, actor=w.zhang, co_ids=(w.dept.police.pk,))
    assert "reason" in refused.value.errors
    case = dispatching.case_dispatch(
        case.pk, actor=w.zhang, co_ids=(w.dept.police.pk,), reason="执法局已另案处理违建部分"
    )
    override = case.dispatch_override
    assert override["by"] == w.zhang.pk
    assert override["reason"] == "执法局已另案处理违建部分"
    assert override["changes"]["co_ids"]["plan"] == [w.dept.enforcement.pk, w.dept.police.pk]
    assert override["changes"]["co_ids"]["chosen"] == [w.dept.police.pk]
    assert case.dispatch_plan["co_ids"] == [w.dept.enforcement.pk, w.dept.police.pk]  # the plan, kept beside
    assert set(Assignment.objects.filter(case=case).values_list("department__code", flat=True)) == {
        "mediation",
        "police",
    }
    assert CaseEvent.objects.get(case=case, action="dispatch").payload["overridden"] is True


def test_liaison_department_is_summoned_and_told_the_session_time(world):
    w = world
    case = case_report(
        actor=w.wang,
        station=w.station,
        grid=w.grid,
        title="某装修公司拖欠工人工资",
        description="十余名工人反映装修公司欠薪三个月",
    )
    dispatching.case_accept(case.pk, actor=w.zhang)
    case = dispatching.case_dispatch(case.pk, actor=w.zhang)
    assert case.dispatch_mode == "solo"
    assert case.lead_department == w.dept.hrss
    summons = Summons.objects.get(case=case)
    assert summons.liaison_officer == w.renshe
    assert Notification.objects.filter(recipient=w.renshe, kind="summons", case=case).exists()

    handling.assignment_sign(case.pk, actor=w.renshe)
    when = timezone.now() + dt.timedelta(days=2)
    session = mediation.mediation_schedule(case.pk, actor=w.zhang, scheduled_at=when, place="工作站调解室")
    summons.refresh_from_db()
    assert summons.session == session
    notice = Notification.objects.get(recipient=w.renshe, kind="mediation_scheduled")
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in notice.rendered.body
    assert "工作站调解室" in notice.rendered.body


def test_no_keyword_match_means_the_chief_chooses(world):
    w = world
    case = case_report(
        actor=w.wang, station=w.station, grid=w.grid, title="路灯不亮", description="小区门口路灯坏了一周"
    )
    dispatching.case_accept(case.pk, actor=w.zhang)
    with pytest.raises(Invalid) as refused:
        dispatching.case_dispatch(case.pk, actor=w.zhang)
    assert "category_id" in refused.value.errors
    assert (
        dispatching.case_dispatch(
            case.pk, actor=w.zhang, category_id=w.building.pk, reason="按违建处理"
        ).lead_department
        == w.dept.enforcement
    )


def test_lead_return_sends_the_case_back_and_buys_no_time(world):
    w = world
    case = walk_to(w, "in_progress")
    due = case.handle_due_at
    request = handling.return_request(case.pk, actor=w.tiaojie, reason="属于物业管理纠纷，非调解范围")
    with pytest.raises(Conflict):  # one pending request at a time
        handling.return_request(case.pk, actor=w.tiaojie, reason="再次申请")
    case = handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=True)
    assert case.status == "accepted"
    assert not Assignment.objects.filter(case=case).exclude(status__in=INACTIVE_ASSIGNMENT_STATUSES).exists()
    case = dispatching.case_dispatch(
        case.pk, actor=w.zhang, lead_id=w.dept.enforcement.pk, co_ids=(), reason="改由执法局牵头"
    )
    assert case.handle_due_at == due  # the clock started at the first dispatch
    assert case.dispatch_mode == "solo"
    assert CaseEvent.objects.filter(case=case, action="dispatch").last().payload["redispatch"] is True


def test_refused_return_leaves_the_department_holding_the_case(world):
    w = world
    case = walk_to(w, "in_progress")
    request = handling.return_request(case.pk, actor=w.zhifa, reason="不涉及违建")
    with pytest.raises(Invalid):
        handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=False)  # no reason
    handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=False, note="请配合现场核查")
    assert Assignment.objects.get(case=case, department=w.dept.enforcement).status == "pending"
    with pytest.raises(Conflict):
        handling.return_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=True)


def test_extension_only_before_due_and_moves_the_deadline(world):
    w = world
    case = walk_to(w, "in_progress")
    later = case.handle_due_at + dt.timedelta(days=5)
    with pytest.raises(Invalid):
        handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=case.handle_due_at, reason="x")
    with pytest.raises(Forbidden):  # only the lead asks for more time
        handling.extension_request(case.pk, actor=w.zhifa, requested_due_at=later, reason="需要鉴定")
    extension = handling.extension_request(case.pk, actor=w.tiaojie, requested_due_at=later, reason="需要噪音检测")
    case = handling.extension_decide(case.pk, actor=w.zhang, request_id=extension.pk, approve=True)
    assert case.handle_due_at == later
    assert set(Assignment.objects.filter(case=case).values_list("handle_due_at", flat=True)) == {later}
    with time_machine.travel(later + dt.timedelta(minutes=1)), pytest.raises(Conflict) as refused:
        handling.extension_request(
            case.pk, actor=w.tiaojie, requested_due_at=later + dt.timedelta(days=3), reason="再延"
        )
    assert refused.value.code == "past_due"


def test_hold_pauses_the_clock(world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        case = walk_to(w, "in_progress")
        due = case.handle_due_at
        hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
        handling.hold_decide(case.pk, actor=w.zhang, request_id=hold.pk, approve=True)
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):  # one working day on hold
        with pytest.raises(Conflict):
            handling.case_resolve(case.pk, actor=w.tiaojie, text="办结")
        case = handling.hold_resume(case.pk, actor=w.zhang)
    assert case.held_at is None
    assert case.handle_due_at == due + dt.timedelta(days=1)


def test_lead_cannot_resolve_before_co_parts_unless_waived(world):
    w = world
    case = walk_to(w, "in_progress")
    with pytest.raises(Conflict) as refused:
        handling.case_resolve(case.pk, actor=w.tiaojie, text="办结")
    assert refused.value.code == "parts_missing"
    handling.assignment_sign(case.pk, actor=w.gongan)
    handling.part_record(case.pk, actor=w.gongan, text="出警调解")
    enforcement = Assignment.objects.get(case=case, department=w.dept.enforcement)
    handling.part_waive(case.pk, actor=w.zhang, assignment_id=enforcement.pk, reason="不涉及违建")
    assert handling.case_resolve(case.pk, actor=w.tiaojie, text="办结").status == "resolved"


def test_dissatisfied_feedback_is_rework_and_counted(world):
    w = world
    case = walk_to(w, "resolved")
    with pytest.raises(Invalid):
        feedback.case_feedback(case.pk, actor=w.wang, result="dissatisfied")
    case = feedback.case_feedback(case.pk, actor=w.wang, result="dissatisfied", comment="空调仍在滴水")
    assert case.status == "in_progress"
    assert case.rework_count == 1
    assert Assignment.objects.get(case=case, role="lead").status == "signed"
    assert Notification.objects.filter(recipient=w.tiaojie, kind="rework").exists()
    case = handling.case_resolve(case.pk, actor=w.tiaojie, text="已加装接水管")
    case = feedback.case_feedback(case.pk, actor=w.wang, result="basic")
    assert (case.status, case.rework_count) == ("closed", 1)
    assert list(Feedback.objects.filter(case=case).values_list("result", flat=True)) == ["dissatisfied", "basic"]


def test_default_satisfaction_is_recorded_apart(world):
    w = world
    case = walk_to(w, "resolved")
    case = feedback.case_close_default(case.pk)
    assert (case.status, case.satisfaction) == ("closed", "default")
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.actor) == ("close_default", None)


def test_the_service_refuses_an_id_number_with_a_wrong_check_character(world):
    w = world
    parties = [PartyInput(name="张某"), PartyInput(name="李某", id_number="330106199001191235")]
    with pytest.raises(Invalid) as refused:
        report_ac_dispute(w, parties=parties)
    assert refused.value.errors == {"parties.1.id_number": ["身份证号校验位不正确，请核对"]}
    assert not Case.objects.exists()


def test_grid_worker_reports_only_for_own_grids(world):
    w = world
    with pytest.raises(Invalid):
        case_report(actor=w.wang, station=w.station, grid=w.other_grid, title="t", description="d")
    with pytest.raises(Forbidden):
        case_report(actor=w.shijian, station=w.station, grid=w.grid, title="t", description="d")
    assert not CaseEvent.objects.exists()


def test_reporting_notifies_chiefs_and_numbers_per_day(world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        first = report_ac_dispute(w)
        second = report_ac_dispute(w)
    # Past midnight in Shanghai is a new day, whatever UTC says.
    with time_machine.travel(dt.datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI), tick=False):
        third = report_ac_dispute(w)
    assert [first.number, second.number, third.number] == [
        "ZX-20261123-0001",
        "ZX-20261123-0002",
        "ZX-20261124-0001",
    ]
    assert Notification.objects.filter(recipient=w.zhang, kind="reported").count() == 3


def test_merge_only_within_station_and_only_by_a_person(world):
    w = world
    first = report_ac_dispute(w)
    repeat = report_ac_dispute(w)
    with pytest.raises(Invalid):
        dispatching.case_merge(repeat.pk, actor=w.zhang, into_id=repeat.pk)
    merged = dispatching.case_merge(repeat.pk, actor=w.zhang, into_id=first.pk, reason="同一纠纷重复上报")
    assert (merged.status, merged.duplicate_of) == ("merged", first)
    with pytest.raises(Conflict):
        dispatching.case_accept(merged.pk, actor=w.zhang)


def test_mediation_needs_minutes_and_agreement_text(world):
    w = world
    case = walk_to(w, "in_progress")
    session = mediation.mediation_schedule(
        case.pk, actor=w.zhang, scheduled_at=timezone.now() + dt.timedelta(hours=3), place="调解室"
    )
    with pytest.raises(Conflict):  # one open round at a time
        mediation.mediation_schedule(
            case.pk, actor=w.zhang, scheduled_at=timezone.now() + dt.timedelta(days=1), place="x"
        )
    with pytest.raises(Invalid):
        mediation.mediation_record(case.pk, actor=w.tiaojie, session_id=session.pk, minutes="谈妥", outcome="agreement")
    with pytest.raises(Invalid):
        mediation.mediation_schedule(
            case.pk, actor=w.zhang, scheduled_at=timezone.now() - dt.timedelta(hours=1), place="x"
        )
    mediation.mediation_record(
        case.pk, actor=w.tiaojie, session_id=session.pk, minutes="谈妥", outcome="agreement", agreement="移机"
    )
    assert MediationSession.objects.get(pk=session.pk).status == "held"


class TestDuplicateSuggestions:
    def _report(self, w, **extra):
        fields = {
            "actor": w.wang,
            "station": w.station,
            "grid": w.grid,
            "title": "楼上漏水",
            "description": "卫生间漏水到楼下",
            "category": w.neighbour,
        }
        fields.update(extra)
        return case_report(**fields)

    def test_same_category_and_shared_phone_within_seven_days(self, world):
        w = world
        phone = [PartyInput(name="陈某", phone="13911112222")]
        with time_machine.travel(MONDAY, tick=False):
            original = self._report(w, parties=phone)
        with time_machine.travel(MONDAY + dt.timedelta(days=6), tick=False):
            repeat = self._report(w, parties=[PartyInput(name="陈先生", phone="13911112222")])
        with time_machine.travel(MONDAY + dt.timedelta(days=14), tick=False):
            too_late = self._report(w, parties=phone)
        # Worded otherwise, so that only the phone rule could find it.
        other_category = self._report(
            w, parties=phone, category=w.consumer, title="预付卡退款", description="美容院拒绝退还预付卡余额"
        )
        found = duplicate_candidates(repeat)
        assert [s.case for s in found] == [original]
        assert "联系电话相同" in found[0].reasons[0]
        assert too_late not in [s.case for s in duplicate_candidates(original)]
        assert other_category not in [s.case for s in duplicate_candidates(repeat)]

    def test_within_two_hundred_metres(self, world):
        w = world
        here = self._report(w, latitude=Decimal("30.270000"), longitude=Decimal("120.150000"))
        near = self._report(w, latitude=Decimal("30.271500"), longitude=Decimal("120.150000"))  # ≈167 m
        far = self._report(  # ≈222 m, worded otherwise, so that only the distance rule could find it
            w, latitude=Decimal("30.272000"), longitude=Decimal("120.150000"), title="路灯不亮", description="路灯坏了"
        )
        found = duplicate_candidates(here)
        assert [s.case for s in found] == [near]
        assert found[0].reasons[0] == "位置相距约 167 米"
        assert far not in [s.case for s in found]
        here.refresh_from_db()
        near.refresh_from_db()
        assert here.status == near.status == "reported"  # suggested, never merged by the system
