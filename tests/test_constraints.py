"""The database itself refuses data that would break the domain, whatever the caller does."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone

from cases.models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    Extension,
    Feedback,
    MediationSession,
    Party,
    SlaRule,
    Supervision,
)
from workstation.models import Department, Grid, Membership, StationDepartment, User, Workstation

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    return Workstation.objects.create(code="ZX", name="振兴基层治理联动工作站")


@pytest.fixture
def police():
    return Department.objects.create(code="police", name="公安分局")


@pytest.fixture
def alice():
    return User.objects.create_user("alice", password="x")


@pytest.fixture
def case(station):
    return Case.objects.create(
        number="ZX-20261128-0001", station=station, title="噪音", description="楼上噪音", reported_at=timezone.now()
    )


def refused(**kwargs):
    """Assert the block's write is refused by the database, leaving the transaction usable."""
    return pytest.raises(IntegrityError, **kwargs)


def test_station_code_is_upper_letters():
    with refused(), transaction.atomic():
        Workstation.objects.create(code="zx1", name="坏编码")


def test_department_is_stationed_once_per_station(station, police):
    StationDepartment.objects.create(station=station, department=police, presence="stationed")
    with refused(), transaction.atomic():
        StationDepartment.objects.create(station=station, department=police, presence="liaison")


def test_presence_must_be_4_or_x(station, police):
    with refused(), transaction.atomic():
        StationDepartment.objects.create(station=station, department=police, presence="sometimes")


def test_grid_code_unique_per_station(station):
    Grid.objects.create(station=station, code="G1", name="一网格")
    with refused(), transaction.atomic():
        Grid.objects.create(station=station, code="G1", name="另一个")
    other = Workstation.objects.create(code="HX", name="和兴站")
    Grid.objects.create(station=other, code="G1", name="和兴一网格")


@pytest.mark.parametrize(
    ("role", "with_station", "with_department", "ok"),
    [
        ("leader", False, False, True),
        ("leader", True, False, False),
        ("chief", True, False, True),
        ("chief", False, False, False),
        ("handler", True, True, True),
        ("handler", True, False, False),
        ("mediator", True, True, True),
        ("grid_worker", True, True, False),
        ("janitor", True, False, False),
    ],
)
def test_membership_scope_matches_role(station, police, alice, role, with_station, with_department, ok):
    def create():
        Membership.objects.create(
            user=alice,
            role=role,
            station=station if with_station else None,
            department=police if with_department else None,
        )

    if ok:
        create()
    else:
        with refused(), transaction.atomic():
            create()


def test_leader_membership_unique_despite_null_station(alice):
    Membership.objects.create(user=alice, role="leader")
    with refused(), transaction.atomic():
        Membership.objects.create(user=alice, role="leader")


def test_case_number_unique(station, case):
    with refused(), transaction.atomic():
        Case.objects.create(
            number=case.number, station=station, title="重复", description="x", reported_at=timezone.now()
        )


def test_external_id_unique_per_source_only(station):
    def make(number, source, external_id):
        return Case.objects.create(
            number=number,
            station=station,
            source=source,
            external_id=external_id,
            title="t",
            description="d",
            reported_at=timezone.now(),
        )

    make("ZX-20261128-0001", "110", "JJ-1")
    make("ZX-20261128-0002", "12345", "JJ-1")  # another source may reuse the id
    make("ZX-20261128-0003", "grid", None)
    make("ZX-20261128-0004", "grid", None)  # cases born here have no outside id
    with refused(), transaction.atomic():
        make("ZX-20261128-0005", "110", "JJ-1")


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "merged"},  # merged needs the case it was merged into
        {"status": "rejected"},  # rejected needs a reason
        {"status": "nonsense"},
        {"urgency": "whenever"},
        {"latitude": 91, "longitude": 120},
        {"latitude": 30},  # half a coordinate
        {"dispatched_at": dt.datetime(2026, 11, 28, tzinfo=dt.UTC)},  # dispatched yet still reported
    ],
    ids=[
        "merged-no-target",
        "rejected-no-reason",
        "bad-status",
        "bad-urgency",
        "bad-latitude",
        "half-coordinate",
        "dispatch-time-inconsistent",
    ],
)
def test_case_state_checks(case, changes):
    for field, value in changes.items():
        setattr(case, field, value)
    with refused(), transaction.atomic():
        case.save()


def test_case_cannot_merge_into_itself(case):
    case.status = "merged"
    case.duplicate_of_id = case.pk
    with refused(), transaction.atomic():
        case.save()


def test_party_id_number_format(case):
    Party.objects.create(case=case, name="张某", id_number="33010619800119123X")
    with refused(), transaction.atomic():
        Party.objects.create(case=case, name="李某", id_number="12345")


def test_party_id_number_check_character_is_validated_by_the_model(case):
    """The database holds the shape; the model's validator (the admin's forms) also the check."""
    Party(case=case, name="张某", id_number="33010619800119123X").full_clean()
    with pytest.raises(ValidationError) as refused:
        Party(case=case, name="李某", id_number="330106198001191231").full_clean()
    assert refused.value.message_dict == {"id_number": ["身份证号校验位不正确，请核对"]}


def test_one_active_lead_and_one_active_assignment_per_department(case, police):
    enforcement = Department.objects.create(code="enforcement", name="综合行政执法局")
    now = timezone.now()
    Assignment.objects.create(case=case, department=police, role="lead", dispatched_at=now)
    with refused(), transaction.atomic():
        Assignment.objects.create(case=case, department=enforcement, role="lead", dispatched_at=now)
    with refused(), transaction.atomic():
        Assignment.objects.create(case=case, department=police, role="co", dispatched_at=now)
    # A returned assignment no longer holds the department: it may be dispatched again.
    Assignment.objects.filter(case=case, department=police).update(status="returned")
    Assignment.objects.create(case=case, department=police, role="lead", dispatched_at=now)


def test_signed_assignment_names_its_signer(case, police):
    with refused(), transaction.atomic():
        Assignment.objects.create(
            case=case, department=police, role="lead", dispatched_at=timezone.now(), signed_at=timezone.now()
        )


def test_supervision_rung_fires_once_per_deadline(case):
    due = timezone.now()
    Supervision.objects.create(case=case, deadline="handle", due_at=due, level="yellow")
    with refused(), transaction.atomic():
        Supervision.objects.create(case=case, deadline="handle", due_at=due, level="yellow")
    # A moved deadline starts a fresh ladder.
    Supervision.objects.create(case=case, deadline="handle", due_at=due + dt.timedelta(days=2), level="yellow")


def test_manual_supervision_needs_author_and_message(case, alice):
    with refused(), transaction.atomic():
        Supervision.objects.create(case=case, level="manual", message="")
    Supervision.objects.create(case=case, level="manual", message="请三日内办结", created_by=alice)
    Supervision.objects.create(case=case, level="manual", message="再次督办", created_by=alice)


def test_extension_moves_later_and_one_pending(case, police, alice):
    now = timezone.now()
    assignment = Assignment.objects.create(case=case, department=police, role="lead", dispatched_at=now)
    with refused(), transaction.atomic():
        Extension.objects.create(
            case=case, assignment=assignment, reason="r", requested_by=alice, previous_due_at=now, requested_due_at=now
        )
    later = now + dt.timedelta(days=3)
    Extension.objects.create(
        case=case, assignment=assignment, reason="r", requested_by=alice, previous_due_at=now, requested_due_at=later
    )
    with refused(), transaction.atomic():
        Extension.objects.create(
            case=case,
            assignment=assignment,
            reason="r2",
            requested_by=alice,
            previous_due_at=now,
            requested_due_at=later,
        )


def test_mediation_rounds_and_agreement(case):
    when = timezone.now()
    MediationSession.objects.create(case=case, round_no=1, scheduled_at=when, place="调解室")
    with refused(), transaction.atomic():
        MediationSession.objects.create(case=case, round_no=1, scheduled_at=when, place="调解室")
    with refused(), transaction.atomic():
        MediationSession.objects.create(
            case=case, round_no=2, scheduled_at=when, place="调解室", status="held", outcome="agreement"
        )
    with refused(), transaction.atomic():  # no outcome before the session is held
        MediationSession.objects.create(case=case, round_no=3, scheduled_at=when, place="x", outcome="partial")


def test_dissatisfied_feedback_needs_a_reason(case, alice):
    with refused(), transaction.atomic():
        Feedback.objects.create(case=case, result="dissatisfied", given_by=alice)
    with refused(), transaction.atomic():
        Feedback.objects.create(case=case, result="default", given_by=alice)
    Feedback.objects.create(case=case, result="default")


def test_sla_rule_unique_per_category_and_urgency_including_default(police):
    SlaRule.objects.create(urgency="normal")
    with refused(), transaction.atomic():
        SlaRule.objects.create(urgency="normal")
    category = Category.objects.create(code="neighbour", name="邻里纠纷", owner=police)
    SlaRule.objects.create(category=category, urgency="normal")
    with refused(), transaction.atomic():
        SlaRule.objects.create(category=category, urgency="urgent", accept_amount=0)


def test_case_events_are_append_only(case, alice):
    event = CaseEvent.objects.create(case=case, actor=alice, action="report", to_status="reported")
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_database_refuses_to_rewrite_history(case, alice):
    # Run as a role with every privilege, the trigger refuses; run as the app role (two roles,
    # tests/database_roles.py), its missing privilege refuses first (tests/test_database_roles.py).
    CaseEvent.objects.create(case=case, actor=alice, action="report", to_status="reported")
    either = {"expected_exception": (IntegrityError, ProgrammingError), "match": "append-only|permission denied"}
    with pytest.raises(**either), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(reason="改写历史")
    with pytest.raises(**either), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()


def test_categories_have_two_levels_only(police):
    top = Category.objects.create(code="dispute", name="矛盾纠纷")
    child = Category.objects.create(code="neighbour", name="邻里纠纷", parent=top, owner=police)
    grandchild = Category(code="noise", name="噪音", parent=child)
    with pytest.raises(ValidationError) as refused:
        grandchild.full_clean()
    assert "parent" in refused.value.message_dict
    top.parent = Category.objects.create(code="other", name="其他")
    with pytest.raises(ValidationError):
        top.full_clean()
