"""The services' clock: code run at a set moment (the demo seed) stamps everything with it."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CaseEvent, Supervision
from cases.services import dispatching, handling
from cases.services.sweep import sweep_deadlines
from governance import clock
from notifications.models import Notification
from tests.personas import report_ac_dispute

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A Monday morning two weeks before the tests' present, in an ordinary week.
MONDAY = dt.datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI)


def test_services_stamp_the_moment_the_clock_is_set_to(world):
    with clock.frozen_at(MONDAY):
        case = report_ac_dispute(world)
    with clock.frozen_at(MONDAY + dt.timedelta(minutes=30)):
        case = dispatching.case_accept(case.pk, actor=world.zhang)
    with clock.frozen_at(MONDAY + dt.timedelta(hours=1)):
        case = dispatching.case_dispatch(case.pk, actor=world.zhang)
    with clock.frozen_at(MONDAY + dt.timedelta(hours=2)):
        case = handling.assignment_sign(case.pk, actor=world.tiaojie)

    assert (case.reported_at, case.created_at) == (MONDAY, MONDAY)
    assert case.accepted_at == MONDAY + dt.timedelta(minutes=30)
    assert case.dispatched_at == case.handle_started_at == MONDAY + dt.timedelta(hours=1)
    assert case.updated_at == MONDAY + dt.timedelta(hours=2)
    stamps = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("action", "created_at"))
    assert stamps == [
        ("report", MONDAY),
        ("accept", MONDAY + dt.timedelta(minutes=30)),
        ("dispatch", MONDAY + dt.timedelta(hours=1)),
        ("sign", MONDAY + dt.timedelta(hours=2)),
    ]
    notices = Notification.objects.filter(case=case)
    assert notices.exists()
    assert set(notices.values_list("created_at", flat=True)) <= {MONDAY, MONDAY + dt.timedelta(hours=1)}


def test_the_sweep_run_at_a_past_moment_fires_the_rungs_due_then(world):
    with clock.frozen_at(MONDAY):
        case = report_ac_dispute(world)  # to be accepted within 2 working hours: by 11:00
    yellow = MONDAY + dt.timedelta(minutes=96)  # 80 % of the two hours

    with clock.frozen_at(yellow):
        assert sweep_deadlines()["accept"] == 1

    rung = Supervision.objects.get(case=case)
    assert (rung.level, rung.created_at) == ("yellow", yellow)
    assert "2026-11-09 11:00" in rung.text
    assert Notification.objects.filter(kind="supervision_yellow").get().created_at == yellow


def test_outside_the_block_the_clock_is_the_real_time():
    before = timezone.now()
    with clock.frozen_at(MONDAY):
        assert clock.now() == MONDAY
    assert before <= clock.now() <= timezone.now()
    naive = dt.datetime(2026, 11, 9, 9, 0)
    with pytest.raises(ValueError, match="aware"), clock.frozen_at(naive):
        pass
