"""The permission matrix (issue 13, item 9): every role against every page, every API operation
(read from the OpenAPI schema) and every lifecycle action, with the expected answer.

Answers: ``allow`` (2xx, or a page's redirect after a form), ``deny`` (403), ``hidden`` (404:
out of scope, the same as missing), ``login`` (401 on the API, the login page for a page), and
for what shows a case's personal data ``full`` or ``masked`` (allowed, the party's phone shown
in full or masked).

The world is built once per module (``matrix_world``: inside a transaction rolled back at the
end); each row runs in a savepoint rolled back after it, so every row starts from the same
state. To extend: a new API operation fails ``test_every_operation_has_expectations`` until
``API`` below names it; a new page goes into ``PAGES``; a new action into ``ACTION_STATE`` and
``ACTION_ROLES``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from cases.api.actions import ACTIONS
from cases.models import Attachment
from cases.services import dispatching, handling
from demo.tokens import ensure_intake_accounts
from exports.models import Export
from exports.registry import EXPORTS
from notifications.models import Notification
from tests.personas import build_world, report_ac_dispute, walk_to
from tests.test_api_intake import PAYLOADS
from tests.test_available_actions import STATES, valid_input
from tests.uploads import jpeg, upload
from workstation.models import Membership, Role

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "grid_worker",
    "chief",
    "lead_handler",
    "mediator",
    "co_department",
    "liaison_officer",
    "leader",
    "admin",
    "intake_account",
    "other_chief",
    "other_handler",
]
PEOPLE = [r for r in ROLES if r not in ("anonymous", "intake_account")]
# Who sees the working case (in progress, lead signed): the liaison officer only where summoned.
SEES_CASE = {"grid_worker", "chief", "lead_handler", "mediator", "co_department", "leader"}
SEES_CASE_FULL = {"grid_worker", "chief", "lead_handler", "mediator", "co_department"}

PHONE, MASKED_PHONE = "13900000001", "139****0001"


# --- The world -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast), transaction.atomic():
        w = build_world()
        w.media = media
        w.lead_handler = get_user_model().objects.create_user("laohan", password="x", display_name="老韩")
        Membership.objects.create(
            user=w.lead_handler, role=Role.HANDLER, station=w.station, department=w.dept.mediation
        )
        w.admin = get_user_model().objects.create_superuser("root", password="x", display_name="管理员")
        w.keys = ensure_intake_accounts()
        w.intake = get_user_model().objects.get(username="intake-110")
        w.people = {
            "grid_worker": w.wang,
            "chief": w.zhang,
            "lead_handler": w.lead_handler,
            "mediator": w.tiaojie,
            "co_department": w.zhifa,
            "liaison_officer": w.yingji,
            "leader": w.lingdao,
            "admin": w.admin,
            "other_chief": w.outsider,
            "other_handler": w.shijian,
        }
        # The working case: reported with a photo, accepted, dispatched (mediation leads; law
        # enforcement and police assist), signed by the lead.
        case = report_ac_dispute(w, files=[upload("现场.jpg", jpeg())])
        dispatching.case_accept(case.pk, actor=w.zhang)
        dispatching.case_dispatch(case.pk, actor=w.zhang)
        handling.assignment_sign(case.pk, actor=w.tiaojie)
        w.case = case
        w.photo = Attachment.objects.get(case=case)
        w.notice = Notification.objects.filter(recipient=w.zhang).first()
        # A case per state an action starts from (tests.test_available_actions.STATES).
        w.first_report = report_ac_dispute(w, title="紫金凰小区空调外机噪音（首报）")
        w.by_state = {}
        for state in sorted(set(ACTION_STATE.values())):
            status, then = STATES[state]
            built = walk_to(w, status)
            if then:
                then(w, built)
            built.refresh_from_db()
            w.by_state[state] = built
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def w(matrix_world, settings):
    """The module's world; each test runs in a savepoint rolled back after it (pytest-django's
    ``django_db`` inside the module's transaction)."""
    settings.MEDIA_ROOT = matrix_world.media
    return matrix_world


def api_client(w, role: str) -> APIClient:
    client = APIClient()
    if role == "intake_account":
        client.credentials(HTTP_AUTHORIZATION=f"Token {w.keys['intake-110']}")
    elif role != "anonymous":
        client.force_authenticate(w.people[role])
    return client


def page_client(w, role: str) -> Client:
    """A browser. The intake account has no usable password, so no session: like anonymous."""
    client = Client()
    if role in w.people:
        client.force_login(w.people[role])
    return client


# --- Expectations ----------------------------------------------------------------------------


def case_bound(sees=SEES_CASE, full=SEES_CASE_FULL, *, personal: bool = False) -> dict[str, str]:
    """A read of one case: in scope allowed (full or masked where it shows personal data),
    else hidden."""
    expected = {}
    for role in ROLES:
        if role == "anonymous":
            expected[role] = "login"
        elif role not in sees:
            expected[role] = "hidden"
        elif personal:
            expected[role] = "full" if role in full else "masked"
        else:
            expected[role] = "allow"
    return expected


def everyone(answer: str = "allow", *, intake: str | None = None, **overrides) -> dict[str, str]:
    expected = {role: answer for role in ROLES}
    expected["anonymous"] = "login"
    if intake:
        expected["intake_account"] = intake
    expected.update(overrides)
    return expected


def only(*allowed: str, others: str = "deny") -> dict[str, str]:
    return everyone(others, **dict.fromkeys(allowed, "allow"))


# The state each action is tried from (a key of tests.test_available_actions.STATES), and the
# roles that may take it there; everyone else who sees that case is refused (403), the others
# find no such case (404).
ACTION_STATE = {
    "accept": "reported",
    "reject": "reported",
    "merge": "reported",
    "dispatch": "accepted",
    "sign": "dispatched",
    "request_return": "lead_signed",
    "decide_return": "pending_return",
    "request_extension": "lead_signed",
    "decide_extension": "pending_extension",
    "request_hold": "lead_signed",
    "decide_hold": "pending_hold",
    "resume": "on_hold",
    "record_part": "co_signed",
    "waive_part": "lead_signed",
    "resolve": "parts_in",
    "feedback": "resolved",
    "close": "resolved",
    "supervise": "lead_signed",
    "respond_supervision": "supervised",
    "schedule_mediation": "lead_signed",
    "record_mediation": "session_scheduled",
    "acknowledge_summons": "summoned",
    "record_arrival": "summons_acknowledged",
}
LEAD = ("lead_handler", "mediator")
ACTION_ROLES = {
    "accept": ("chief",),
    "reject": ("chief",),
    "merge": ("chief",),
    "dispatch": ("chief",),
    "sign": (*LEAD, "co_department"),
    "request_return": (*LEAD, "co_department"),
    "decide_return": ("chief",),
    "request_extension": LEAD,
    "decide_extension": ("chief",),
    "request_hold": LEAD,
    "decide_hold": ("chief",),
    "resume": ("chief", *LEAD),
    "record_part": ("co_department",),
    "waive_part": ("chief",),
    "resolve": LEAD,
    "feedback": ("grid_worker", "chief"),
    "close": ("chief",),
    "supervise": ("chief", "leader"),
    "respond_supervision": (*LEAD, "co_department"),
    "schedule_mediation": ("chief", *LEAD),
    "record_mediation": ("chief", *LEAD),
    "acknowledge_summons": ("liaison_officer",),
    "record_arrival": ("liaison_officer", "chief"),
}
SUMMONED_STATES = {"summoned", "summons_acknowledged"}
# Before dispatch no department sees the case.
UNDISPATCHED_STATES = {"reported", "accepted"}


def action_expectation(action: str) -> dict[str, str]:
    state = ACTION_STATE[action]
    sees = set(SEES_CASE)
    if state in UNDISPATCHED_STATES:
        sees -= {"lead_handler", "mediator", "co_department"}
    if state in SUMMONED_STATES:
        sees.add("liaison_officer")
    expected = case_bound(sees)
    for role in sees:
        expected[role] = "allow" if role in ACTION_ROLES[action] else "deny"
    return expected


PEOPLE_ONLY = everyone(intake="deny")
API: dict[str, dict[str, str]] = {
    "cases_list": everyone(),
    "cases_create": only("grid_worker", "chief"),
    "cases_retrieve": case_bound(personal=True),
    "cases_dispatch_plan_retrieve": case_bound(),
    "cases_events_list": case_bound(),
    "cases_assignments_list": case_bound(),
    "cases_mediations_list": case_bound(),
    "cases_supervisions_list": case_bound(),
    "cases_summonses_list": case_bound(),
    # A photo shows people: a masked viewer gets no download (h-privacy's policy).
    "cases_attachments_download_retrieve": {**case_bound(), "leader": "deny"},
    **{f"cases_{action}": action_expectation(action) for action in ACTIONS},
    "categories_list": PEOPLE_ONLY,
    "categories_retrieve": PEOPLE_ONLY,
    "departments_list": PEOPLE_ONLY,
    "departments_retrieve": PEOPLE_ONLY,
    "grids_list": PEOPLE_ONLY,
    "grids_retrieve": PEOPLE_ONLY,
    "stations_list": PEOPLE_ONLY,
    "stations_retrieve": PEOPLE_ONLY,
    "intake_110": only("intake_account"),
    "intake_12345": only(),
    "intake_four_platforms": only(),
    "me_retrieve": everyone(),
    "notifications_list": everyone(),
    "notifications_unread_count_retrieve": everyone(),
    "notifications_read_all_create": everyone(),
    # The chief's notice: another's is not found.
    "notifications_read_create": everyone("hidden", chief="allow"),
}


@dataclass(frozen=True)
class Page:
    path: str  # {case} is the working case
    expected: dict[str, str]


ALL_SIGNED_IN = {role: "allow" for role in PEOPLE} | {"anonymous": "login", "intake_account": "login"}
# A liaison officer is called to cases (summonses), not a handler of the department's work.
READS_MEASURES = {role: "allow" for role in PEOPLE} | {"grid_worker": "hidden", "liaison_officer": "hidden"}
PAGES = {
    "home": Page("/", ALL_SIGNED_IN),
    # Open to anyone signed in; each shows only the user's own scope (empty for most).
    "report": Page("/report/", ALL_SIGNED_IN),
    "decisions": Page("/decisions/", ALL_SIGNED_IN),
    "board": Page("/board/", ALL_SIGNED_IN),
    "inbox": Page("/inbox/", ALL_SIGNED_IN),
    "notices": Page("/notices/", ALL_SIGNED_IN),
    "bell": Page("/notices/bell/", ALL_SIGNED_IN),
    # Chiefs only; another station's chief gets the desk of their own station.
    "intake_desk": Page(
        "/intake/",
        {
            **{role: "deny" for role in PEOPLE},
            "chief": "allow",
            "other_chief": "allow",
            "anonymous": "login",
            "intake_account": "login",
        },
    ),
    "case_page": Page("/cases/{case}/", {**case_bound(personal=True), "intake_account": "login"}),
    # The dashboard reads what the user's memberships reach (dashboard/scopes.py): the district, a
    # station, a department. A grid worker reaches none of it.
    "dashboard": Page("/dashboard/", {**READS_MEASURES, "anonymous": "login", "intake_account": "login"}),
    "admin": Page("/admin/", {**{role: "login" for role in ROLES}, "admin": "allow"}),
}


# --- Running a row -----------------------------------------------------------------------------


@functools.cache
def schema_operations() -> dict[str, tuple[str, str]]:
    """operationId → (method, path) for every operation of the OpenAPI schema (read when a test
    first asks: at collection the test database is not set up yet)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        op["operationId"]: (method.upper(), path) for path, ops in schema["paths"].items() for method, op in ops.items()
    }


def request_for(w, operation: str) -> tuple[str, str, dict]:
    """The method, URL and body of one operation, aimed at the world's objects."""
    method, path = schema_operations()[operation]
    action = operation.removeprefix("cases_")
    case = w.by_state[ACTION_STATE[action]] if action in ACTION_STATE else w.case
    ids = {
        "cases": case.pk,
        "categories": w.neighbour.pk,
        "departments": w.dept.mediation.pk,
        "grids": w.grid.pk,
        "stations": w.station.pk,
        "notifications": w.notice.pk,
    }
    url = path.replace("{attachment_id}", str(w.photo.pk))
    if "{id}" in path:
        url = url.replace("{id}", str(ids[path.split("/")[2]]))
    body = {}
    if action in ACTION_STATE:
        body = valid_input(action, case, w)
    elif operation == "cases_create":
        body = {"station": w.station.pk, "grid": w.grid.pk, "title": "噪音", "description": "夜间噪音"}
    elif operation.startswith("intake_"):
        body = PAYLOADS[path.split("/")[3]]
    return method, url, body


def outcome(response, *, personal: bool) -> str:
    code = response.status_code
    if code in (401,) or (code == 302 and "/login/" in response.get("Location", "")):
        return "login"
    if code == 403:
        return "deny"
    if code == 404:
        return "hidden"
    if 200 <= code < 300 or code == 302:
        if personal:
            text = response.content.decode()
            if PHONE in text:
                return "full"
            if MASKED_PHONE in text:
                return "masked"
            return "allow (no phone shown)"
        return "allow"
    return f"HTTP {code}: {response.content.decode()[:200]}"


API_ROWS = [(operation, role) for operation in sorted(API) for role in ROLES]
PAGE_ROWS = [(page, role) for page in PAGES for role in ROLES]
# The pages' forms post every action to /cases/<id>/<action>/ (cases:act): the same table, but
# the intake account has no session there.
PAGE_ACTION_ROWS = [(action, role) for action in ACTION_STATE for role in ROLES]


def test_every_operation_has_expectations():
    """A new endpoint cannot be forgotten: the schema's operations and the table's are the same."""
    assert sorted(schema_operations()) == sorted(API)
    assert all(set(expected) == set(ROLES) for expected in API.values())


def test_the_matrix_size():
    assert len(ROLES) == 12
    rows = len(API_ROWS) + len(PAGE_ROWS) + len(PAGE_ACTION_ROWS)
    operations = f"{len(API)} API operations + {len(PAGES)} pages + {len(ACTION_STATE)} page actions"
    print(f"\npermission matrix: {len(ROLES)} roles × ({operations}) = {rows} rows")
    assert rows == len(ROLES) * (len(API) + len(PAGES) + len(ACTION_STATE))


@pytest.mark.parametrize(("operation", "role"), API_ROWS)
def test_api(w, operation, role):
    method, url, body = request_for(w, operation)
    client = api_client(w, role)
    response = client.get(url) if method == "GET" else client.post(url, body, format="json")
    personal = API[operation][role] in ("full", "masked")
    assert outcome(response, personal=personal) == API[operation][role], (method, url)


@pytest.mark.parametrize(("page", "role"), PAGE_ROWS)
def test_page(w, page, role):
    spec = PAGES[page]
    response = page_client(w, role).get(spec.path.format(case=w.case.pk))
    personal = spec.expected[role] in ("full", "masked")
    assert outcome(response, personal=personal) == spec.expected[role]


def page_input(action: str, case, w) -> dict:
    """What the page's form sends: the API's input, and for 安排联合调处 the ticked departments
    (the page sends its ticks; none ticked is a choice of its own, refused)."""
    data = valid_input(action, case, w)
    if action == "schedule_mediation":
        data["department_ids"] = list(case.assignments.values_list("department_id", flat=True))
    return data


@pytest.mark.parametrize(("action", "role"), PAGE_ACTION_ROWS)
def test_page_action(w, action, role):
    case = w.by_state[ACTION_STATE[action]]
    response = page_client(w, role).post(f"/cases/{case.pk}/{action}/", page_input(action, case, w))
    expected = API[f"cases_{action}"][role]
    if role == "intake_account":
        expected = "login"
    assert outcome(response, personal=False) == expected


# --- Exports and their downloads (exports/: every kind the registry holds) ---------------------

# A kind's expected answer per role: the case list is the user's own scope (empty for some);
# the dashboard's tables follow the dashboard's reach.
NO_SESSION = {"anonymous": "login", "intake_account": "login"}
EXPORT_EXPECTED = {"cases": ALL_SIGNED_IN, "dashboard": {**READS_MEASURES, **NO_SESSION}}


def export_expectation(kind: str) -> dict[str, str]:
    return EXPORT_EXPECTED["cases" if kind == "cases" else "dashboard"]


EXPORT_ROWS = [(kind, role) for kind in sorted(EXPORTS) for role in ROLES]


def test_every_export_kind_has_expectations():
    assert all(kind == "cases" or kind.startswith("dashboard-") for kind in EXPORTS), sorted(EXPORTS)


@pytest.mark.parametrize(("kind", "role"), EXPORT_ROWS)
def test_export(w, kind, role):
    response = page_client(w, role).post(f"/exports/{kind}/", {})
    assert outcome(response, personal=False) == export_expectation(kind)[role]
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert Export.objects.filter(requested_by=w.people[role], kind=kind).exists()  # recorded


@pytest.mark.parametrize("role", ROLES)
def test_an_export_is_its_requesters_alone(w, role, settings, django_capture_on_commit_callbacks):
    """The chief's large export, written by the worker (in process here): its progress page and
    its download answer the chief, and no one else (404)."""
    settings.EXPORT_SYNC_MAX_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        started = page_client(w, "chief").post("/exports/cases/", {})
    assert started.status_code == 302
    export = Export.objects.filter(requested_by=w.people["chief"], kind="cases").latest("pk")
    assert export.status == "ready"
    expected = "allow" if role == "chief" else NO_SESSION.get(role, "hidden")
    for url in (f"/exports/{export.pk}/", f"/exports/{export.pk}/download/"):
        assert outcome(page_client(w, role).get(url), personal=False) == expected, url


# --- Out of scope looks exactly like missing ---------------------------------------------------


def test_out_of_scope_answers_like_missing(w):
    missing = 10**9
    for role in ("other_chief", "other_handler", "admin", "intake_account"):
        client = api_client(w, role)
        for suffix in ("", "events/", f"attachments/{w.photo.pk}/download/"):
            there = client.get(f"/api/cases/{w.case.pk}/{suffix}")
            absent = client.get(f"/api/cases/{missing}/{suffix}")
            assert there.status_code == absent.status_code == 404
            assert there.json() == absent.json() and there.json()["code"] == "not_found"
        for action in ("accept", "sign", "resolve"):
            there = client.post(f"/api/cases/{w.case.pk}/{action}/", {}, format="json")
            absent = client.post(f"/api/cases/{missing}/{action}/", {}, format="json")
            assert (there.status_code, there.json()) == (absent.status_code, absent.json())
            assert there.status_code == 404
    page = page_client(w, "other_chief")
    there, absent = page.get(f"/cases/{w.case.pk}/"), page.get(f"/cases/{missing}/")
    assert there.status_code == absent.status_code == 404 and there.content == absent.content


@pytest.mark.parametrize("role", ["anonymous", "chief", "intake_account"])
@pytest.mark.parametrize(
    "path", ["/api/cases/AAA/accept/", "/api/cases/-1/", "/api/cases/1.5/events/", "/api/nothing/"]
)
def test_a_path_that_is_no_object_is_404_for_any_caller(w, role, path):
    response = api_client(w, role).post(path, {}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
