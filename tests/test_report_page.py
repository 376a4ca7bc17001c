"""上报 and 我的上报 as pages: the form, its refusals, its key, the live suggestion, the rows."""

import base64
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Case
from cases.services.attachments import MAX_FILE_BYTES
from tests.personas import walk_to

# A 1×1 PNG: a photo as far as the form can tell.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
SUGGESTION = {"HX-Request": "true", "HX-Target": "suggestion"}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo(name="空调外机.png", content=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def report_data(world, **extra) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "title": "紫金凰小区5幢空调外机噪音扰民",
        "description": "5幢302空调外机夜间噪音大，楼下住户多次投诉",
        "category": "",
        "address": "紫金凰小区5幢",
        "grid": str(world.grid.pk),
        "latitude": "",
        "longitude": "",
        "urgency": "normal",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "20",
        "parties-0-name": "刘某",
        "parties-0-phone": "13912345678",
        "parties-0-id_number": "",
        "parties-0-role": "complainant",
    }
    data.update(extra)
    return {name: value for name, value in data.items() if value is not None}


def test_the_form_offers_the_workers_one_grid_preselected_and_a_fresh_key(world):
    page = client_of(world.wang).get("/report/").content.decode()
    grid = re.search(r'<select name="grid"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>", grid) == [f'<option value="{world.grid.pk}" selected>']
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page).group(1)
    assert key != re.search(
        r'name="idempotency_key" value="([0-9a-f-]{36})"', client_of(world.wang).get("/report/").content.decode()
    ).group(1)
    assert (
        'capture="environment"' in page
        and 'accept="image/jpeg,image/png,image/webp"' in page
        and f'data-max-bytes="{MAX_FILE_BYTES}"' in page
    )
    assert 'hx-trigger="input changed delay:500ms"' in page


def test_a_report_files_one_case_with_its_party_and_photo_and_lands_on_it(world):
    data = report_data(world, latitude="30.270001", longitude="120.150002")
    response = client_of(world.wang).post("/report/", {**data, "photos": [photo()]})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.title, case.reporter, case.grid, case.station) == (
        data["title"],
        world.wang,
        world.grid,
        world.station,
    )
    assert str(case.idempotency_key) == data["idempotency_key"] and str(case.latitude) == "30.270001"
    assert [(p.name, p.phone, p.role) for p in case.parties.all()] == [("刘某", "13912345678", "complainant")]
    assert [(a.original_name, a.purpose) for a in case.attachments.all()] == [("空调外机.png", "report")]


def test_the_same_key_twice_files_one_case_and_answers_with_it(world):
    client, data = client_of(world.wang), report_data(world)
    first = client.post("/report/", {**data, "photos": [photo()]})
    second = client.post("/report/", {**data, "photos": [photo()]})  # a double tap, or the queue's resend
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == f"/cases/{case.pk}/"
    assert case.attachments.count() == 1
    third = client.post("/report/", report_data(world))  # a new form: a new key, a new case
    assert third.status_code == 302 and Case.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"title": " "}, "title", "该字段是必填项。"),
        ({"parties-0-phone": "12345"}, "parties-0-phone", "请填写11位手机号，或带区号的固定电话"),
        ({"parties-0-id_number": "110101199003070000"}, "parties-0-id_number", "身份证号校验位不正确，请核对"),
        ({"grid": str(10**9)}, "grid", "选择一个有效的选项： 该选择不在可用的选项中。"),
        ({"latitude": "91"}, "latitude", "确保该值小于或等于90。"),
    ],
)
def test_a_refused_report_shows_the_reason_beside_the_field_and_keeps_what_was_typed(world, change, field, reason):
    data = report_data(world, **change)
    response = client_of(world.wang).post("/report/", {**data, "photos": [photo()]})
    assert response.status_code == 400 and not Case.objects.exists()
    page = response.content.decode()
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{reason}</li>' in page
    assert f'value="{data["idempotency_key"]}"' in page  # the same report: a resend stays one case
    assert "5幢302空调外机夜间噪音大" in page and 'value="刘某"' in page


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (photo("说明.pdf", b"%PDF-1.4", "application/pdf"), "“说明.pdf”不是照片"),
        (photo("大.png", b"0" * (MAX_FILE_BYTES + 1)), "“大.png”超过 10 MB"),
    ],
)
def test_photos_are_checked_on_arrival_with_the_limits_the_page_checks_before_upload(world, upload, reason):
    response = client_of(world.wang).post("/report/", {**report_data(world), "photos": [upload]})
    assert response.status_code == 400 and reason in response.content.decode()
    assert not Case.objects.exists()


def test_a_refusal_by_the_service_is_shown_beside_the_field_it_names(world):
    """The form checks the shape; the service the rest, in its own words (a latitude alone)."""
    response = client_of(world.wang).post("/report/", report_data(world, latitude="30.27"))
    assert response.status_code == 400 and not Case.objects.exists()
    assert '<ul class="errorlist" id="id_latitude_error"><li>经纬度须同时填写</li>' in response.content.decode()


def test_the_live_suggestion_names_the_category_and_the_matched_words(world, django_assert_num_queries):
    client = client_of(world.wang)
    client.get("/report/")  # the session and user are read once per request: 2 + the rule's 3
    with django_assert_num_queries(5):
        response = client.get(
            "/report/", {"title": "紫金凰小区5幢空调外机噪音扰民", "description": ""}, headers=SUGGESTION
        )
    page = response.content.decode().strip()
    assert page.startswith('<p id="suggestion"') and "邻里纠纷" in page and "空调外机、噪音" in page
    nothing = client.get("/report/", {"title": "路灯不亮", "description": ""}, headers=SUGGESTION).content.decode()
    assert "建议类别" not in nothing


def test_my_reports_show_the_timeline_and_the_feedback_link_on_a_resolved_case(world):
    resolved = walk_to(world, "resolved")
    page = client_of(world.wang).get("/").content.decode()
    row = page[page.index(resolved.number) :]
    assert "陶调解 · 办结" in row and "已办结" in row
    assert f'href="/cases/{resolved.pk}/#feedback"' in row and "核查反馈" in row
    assert 'id="pending"' in page and "js/report-queue.js" in page


@pytest.mark.parametrize("rows", [10, 50])
def test_my_reports_cost_the_same_queries_at_10_and_50_rows(world, rows, django_assert_num_queries):
    for _ in range(rows):
        walk_to(world, "reported")
    client = client_of(world.wang)
    # The work list's 9 (tests/test_pages.py) and one for the rows' latest events.
    with django_assert_num_queries(10):
        page = client.get("/").content.decode()
    assert page.count('class="timeline"') == min(rows, 20)
