"""Uploads as an attacker sends them: checked by content, re-encoded, stored under generated
names, downloaded as attachments that a browser will not run (issue 13, item 6)."""

import io
import uuid

import pytest
from django.test import Client
from PIL import Image

from cases.models import Attachment, Case, CaseStatus
from cases.services import handling
from cases.services.attachments import MAX_CASE_BYTES, MAX_FILE_BYTES, display_name
from tests.api_helpers import assert_error, client_for
from tests.personas import walk_to
from tests.uploads import HTML, PDF, SCRIPT, SVG, jpeg, png, png_bomb, upload

MB = 1024 * 1024


@pytest.fixture
def resolvable(world):
    """A case whose lead (the mediator) may resolve it now: both co-departments are done."""
    case = walk_to(world, "in_progress")
    for co in (world.zhifa, world.gongan):
        handling.assignment_sign(case.pk, actor=co)
        handling.part_record(case.pk, actor=co, text="已配合")
    return case


def resolve(world, case, *files):
    return client_for(world.tiaojie).post(
        f"/api/cases/{case.pk}/resolve/", {"text": "外机已移位", "files": list(files)}, format="multipart"
    )


# The crafted inputs of the README's table: (what, the upload, what the answer says).
REFUSED = [
    ("a script named .jpg", lambda: upload("现场.jpg", SCRIPT), "内容不是允许的类型"),
    ("HTML named .pdf", lambda: upload("通知.pdf", HTML, "application/pdf"), "内容不是允许的类型"),
    ("an SVG with onload", lambda: upload("图.svg", SVG, "image/svg+xml"), "内容不是允许的类型"),
    ("an SVG named .png", lambda: upload("图.png", SVG, "image/png"), "内容不是允许的类型"),
    ("a 60 MB file", lambda: upload("大.jpg", jpeg() + b"\0" * (60 * MB)), "超过 10 MB"),
    ("a decompression bomb", lambda: upload("炸弹.png", png_bomb(), "image/png"), "像素超过 64 百万"),
    ("a JPEG cut short", lambda: upload("残.jpg", jpeg()[:40]), "无法作为图片打开"),
]


@pytest.mark.parametrize(("upload_of", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_crafted_file_is_refused_with_400_naming_the_field_and_nothing_is_stored(
    world, resolvable, upload_of, reason
):
    body = assert_error(resolve(world, resolvable, upload_of()), 400, "invalid")
    assert list(body["errors"]) == ["files"] and reason in body["errors"]["files"][0], body
    case = Case.objects.get(pk=resolvable.pk)
    assert case.status == CaseStatus.IN_PROGRESS and not case.attachments.exists()


def test_a_zero_byte_file_is_refused_naming_the_field(world, resolvable):
    body = assert_error(resolve(world, resolvable, upload("空.jpg", b"")), 400)
    assert [name.split(".")[0] for name in body["errors"]] == ["files"], body
    assert not Attachment.objects.exists()


def test_more_files_than_allowed_in_one_request_are_refused(world, resolvable):
    body = assert_error(resolve(world, resolvable, *[upload(f"{i}.png", png(), "image/png") for i in range(10)]), 400)
    assert list(body["errors"]) == ["files"], body


def test_a_photo_and_a_pdf_are_stored_under_generated_names_whatever_they_were_called(world, resolvable):
    response = resolve(
        world, resolvable, upload("../../etc/passwd.jpg", jpeg()), upload("..\\..\\说明.pdf", PDF, "text/html")
    )
    assert response.status_code == 200, response.json()
    stored = list(Case.objects.get(pk=resolvable.pk).attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in stored] == [
        ("passwd.jpg", "image/jpeg"),
        ("说明.pdf", "application/pdf"),  # the type read from the content, not the one sent
    ]
    for attachment, extension in zip(stored, ("jpg", "pdf"), strict=True):
        folder, _slash, name = attachment.file.name.rpartition("/")
        assert folder.startswith("cases/") and ".." not in folder
        stem, _dot, ext = name.partition(".")
        assert (uuid.UUID(stem).hex, ext) == (stem, extension)


def test_display_names_lose_their_path_and_control_characters():
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\x\\照片.jpg") == "照片.jpg"
    assert display_name("a\x00b\r\n.jpg") == "ab.jpg"
    assert display_name("/") == display_name("") == "未命名文件"
    assert len(display_name("长" * 500)) == 200


def test_a_photo_loses_its_gps_and_camera_exif_and_keeps_its_pixels(world, resolvable):
    original = jpeg(8, 6, gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS block is there to lose
    assert resolve(world, resolvable, upload("现场.jpg", original)).status_code == 200
    attachment = Attachment.objects.get(case=resolvable)
    download = client_for(world.zhang).get(f"/api/cases/{resolvable.pk}/attachments/{attachment.pk}/download/")
    content = b"".join(download.streaming_content)
    assert content != original and b"PhoneMaker" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size) == ("JPEG", (8, 6))
        assert dict(image.getexif()) == {} and "exif" not in image.info
        assert image.getpixel((4, 3))[0] > 150  # still the red photo
    assert attachment.size == len(content)


def test_a_download_is_an_attachment_no_browser_sniffs_or_runs(world, resolvable):
    assert resolve(world, resolvable, upload("现场.png", png(), "image/png")).status_code == 200
    attachment = Attachment.objects.get(case=resolvable)
    response = client_for(world.wang).get(f"/api/cases/{resolvable.pk}/attachments/{attachment.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in response["Cache-Control"]


def test_the_case_total_is_capped(world, resolvable):
    Attachment.objects.create(
        case=resolvable, file="cases/earlier.jpg", original_name="earlier.jpg", size=MAX_CASE_BYTES - 100
    )
    body = assert_error(resolve(world, resolvable, upload("现场.jpg", jpeg())), 400)
    assert "合计不能超过 50 MB" in body["errors"]["files"][0]
    assert Attachment.objects.filter(case=resolvable).count() == 1


# --- The report page: the same checks, the reason beside the photos field ---------------------


def report_form(world, photo) -> dict:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "title": "紫金凰小区5幢空调外机噪音扰民",
        "description": "5幢302空调外机夜间噪音大",
        "grid": str(world.grid.pk),
        "urgency": "normal",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "20",
        "photos": [photo],
    }


def report(world, photo):
    client = Client()
    client.force_login(world.wang)
    return client.post("/report/", report_form(world, photo))


@pytest.mark.parametrize(
    ("photo", "reason"),
    [
        (lambda: upload("现场.jpg", SCRIPT), "“现场.jpg”的内容不是允许的类型（JPG、PNG、WEBP）"),
        (lambda: upload("炸弹.png", png_bomb(), "image/png"), "“炸弹.png”的像素超过 64 百万，不是照片"),
        (lambda: upload("说明.png", PDF, "image/png"), "“说明.png”的内容不是允许的类型（JPG、PNG、WEBP）"),
    ],
    ids=["script-named-jpg", "decompression-bomb", "pdf-named-png"],
)
def test_the_report_page_shows_the_services_reason_beside_the_photos(world, photo, reason):
    response = report(world, photo())
    assert response.status_code == 400 and not Case.objects.exists()
    page = response.content.decode()
    assert f'<ul class="errorlist" id="id_photos_error"><li>{reason}</li>' in page
    assert "5幢302空调外机夜间噪音大" in page  # what was typed is kept


def test_the_report_page_states_the_limits_its_script_checks_before_upload(world):
    client = Client()
    client.force_login(world.wang)
    page = client.get("/report/").content.decode()
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert f'data-max-bytes="{MAX_FILE_BYTES}"' in page and f'data-max-total-bytes="{MAX_CASE_BYTES}"' in page
    assert 'data-max-count="9"' in page and 'data-types="image/jpeg,image/png,image/webp"' in page


def test_a_gps_photo_reported_from_the_page_is_stored_without_its_position(world):
    response = report(world, upload("现场.jpg", jpeg(gps=True)))
    assert response.status_code == 302
    attachment = Case.objects.get().attachments.get()
    with attachment.file.open("rb") as stored, Image.open(stored) as image:
        assert dict(image.getexif()) == {}
