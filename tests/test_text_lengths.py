"""Text lengths: every text field has a length the API states and checks (400 with the field
named), a case keeps its whole title, and a notice cuts only what it shows. Date-time query
parameters are read like date-time body fields, so a far year or offset is a 400, not a 500."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.models import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Case
from cases.services.sweep import sweep_deadlines
from demo.tokens import ensure_intake_accounts
from notifications.models import Notification
from tests.api_helpers import assert_error, get, post
from tests.personas import walk_to
from tests.test_api_cases import report_payload
from tests.test_api_intake import PAYLOADS, client_with

pytestmark = pytest.mark.django_db

LONG_TITLE = "紫金凰小区3幢楼道长期堆放纸箱杂物堵塞消防通道" * 8  # 192 characters
NOTICE_TITLE_MAX = Notification._meta.get_field("title").max_length


def long_title(length: int = TITLE_MAX_LENGTH) -> str:
    return (LONG_TITLE * 2)[:length]


def assert_notices_cut_the_title(case: Case, kinds: set[str]) -> None:
    notices = Notification.objects.filter(case=case)
    assert kinds <= {n.kind for n in notices}, sorted({n.kind for n in notices})
    for notice in notices:
        assert len(notice.title) <= NOTICE_TITLE_MAX, notice.title
        if case.title[:10] in notice.title:
            assert notice.title.endswith("…"), notice.title


def test_a_report_keeps_a_long_title_through_every_notice(world):
    w = world
    response = post(w.wang, "/api/cases/", report_payload(w, title=long_title()))
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.title == long_title() and response.json()["title"] == long_title()

    url = f"/api/cases/{case.pk}"
    # 劳资纠纷 goes to 人力社保, an "X" department here: its liaison officer is summoned too.
    assert post(w.zhang, f"{url}/accept/", {"category": w.labour.pk}).status_code == 200
    assert post(w.zhang, f"{url}/dispatch/").status_code == 200
    assert post(w.zhang, f"{url}/supervise/", {"message": "请加快办理"}).status_code == 201
    scheduled_at = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = post(w.zhang, f"{url}/schedule_mediation/", {"scheduled_at": scheduled_at, "place": "工作站调解室"})
    assert response.status_code == 201, response.json()
    with time_machine.travel(timezone.now() + dt.timedelta(days=60), tick=False):
        sweep_deadlines()

    case.refresh_from_db()
    assert case.title == long_title()
    assert_notices_cut_the_title(
        case, {"reported", "dispatched", "summons", "mediation_scheduled", "supervision", "supervision_escalated"}
    )


def test_a_title_beyond_the_stated_length_is_400_and_stores_nothing(world):
    w = world
    body = assert_error(
        post(w.wang, "/api/cases/", report_payload(w, title=long_title(TITLE_MAX_LENGTH + 1))), 400, "invalid"
    )
    assert set(body["errors"]) == {"title"}
    body = assert_error(
        post(w.wang, "/api/cases/", report_payload(w, description="描" * (TEXT_MAX_LENGTH + 1))), 400, "invalid"
    )
    assert set(body["errors"]) == {"description"}
    assert not Case.objects.exists() and not Notification.objects.exists()


def test_pushes_with_long_texts_are_filed_whole(world):
    keys = ensure_intake_accounts()
    police = client_with(keys["intake-110"])
    content = long_title() + "，双方发生口角"
    response = police.post("/api/intake/110/", {**PAYLOADS["110"], "jqlb": "", "bjnr": content}, format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    # The title is made from the report's text: cut with an ellipsis, the text kept whole.
    assert len(case.title) == TITLE_MAX_LENGTH and case.title.endswith("…")
    assert case.description == content
    assert_notices_cut_the_title(case, {"reported"})

    platforms = client_with(keys["intake-four-platforms"])
    response = platforms.post(
        "/api/intake/four-platforms/", {**PAYLOADS["four-platforms"], "event_title": long_title()}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Case.objects.get(pk=response.json()["id"]).title == long_title()


@pytest.mark.parametrize(
    ("source", "field", "length"),
    [
        ("110", "bjnr", TEXT_MAX_LENGTH + 1),
        ("12345", "sqbt", 101),
        ("four-platforms", "event_title", TITLE_MAX_LENGTH + 1),
    ],
)
def test_a_push_beyond_a_stated_length_is_400_with_its_own_field(world, source, field, length):
    client = client_with(ensure_intake_accounts()[f"intake-{source}"])
    response = client.post(f"/api/intake/{source}/", {**PAYLOADS[source], field: "长" * length}, format="json")
    body = assert_error(response, 400, "invalid")
    assert set(body["errors"]) == {field}
    assert not Case.objects.exists()


def test_reasons_beyond_the_stated_length_are_400(world):
    w = world
    case = walk_to(w, "reported")
    body = assert_error(
        post(w.zhang, f"/api/cases/{case.pk}/reject/", {"reason": "理" * (NOTE_MAX_LENGTH + 1)}), 400, "invalid"
    )
    assert set(body["errors"]) == {"reason"}
    assert Case.objects.get(pk=case.pk).status == "reported"


def test_the_schema_states_every_text_length_and_required_text(world):
    components = get(world.zhang, "/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    report = components["CaseCreateRequest"]["properties"]
    assert (report["title"]["minLength"], report["title"]["maxLength"]) == (1, TITLE_MAX_LENGTH)
    assert (report["description"]["minLength"], report["description"]["maxLength"]) == (1, TEXT_MAX_LENGTH)
    reason = components["RejectRequest"]["properties"]["reason"]
    assert (reason["minLength"], reason["maxLength"]) == (1, NOTE_MAX_LENGTH)
    assert "minLength" not in components["MergeRequest"]["properties"]["reason"]  # optional there
    # Every string a client may send has a stated maximum.
    requests = {name: c for name, c in components.items() if name.endswith("Request")}
    assert len(requests) > 20
    for name, component in requests.items():
        for field, prop in component["properties"].items():
            if prop.get("type") == "string" and "format" not in prop and "enum" not in prop:
                assert "maxLength" in prop, (name, field)


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/notifications/", "created_after"),
        ("/api/cases/", "reported_after"),
        ("/api/cases/", "reported_before"),
        ("/api/cases/", "handle_due_before"),
        ("/api/cases/", "handle_due_after"),
    ],
)
@pytest.mark.parametrize(
    "value", ["4030-10-31T07:15:37+22:40", "2026-10-31T07:15:37+22:40", "0001-01-01T00:00:00-12:00", "2026-13-01"]
)
def test_date_time_parameters_out_of_range_are_400_naming_the_parameter(world, url, parameter, value):
    body = assert_error(get(world.zhang, url, {parameter: value}), 400, "invalid")
    assert set(body["errors"]) == {parameter}


def test_date_time_parameters_in_any_real_offset_are_read(world):
    w = world
    case = walk_to(w, "reported")
    moment = case.reported_at.astimezone(dt.timezone(dt.timedelta(hours=-11)))
    response = get(w.zhang, "/api/cases/", {"reported_after": moment.isoformat()})
    assert [c["id"] for c in response.json()["results"]] == [case.pk]
    later = (moment + dt.timedelta(seconds=1)).isoformat()
    assert get(w.zhang, "/api/cases/", {"reported_after": later}).json()["results"] == []
