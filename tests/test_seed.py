"""``manage.py seed_demo`` builds the demo station ZX, and a second run changes nothing."""

import datetime as dt
import hashlib
import io
import itertools
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cases.access import case_roles, visible_cases
from cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseNumberSequence,
    CaseStatus,
    Category,
    Clarity,
    Deadline,
    Feedback,
    MediationOutcome,
    MediationSession,
    SlaRule,
    Supervision,
)
from cases.services.feedback import case_feedback
from cases.services.handling import case_resolve, part_record
from cases.services.lifecycle import TRANSITIONS
from cases.services.mediation import mediation_record
from cases.validators import validate_id_number
from notifications.models import Notification, NotificationDelivery
from tests.api_helpers import sign_in
from workstation.models import Membership, Role, StationDepartment, User, WorkingPeriod

pytestmark = pytest.mark.django_db

PASSWORD = "Demo@2026"
FOUR = {"police", "enforcement", "market", "mediation"}
# The actions of the lifecycle services (cases/services) that the sample histories use.
ACTIONS = {
    "report",
    "accept",
    "reject",
    "merge",
    "dispatch",
    "sign",
    "record_part",
    "schedule_mediation",
    "record_mediation",
    "supervise",
    "respond_supervision",
    "resolve",
    "feedback",
    "close_default",
}

# Who each persona is towards the story case, as the access gate names it.
STORY_ROLES = {
    "wanggeyuan": {"reporter"},
    "zhanzhang": {"chief"},
    "tiaojie": {"lead", "mediator"},
    "zhifa": {"co"},
    "gongan": {"co"},
    "lingdao": {"leader"},
}


def seed() -> str:
    out = io.StringIO()
    # Tests run with DEBUG off, as a production server does: hence the explicit flag.
    call_command("seed_demo", allow_production=True, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, in a transaction rolled back at its end; each test runs in a savepoint."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every value, for every model (and M2M table) of both apps."""
    state = {}
    for label in ("workstation", "cases"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = list(model.objects.order_by("pk").values())
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            state[model._meta.label] = (len(rows), digest)
    return state


def codes(departments) -> set[str]:
    return {d.code for d in departments}


def test_second_run_changes_nothing(seeded):
    before = snapshot()
    assert before["cases.Case"][0] > 0

    output = seed()

    assert snapshot() == before
    assert "没有新增" in output


def test_second_run_keeps_a_changed_password(seeded):
    chief = User.objects.get(username="zhanzhang")
    chief.set_password("Changed@2026")
    chief.save()

    seed()

    chief.refresh_from_db()
    assert chief.check_password("Changed@2026")


def test_output_lists_the_demo_logins(seeded):
    assert PASSWORD in seeded
    for username in ("admin", "zhanzhang", "wanggeyuan", "gongan", "tiaojie", "renshe", "lingdao"):
        assert username in seeded


def test_roster_is_four_plus_x(seeded):
    presences = StationDepartment.objects.filter(station__code="ZX").select_related("department")
    stationed = [p for p in presences if p.presence == StationDepartment.Presence.STATIONED]
    liaison = [p for p in presences if p.presence == StationDepartment.Presence.LIAISON]

    assert codes(p.department for p in stationed) == FOUR
    assert len(liaison) == 15
    assert {"hrss", "construction", "social", "emergency"} <= codes(p.department for p in liaison)
    for presence in liaison:
        assert presence.liaison_officer is not None, presence
        assert Membership.objects.filter(
            user=presence.liaison_officer,
            role=Role.HANDLER,
            station=presence.station,
            department=presence.department,
        ).exists(), presence
    officers = {p.department.code: p.liaison_officer.username for p in liaison}
    assert officers["hrss"] == "renshe"
    assert officers["construction"] == "jianjiao"
    assert officers["emergency"] == "yingji"


@pytest.mark.parametrize(
    ("username", "role", "department"),
    [
        ("zhanzhang", Role.CHIEF, None),
        ("fuzhanzhang", Role.CHIEF, None),
        ("wanggeyuan", Role.GRID_WORKER, None),
        ("wanggeyuan2", Role.GRID_WORKER, None),
        ("gongan", Role.HANDLER, "police"),
        ("zhifa", Role.HANDLER, "enforcement"),
        ("shijian", Role.HANDLER, "market"),
        ("tiaojie", Role.MEDIATOR, "mediation"),
        ("renshe", Role.HANDLER, "hrss"),
        ("jianjiao", Role.HANDLER, "construction"),
        ("yingji", Role.HANDLER, "emergency"),
        ("lingdao", Role.LEADER, None),
    ],
)
def test_every_role_has_a_demo_account_that_signs_in(seeded, client, username, role, department):
    assert sign_in(client, username, PASSWORD).status_code == 302
    membership = Membership.objects.get(user__username=username)
    assert membership.role == role
    assert (membership.department.code if membership.department else None) == department
    if role == Role.LEADER:
        assert membership.station is None
    else:
        assert membership.station.code == "ZX"


def test_admin_is_a_superuser_who_signs_in(seeded, client):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_users_have_chinese_names_and_phones(seeded):
    # People, that is: the intake service accounts have a name but no phone.
    for user in User.objects.exclude(groups__name__startswith="intake:"):
        assert re.search(r"[\u4e00-\u9fff]", user.display_name), user.username
        assert re.fullmatch(r"1380000\d{4}", user.phone), user.username


def test_grid_workers_own_one_or_two_grids(seeded):
    workers = Membership.objects.filter(role=Role.GRID_WORKER, station__code="ZX")
    assert workers.get(user__username="wanggeyuan").grids.count() == 2
    for membership in workers:
        assert 1 <= membership.grids.count() <= 2
    grids = {grid for membership in workers for grid in membership.grids.all()}
    assert 5 <= len(grids) <= 6
    for grid in grids:
        assert 30.2 < grid.center_latitude < 30.35 and 120.1 < grid.center_longitude < 120.2


def test_categories_say_who_owns_what(seeded):
    def category(name: str) -> Category:
        return Category.objects.get(name=name)

    neighbour = category("邻里纠纷")
    assert neighbour.code == "neighbour"
    assert neighbour.clarity == Clarity.BLURRED
    assert neighbour.owner.code == "mediation"
    assert codes(neighbour.co_departments.all()) == {"enforcement", "police"}
    assert {"空调外机", "噪音", "漏水", "楼道堆物", "宠物"} <= set(neighbour.keywords.values_list("keyword", flat=True))

    clear = {
        "劳资纠纷": ("hrss", {"欠薪", "工资", "拖欠"}),
        "消费纠纷": ("market", {"退款", "假货", "预付卡"}),
        "违章搭建": ("enforcement", {"违建", "搭建", "加层"}),
        "安全隐患": ("emergency", {"消防通道", "燃气", "电瓶车"}),
    }
    for name, (owner, keywords) in clear.items():
        row = category(name)
        assert row.clarity == Clarity.CLEAR, name
        assert row.owner.code == owner, name
        assert keywords <= set(row.keywords.values_list("keyword", flat=True)), name

    # Two levels: every category is a 大类 or a child of one.
    for row in Category.objects.filter(parent__isnull=False):
        assert row.parent.parent_id is None
        assert row.owner is not None


def test_district_time_limits_and_working_hours(seeded):
    rules = {rule.urgency: rule for rule in SlaRule.objects.filter(category__isnull=True)}
    normal, urgent, major = rules["normal"], rules["urgent"], rules["major"]
    assert (normal.accept_amount, normal.accept_unit) == (2, "work_hours")
    assert (normal.sign_amount, normal.sign_unit, normal.handle_amount) == (1, "work_days", None)
    assert (normal.feedback_amount, normal.feedback_unit) == (3, "work_days")
    assert (urgent.accept_amount, urgent.accept_unit, urgent.sign_amount, urgent.sign_unit) == (
        1,
        "clock_hours",
        2,
        "clock_hours",
    )
    assert (urgent.handle_amount, urgent.handle_unit) == (24, "clock_hours")
    assert (major.handle_amount, major.handle_unit) == (48, "clock_hours")
    periods = [(p.start.strftime("%H:%M"), p.end.strftime("%H:%M")) for p in WorkingPeriod.objects.all()]
    assert periods == [("08:30", "12:00"), ("13:30", "17:30")]


def test_cases_cover_every_state(seeded):
    cases = Case.objects.filter(station__code="ZX")
    assert 45 <= cases.count() <= 60
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert len(set(cases.values_list("source", flat=True))) == 6
    assert cases.exclude(ladder="none").exists(), "some cases should be on the supervision ladder"
    assert cases.filter(rework_count__gt=0).exists()
    assert set(Feedback.objects.values_list("result", flat=True)) >= {"satisfied", "basic", "default"}
    oldest = cases.order_by("reported_at").first().reported_at
    assert timezone.now() - oldest < dt.timedelta(days=65)


def test_supervision_ladders_are_the_sweeps(seeded):
    """Every automatic rung was written by the deadline sweep, at the minute it fell due: only the
    accept, sign and handling deadlines have a ladder, each message names the due time, and the
    people who answer for it were told."""
    rungs = Supervision.objects.exclude(level=Supervision.Level.MANUAL).select_related("case")
    assert rungs.exists()
    for rung in rungs:
        assert rung.deadline in {Deadline.ACCEPT, Deadline.SIGN, Deadline.HANDLE}, rung.case.number
        assert f"{timezone.localtime(rung.due_at):%Y-%m-%d %H:%M}" in rung.text, rung.text
        assert (rung.created_at.second, rung.created_at.microsecond) == (0, 0), "the sweep runs on the minute"
        assert Notification.objects.filter(
            case=rung.case, kind=f"supervision_{rung.level}", created_at=rung.created_at
        ).exists(), rung.message


def test_default_satisfied_closure_comes_from_the_sweep_after_the_window(seeded):
    closures = CaseEvent.objects.filter(action="close_default").select_related("case")
    assert closures.exists()
    for event in closures:
        assert event.actor is None
        assert event.created_at >= event.case.feedback_due_at, event.case.number


def test_the_demo_bell_shows_notices_and_no_copy_goes_out(seeded):
    """The services' notices are real (stamped when they happened); the demo users choose no
    e-mail or SMS, so the seed owes no delivery of a past notice."""
    chief = User.objects.get(username="zhanzhang")
    notices = Notification.objects.filter(recipient=chief)
    assert notices.filter(kind="reported").exists()
    assert notices.filter(created_at__gt=timezone.now()).count() == 0
    assert Notification.objects.filter(kind="dispatched", recipient__username="tiaojie").exists()
    assert not NotificationDelivery.objects.exists()


def test_case_numbers_follow_the_day_and_the_sequence(seeded):
    pattern = re.compile(r"^ZX-(\d{8})-(\d{4})$")
    per_day: dict[str, list[int]] = {}
    for case in Case.objects.filter(station__code="ZX"):  # HX and DS number their own
        match = pattern.match(case.number)
        assert match, case.number
        assert match[1] == timezone.localtime(case.reported_at).strftime("%Y%m%d"), case.number
        per_day.setdefault(match[1], []).append(int(match[2]))
    for day, numbers in per_day.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), day
        sequence = CaseNumberSequence.objects.get(station__code="ZX", day=f"{day[:4]}-{day[4:6]}-{day[6:]}")
        assert sequence.last == max(numbers)


def test_every_case_has_an_ordered_history(seeded):
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events, case.number
        assert events[0].action == "report"
        assert events[-1].to_status == case.status, case.number
        times = [e.created_at for e in events]
        assert times == sorted(times), case.number
        assert times[-1] <= now
        for earlier, later in itertools.pairwise(events):
            assert later.from_status == earlier.to_status, case.number
        assert {e.action for e in events} <= ACTIONS, case.number
    assert ACTIONS - {"report"} <= set(TRANSITIONS), "the histories use the lifecycle's action names"


def test_assignments_match_the_case_status(seeded):
    # (lead, co): a co-department's part is recorded before the lead resolves; rework reopens the lead only.
    expected = {
        CaseStatus.DISPATCHED: ({AssignmentStatus.PENDING}, {AssignmentStatus.PENDING}),
        CaseStatus.IN_PROGRESS: ({AssignmentStatus.SIGNED}, {AssignmentStatus.SIGNED, AssignmentStatus.PART_DONE}),
        CaseStatus.RESOLVED: ({AssignmentStatus.DONE}, {AssignmentStatus.PART_DONE}),
        CaseStatus.CLOSED: ({AssignmentStatus.DONE}, {AssignmentStatus.PART_DONE}),
    }
    for case in Case.objects.prefetch_related("assignments"):
        assignments = list(case.assignments.all())
        if case.status not in expected:
            assert not assignments, case.number
            continue
        lead_statuses, co_statuses = expected[case.status]
        assert [a.role for a in assignments].count(AssignmentRole.LEAD) == 1
        for a in assignments:
            assert a.status in (lead_statuses if a.role == AssignmentRole.LEAD else co_statuses), case.number
        assert case.lead_department_id == next(a.department_id for a in assignments if a.role == "lead")
        assert all(a.sign_due_at and a.handle_due_at for a in assignments)
        assert case.handle_due_at is not None
    assert Case.objects.filter(dispatch_mode="joint", assignments__role="co").exists()


def test_closed_cases_have_feedback(seeded):
    for case in Case.objects.filter(status=CaseStatus.CLOSED):
        final = case.feedbacks.order_by("created_at").last()
        assert final is not None, case.number
        assert final.result == case.satisfaction
        assert case.closed_at >= case.resolved_at


def test_story_case_is_ready_to_continue(seeded):
    case = Case.objects.get(title="紫金凰小区空调外机噪音纠纷")
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.category.name == "邻里纠纷"
    assert case.reporter.username == "wanggeyuan"
    assert case.grid.community == "紫金凰社区"
    parties = {p.name: p for p in case.parties.all()}
    assert set(parties) == {"张某", "李某"}
    assert all(p.phone for p in parties.values())
    for party in parties.values():
        validate_id_number(party.id_number)  # raises on a bad check character

    assert case.dispatch_mode == "joint"
    assert case.lead_department.code == "mediation"
    co = Assignment.objects.filter(case=case, role=AssignmentRole.CO)
    assert codes(a.department for a in co) == {"enforcement", "police"}

    first, second = MediationSession.objects.filter(case=case).order_by("round_no")
    assert (first.status, first.outcome) == (MediationSession.Status.HELD, MediationOutcome.PARTIAL)
    assert first.minutes and first.agreement  # what round 1 agreed, in part
    assert second.status == MediationSession.Status.SCHEDULED
    assert second.scheduled_at > timezone.now()
    assert case.merged_cases.exists(), "the 12345 call about the same dispute is merged into it"


def test_story_case_roles_match_the_personas(seeded):
    case = Case.objects.get(title="紫金凰小区空调外机噪音纠纷")
    roles = {username: case_roles(User.objects.get(username=username), case) for username in STORY_ROLES}
    assert roles == STORY_ROLES
    outsider = User.objects.get(username="shijian")
    assert not visible_cases(outsider).filter(pk=case.pk).exists()


def test_story_case_continues_through_the_real_services(seeded):
    """Round 2 is held with an agreement, the co-departments report, the mediator resolves, the
    grid worker is satisfied: the seeded state is one the lifecycle accepts."""
    case = Case.objects.get(title="紫金凰小区空调外机噪音纠纷")
    user = {u.username: u for u in User.objects.filter(username__in=["tiaojie", "zhifa", "gongan", "wanggeyuan"])}
    second = case.mediations.get(round_no=2)

    mediation_record(
        case.pk,
        actor=user["tiaojie"],
        session_id=second.pk,
        minutes="噪音检测未超标，李某同意加装冷凝水管并为外机加装减振垫。",
        outcome=MediationOutcome.AGREEMENT,
        agreement="李某一周内加装冷凝水管和减振垫，张某不再要求移机。",
    )
    part_record(case.pk, actor=user["zhifa"], text="已现场核实外机安装位置未占用公共部位。")
    part_record(case.pk, actor=user["gongan"], text="已到场维持秩序并开展法治宣传。")
    case_resolve(case.pk, actor=user["tiaojie"], text="双方达成调解协议，冷凝水管和减振垫已加装。")
    case = case_feedback(case.pk, actor=user["wanggeyuan"], result="satisfied", comment="双方满意。")

    assert case.status == CaseStatus.CLOSED


def test_every_demo_account_and_intake_source_has_an_api_token(seeded):
    from demo.tokens import demo_key
    from tests.api_helpers import token_client

    for username in ["zhanzhang", "wanggeyuan", "tiaojie", "lingdao", "intake-110", "intake-12345"]:
        assert demo_key(username).startswith(f"demo-{username}-")
        if not username.startswith("intake-"):
            me = token_client(demo_key(username)).get("/api/me/")
            assert me.status_code == 200, me.content
            assert me.json()["username"] == username


def test_refuses_a_production_server_without_the_explicit_flag(settings, db):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    users = User.objects.count()
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")
    assert User.objects.count() == users
