"""The supervision ladder (督办) and the feedback closure, swept on the 2026 working calendar.

Times are Asia/Shanghai with the default working hours (08:30–12:00, 13:30–17:30, 7.5 h a day).
A normal neighbour dispute: accept within 2 working hours, sign within 1 working day, handle
within 5 working days from dispatch, feedback within 3 working days of resolution.
"""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent, Feedback, Supervision
from cases.services import feedback, handling
from cases.services.dispatching import case_accept, case_dispatch
from cases.services.lifecycle import Conflict
from cases.services.sweep import close_unanswered, sweep_deadlines
from notifications.models import Notification
from tests.api_helpers import client_for
from tests.personas import report_ac_dispute, walk_to
from workstation import calendar as working_calendar
from workstation.calendar import calendar_warnings

pytestmark = pytest.mark.django_db
SH = dt.timezone(dt.timedelta(hours=8))
MINUTE = dt.timedelta(minutes=1)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


# Monday of an ordinary week: dispatch at 09:00 makes the handling ladder easy to read.
MONDAY = at(2026, 11, 23, 9)


@pytest.fixture(autouse=True)
def calendar_2026(db):
    call_command("seed_calendar", years="2026", stdout=StringIO())


def sweep(moment: dt.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return sweep_deadlines()


def rungs(case, deadline: str | None = None) -> list[tuple[str, str]]:
    rows = Supervision.objects.filter(case=case).exclude(level="manual").order_by("id")
    if deadline:
        rows = rows.filter(deadline=deadline)
    return list(rows.values_list("deadline", "level"))


def told(user, case, kind: str) -> int:
    return Notification.objects.filter(recipient=user, case=case, kind=kind).count()


def all_signed(w, moment: dt.datetime) -> Case:
    """The air-conditioner dispute dispatched at ``moment`` and signed by all three departments."""
    with time_machine.travel(moment, tick=False):
        case = walk_to(w, "in_progress")
        for co in (w.zhifa, w.gongan):
            case = handling.assignment_sign(case.pk, actor=co)
    return case


def test_handling_ladder_yellow_red_escalated_to_the_minute(world):
    """Dispatched Mon 11-23 09:00, due in 5 working days: yellow at 4 working days (Fri 11-27
    09:00), red at the due time (Mon 11-30 09:00), escalated a working day later (Tue 12-01 09:00)."""
    w = world
    case = all_signed(w, MONDAY)
    assert (case.handle_warn_at, case.handle_due_at, case.handle_escalate_at) == (
        at(2026, 11, 27, 9),
        at(2026, 11, 30, 9),
        at(2026, 12, 1, 9),
    )

    sweep(at(2026, 11, 27, 9) - MINUTE)
    assert rungs(case) == []
    sweep(at(2026, 11, 27, 9))
    assert rungs(case) == [("handle", "yellow")]
    case.refresh_from_db()
    assert case.ladder == "yellow"
    for person in (w.tiaojie, w.zhifa, w.gongan, w.zhang):
        assert told(person, case, "supervision_yellow") == 1
    assert told(w.lingdao, case, "supervision_yellow") == 0
    assert told(w.shijian, case, "supervision_yellow") == 0  # not assigned
    sweep(at(2026, 11, 27, 15))  # again, later: nothing new
    assert rungs(case) == [("handle", "yellow")]

    sweep(at(2026, 11, 30, 9) - MINUTE)
    assert rungs(case) == [("handle", "yellow")]
    sweep(at(2026, 11, 30, 9))
    assert rungs(case) == [("handle", "yellow"), ("handle", "red")]

    sweep(at(2026, 12, 1, 9) - MINUTE)
    assert len(rungs(case)) == 2
    sweep(at(2026, 12, 1, 9))
    assert rungs(case) == [("handle", "yellow"), ("handle", "red"), ("handle", "escalated")]
    case.refresh_from_db()
    assert (case.ladder, case.handle_next_rung_at) == ("escalated", None)
    assert told(w.lingdao, case, "supervision_escalated") == 1
    assert told(w.zhang, case, "supervision_escalated") == 1
    supervision = Supervision.objects.get(case=case, level="escalated")
    assert supervision.due_at == at(2026, 11, 30, 9)
    assert "办理期限（2026-11-30 09:00）" in supervision.text

    sweep(at(2026, 12, 15, 9))
    assert len(rungs(case)) == 3


def test_accept_ladder_counts_working_hours_and_stops_at_acceptance(world):
    """Reported Mon 09:00, accept within 2 working hours: yellow at 10:36, red at 11:00,
    escalated Tue 11:00, to the chief and then the leaders."""
    w = world
    with time_machine.travel(MONDAY, tick=False):
        late = report_ac_dispute(w)
        prompt = report_ac_dispute(w, title="楼道堆物")
    assert (late.accept_warn_at, late.accept_escalate_at) == (at(2026, 11, 23, 10, 36), at(2026, 11, 24, 11))
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        case_accept(prompt.pk, actor=w.zhang)

    sweep(at(2026, 11, 23, 10, 36))
    sweep(at(2026, 11, 23, 11))
    sweep(at(2026, 11, 24, 11))
    assert rungs(late) == [("accept", "yellow"), ("accept", "red"), ("accept", "escalated")]
    assert rungs(prompt) == []
    assert told(w.zhang, late, "supervision_red") == 1
    assert told(w.lingdao, late, "supervision_escalated") == 1
    with time_machine.travel(at(2026, 11, 24, 14), tick=False):
        late = case_accept(late.pk, actor=w.zhang)
    assert late.ladder == "none"  # the accept deadline is met, however late


def test_sign_ladder_is_per_department(world):
    """Dispatched Mon 09:00, sign within 1 working day (7.5 h): yellow at 6 h, Mon 16:30."""
    w = world
    with time_machine.travel(MONDAY, tick=False):
        case = walk_to(w, "dispatched")
    sweep(at(2026, 11, 23, 16, 30))
    assert rungs(case, "sign") == [("sign", "yellow")] * 3
    assert told(w.zhifa, case, "supervision_yellow") == 1
    assert told(w.zhang, case, "supervision_yellow") == 3  # one per department
    with time_machine.travel(at(2026, 11, 23, 17), tick=False):
        handling.assignment_sign(case.pk, actor=w.tiaojie)
    sweep(at(2026, 11, 24, 9))
    red = Supervision.objects.filter(case=case, deadline="sign", level="red")
    assert sorted(red.values_list("assignment__department__code", flat=True)) == ["enforcement", "police"]
    assert "综合行政执法局签收期限" in red.get(assignment__department=w.dept.enforcement).text
    assert told(w.tiaojie, case, "supervision_red") == 0


def test_a_case_nobody_signed_for_stands_on_the_signatures_rung_until_the_lead_signs(world):
    """The board and the lists read the case's own ladder. Dispatched Mon 09:00 and not signed:
    yellow at Mon 16:30, red at Tue 09:00, escalated at Wed 09:00 with the signatures; the
    handling deadline's yellow (Fri 09:00) does not bring it down; the lead's signature puts the
    case on its handling deadline's rung."""
    w = world
    with time_machine.travel(MONDAY, tick=False):
        case = walk_to(w, "dispatched")

    def ladder() -> str:
        case.refresh_from_db()
        return case.ladder

    sweep(at(2026, 11, 23, 16, 30) - MINUTE)
    assert ladder() == "none"
    sweep(at(2026, 11, 23, 16, 30))
    assert ladder() == "yellow"
    sweep(at(2026, 11, 24, 9))
    assert ladder() == "red"
    assert list(Case.objects.filter(pk=case.pk, ladder="red").values_list("status", flat=True)) == ["dispatched"]
    sweep(at(2026, 11, 25, 9))
    assert ladder() == "escalated"
    sweep(at(2026, 11, 27, 9))
    assert rungs(case, "handle") == [("handle", "yellow")]
    assert ladder() == "escalated"  # the higher of the two

    with time_machine.travel(at(2026, 11, 27, 10), tick=False):
        handling.assignment_sign(case.pk, actor=w.tiaojie)
    assert ladder() == "yellow"  # in progress: the handling deadline's rung
    sweep(at(2026, 11, 30, 9))
    assert ladder() == "red"


def test_the_lead_signing_in_time_keeps_the_case_at_none(world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        case = walk_to(w, "dispatched")
    sweep(at(2026, 11, 23, 16, 30))
    with time_machine.travel(at(2026, 11, 23, 17), tick=False):
        case = handling.assignment_sign(case.pk, actor=w.tiaojie)
    assert case.ladder == "none"
    sweep(at(2026, 11, 24, 9))  # the co-departments' signatures are late: the case waits on handling
    case.refresh_from_db()
    assert case.ladder == "none"


def test_a_sweep_that_was_stopped_fires_only_the_highest_rung(world):
    w = world
    case = all_signed(w, MONDAY)
    sweep(at(2026, 12, 2, 9))
    assert rungs(case) == [("handle", "escalated")]


def test_an_extension_moves_the_deadline_and_starts_a_fresh_ladder(world):
    """Yellow fires for the first deadline; the extension to Mon 12-07 09:00 (10 working days from
    dispatch) brings no red at the old due time, and a new yellow at 8 working days (Thu 12-03)."""
    w = world
    case = all_signed(w, MONDAY)
    sweep(at(2026, 11, 27, 9))
    with time_machine.travel(at(2026, 11, 27, 10), tick=False):
        request = handling.extension_request(
            case.pk, actor=w.tiaojie, requested_due_at=at(2026, 12, 7, 9), reason="需要噪音检测"
        )
        case = handling.extension_decide(case.pk, actor=w.zhang, request_id=request.pk, approve=True)
    assert (case.ladder, case.handle_warn_at, case.handle_escalate_at) == (
        "none",
        at(2026, 12, 3, 9),
        at(2026, 12, 8, 9),
    )
    sweep(at(2026, 11, 30, 9))
    sweep(at(2026, 12, 3, 9) - MINUTE)
    assert rungs(case) == [("handle", "yellow")]
    sweep(at(2026, 12, 3, 9))
    assert list(Supervision.objects.filter(case=case).order_by("id").values_list("level", "due_at")) == [
        ("yellow", at(2026, 11, 30, 9)),
        ("yellow", at(2026, 12, 7, 9)),
    ]


def test_hold_pauses_the_ladder_and_resume_moves_it_on(world):
    """On hold from Tue 11-24 09:00 to Wed 12-02 09:00 (6 working days): nothing fires meanwhile,
    and the whole ladder moves on by 6 working days: yellow Mon 12-07, due Tue 12-08 09:00."""
    w = world
    case = all_signed(w, MONDAY)
    with time_machine.travel(at(2026, 11, 24, 9), tick=False):
        hold = handling.hold_request(case.pk, actor=w.tiaojie, reason="等待法院判决")
        handling.hold_decide(case.pk, actor=w.zhang, request_id=hold.pk, approve=True)
    sweep(at(2026, 12, 1, 10))  # past the first deadline's escalation
    assert rungs(case) == []
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        case = handling.hold_resume(case.pk, actor=w.zhang)
    assert (case.handle_started_at, case.handle_warn_at, case.handle_due_at) == (
        at(2026, 12, 1, 9),
        at(2026, 12, 7, 9),
        at(2026, 12, 8, 9),
    )
    sweep(at(2026, 12, 7, 9) - MINUTE)
    assert rungs(case) == []
    sweep(at(2026, 12, 7, 9))
    assert rungs(case) == [("handle", "yellow")]


@pytest.mark.parametrize(
    ("dispatched", "warn", "due", "escalate"),
    [
        # Spring Festival: rest 02-15 … 02-23; Saturdays 02-14 and 02-28 are make-up working days.
        (at(2026, 2, 13, 10), at(2026, 2, 26, 10), at(2026, 2, 27, 10), at(2026, 2, 28, 10)),
        # Mid-autumn rest 09-25 … 09-27; Sunday 09-20 is worked: the warning falls on it.
        (at(2026, 9, 15, 10), at(2026, 9, 20, 10), at(2026, 9, 21, 10), at(2026, 9, 22, 10)),
        # National Day rest 10-01 … 10-07; Saturday 10-10 is worked: the warning falls on it.
        (at(2026, 9, 29, 10), at(2026, 10, 10, 10), at(2026, 10, 12, 10), at(2026, 10, 13, 10)),
    ],
    ids=["spring-festival", "mid-autumn-0920", "national-day-1010"],
)
def test_holidays_and_make_up_days_of_2026(world, dispatched, warn, due, escalate):
    w = world
    case = all_signed(w, dispatched)
    assert (case.handle_warn_at, case.handle_due_at, case.handle_escalate_at) == (warn, due, escalate)
    sweep(warn - MINUTE)
    assert rungs(case) == []
    sweep(warn)
    assert rungs(case) == [("handle", "yellow")]
    sweep(escalate)
    assert rungs(case) == [("handle", "yellow"), ("handle", "escalated")]


def test_a_deadline_into_2027_falls_back_to_monday_to_friday(world, monkeypatch, caplog):
    """2027 is not in the calendar data: Fri 2027-01-01 counts as a weekday, with a warning."""
    monkeypatch.setattr(working_calendar, "_warned_years", set())
    w = world
    case = all_signed(w, at(2026, 12, 29, 10))
    assert (case.handle_warn_at, case.handle_due_at, case.handle_escalate_at) == (
        at(2027, 1, 4, 10),
        at(2027, 1, 5, 10),
        at(2027, 1, 6, 10),
    )
    assert "No working-calendar data for 2027" in caplog.text
    assert any("2027" in message for message in calendar_warnings(dt.date(2026, 12, 29)))
    sweep(at(2027, 1, 4, 10))
    sweep(at(2027, 1, 6, 10))
    assert rungs(case) == [("handle", "yellow"), ("handle", "escalated")]


def test_the_sweep_reads_only_due_rows(world):
    """The same number of queries with 5 or 50 open cases that are not due, one due in each."""
    w = world
    now = at(2026, 11, 24, 9)

    def open_cases(count: int) -> None:
        report_ac_dispute(w, reported_at=now - dt.timedelta(days=7))  # past its escalation
        for n in range(count):
            case = report_ac_dispute(w)
            if n % 2:
                case_dispatch(case_accept(case.pk, actor=w.zhang).pk, actor=w.zhang)

    with time_machine.travel(now, tick=False):
        open_cases(5)
        with CaptureQueriesContext(connection) as few:
            assert sweep_deadlines()["accept"] == 1
        open_cases(45)
        with CaptureQueriesContext(connection) as many:
            assert sweep_deadlines()["accept"] == 1
    assert Case.objects.filter(status__in=["reported", "dispatched"]).count() == 52
    assert len(few) == len(many)


def test_no_feedback_in_the_window_closes_as_default_satisfied(world):
    """Resolved Mon 09:00; the window is 3 working days: closed at Thu 11-26 09:00, not before."""
    w = world
    with time_machine.travel(MONDAY, tick=False):
        silent = walk_to(w, "resolved")
        answered = walk_to(w, "resolved")
        feedback.case_feedback(answered.pk, actor=w.wang, result="basic")
    assert silent.feedback_due_at == at(2026, 11, 26, 9)
    assert sweep(at(2026, 11, 26, 9) - MINUTE)["closed"] == 0
    assert sweep(at(2026, 11, 26, 9))["closed"] == 1
    silent.refresh_from_db()
    assert (silent.status, silent.satisfaction) == ("closed", "default")
    assert Feedback.objects.get(case=silent).given_by is None
    event = CaseEvent.objects.filter(case=silent).last()
    assert (event.action, event.actor) == ("close_default", None)
    answered.refresh_from_db()
    assert answered.satisfaction == "basic"
    assert sweep(at(2026, 11, 27, 9))["closed"] == 0


def test_a_case_resolved_again_keeps_its_new_window(world):
    """The sweep saw an ended window; meanwhile the reporter was dissatisfied and the case was
    resolved again: the default closure for the old window is refused."""
    w = world
    with time_machine.travel(MONDAY, tick=False):
        case = walk_to(w, "resolved")
    old_window = case.feedback_due_at
    with time_machine.travel(at(2026, 11, 25, 9), tick=False):
        feedback.case_feedback(case.pk, actor=w.wang, result="dissatisfied", comment="仍在滴水")
        case = handling.case_resolve(case.pk, actor=w.tiaojie, text="加装接水管")
    with pytest.raises(Conflict):
        feedback.case_close_default(case.pk, feedback_due_at=old_window)
    with time_machine.travel(at(2026, 11, 26, 9), tick=False):
        assert close_unanswered() == 0
    case.refresh_from_db()
    assert case.status == "resolved"


def test_admin_is_warned_about_years_without_holiday_data(admin_client):
    with time_machine.travel(at(2026, 11, 28, 10)):
        response = admin_client.get("/admin/workstation/calendarday/")
    messages = [str(m) for m in response.context["messages"]]
    assert any("2027" in m for m in messages), messages
    assert not any("2026" in m for m in messages)


def test_an_escalation_reads_in_the_readers_language(world):
    """The rung is stored as its deadline and due time; the message and the notice are worded when
    read, so an English reader of the same rows reads English."""
    w = world
    case = all_signed(w, MONDAY)
    sweep(at(2026, 12, 1, 9))
    url = f"/api/cases/{case.pk}/supervisions/"

    [chinese] = client_for(w.zhang).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    [english] = client_for(w.zhang).get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert chinese["message"] == "超过办理期限（2026-11-30 09:00）一个工作日仍未完成，已升级督办，通报站长和领导。"
    assert english["message"] == (
        "The handling deadline (2026-11-30 09:00) passed a working day ago and the work is still not done: "
        "escalated, and the chief and leaders are told."
    )
    notices = client_for(w.lingdao).get(
        "/api/notifications/", {"kind": "supervision_escalated"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    [notice] = notices.json()["results"]
    assert notice["title"] == f"Escalated: {case.number} {case.title}"
    assert notice["body"] == english["message"]


def test_a_thousand_due_rows_cost_a_few_queries_per_batch_not_one_per_notice(world, django_assert_num_queries):
    """1,000 reports past their escalation: five batches of 200, each a fixed handful of queries
    (claim, move the ladder, the rungs, the people, the notices in one INSERT and their copies in
    another); 1,050 when each notice was inserted on its own. The reports are copies of one filed
    through the service."""
    w = world
    now = at(2026, 11, 24, 9)
    with time_machine.travel(now - dt.timedelta(days=7), tick=False):
        first = report_ac_dispute(w)
    fields = {f.attname: getattr(first, f.attname) for f in Case._meta.concrete_fields if not f.primary_key}
    Case.objects.bulk_create(Case(**(fields | {"number": f"ZX-BULK-{n:04d}"})) for n in range(999))
    with time_machine.travel(now, tick=False), django_assert_num_queries(55):
        assert sweep_deadlines()["accept"] == 1000
    assert Supervision.objects.filter(deadline="accept", level="escalated").count() == 1000
    for person in (w.zhang, w.lingdao):
        assert Notification.objects.filter(recipient=person, kind="supervision_escalated").count() == 1000
