"""Excel exports (issue 12, item 3): the work list's cases through the gate and its filters,
personal data masked, every export recorded; a large one through the worker with its progress
and a download for its requester only."""

import io

from openpyxl import load_workbook

from exports.models import Export
from tests.personas import report_ac_dispute, walk_to
from tests.test_pages import client_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_xlsx(content: bytes) -> tuple[list[list], dict]:
    """The data sheet's rows (heading first) and the 说明 sheet as {label: [values]}."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    data, notes = book.worksheets
    about: dict[str, list] = {}
    for label, value in notes.iter_rows(values_only=True):
        about.setdefault(label, []).append(value)
    return [list(row) for row in data.iter_rows(values_only=True)], about


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_leader_exports_the_work_list_masked_and_recorded(world):
    w = world
    case = walk_to(w, "in_progress")
    report_ac_dispute(w, title="紫金凰小区漏水纠纷", reporter_name="刘德华", reporter_phone="13912345678")

    response = client_of(w.lingdao).post("/exports/cases/", {"status": ["reported"]})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows, about = read_xlsx(body(response))
    heading, *data = rows
    assert heading[:3] == ["编号", "标题", "工作站"]
    assert [row[1] for row in data] == ["紫金凰小区漏水纠纷"]  # the filter: only the reported one
    contact = dict(zip(heading, data[0], strict=True))
    assert contact["来源联系人"] == "刘某"  # masked as everywhere (cases.masking)
    assert contact["来源联系电话"] == "139****5678"
    assert "13912345678" not in str(rows)
    assert about["行数"] == ["1"]
    assert about["导出人"] == ["林领导 (lingdao)"]

    record = Export.objects.get()
    assert (record.requested_by, record.kind, record.row_count, record.status) == (w.lingdao, "cases", 1, "ready")
    assert record.filters == {"status": ["reported"]}
    assert case.number not in str(rows)


def test_an_export_holds_only_what_the_user_may_see(world):
    w = world
    walk_to(w, "in_progress")  # the neighbour dispute: mediation leads, enforcement and police assist

    own = read_xlsx(body(client_of(w.zhang).post("/exports/cases/")))[0]
    other_station = read_xlsx(body(client_of(w.outsider).post("/exports/cases/")))[0]
    unassigned = read_xlsx(body(client_of(w.shijian).post("/exports/cases/")))[0]

    assert len(own) == 2
    assert other_station == unassigned == [own[0]]  # the heading alone
    assert Export.objects.filter(row_count=0).count() == 2


def test_bad_filters_are_refused_with_the_reason_and_not_recorded(world):
    response = client_of(world.lingdao).post("/exports/cases/", {"status": ["nonsense"], "grid": ["x"]})

    assert response.status_code == 400
    text = response.content.decode()
    assert "status" in text and "grid" in text
    assert not Export.objects.exists()


def test_an_unknown_kind_and_a_stranger_get_404(world):
    assert client_of(world.lingdao).post("/exports/nothing-of-the-kind/").status_code == 404
    assert client_of().post("/exports/cases/").status_code == 302  # to the login page


def test_a_large_export_runs_on_the_worker_with_progress_and_a_download_for_its_requester_only(
    world, settings, django_capture_on_commit_callbacks
):
    w = world
    settings.EXPORT_SYNC_MAX_ROWS = 1
    walk_to(w, "in_progress")
    report_ac_dispute(w, title="第二件")
    chief = client_of(w.zhang)

    with django_capture_on_commit_callbacks(execute=True):
        response = chief.post("/exports/cases/")

    record = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{record.pk}/"
    assert (record.status, record.row_count, record.rows_done, record.progress) == ("ready", 2, 2, 100)
    status_page = chief.get(response["Location"]).content.decode()
    assert f"/exports/{record.pk}/download/" in status_page
    download = chief.get(f"/exports/{record.pk}/download/")
    assert download.status_code == 200
    rows, _about = read_xlsx(body(download))
    assert [row[1] for row in rows[1:]] == ["第二件", "紫金凰小区空调外机噪音纠纷"]

    for stranger in (w.lingdao, w.outsider):
        assert client_of(stranger).get(f"/exports/{record.pk}/download/").status_code == 404
        assert client_of(stranger).get(f"/exports/{record.pk}/").status_code == 404


def test_a_pending_export_shows_its_progress_and_polls(world, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    walk_to(world, "reported")
    chief = client_of(world.zhang)

    response = chief.post("/exports/cases/")  # no commit in this test: the task is never queued
    record = Export.objects.get()
    page = chief.get(response["Location"]).content.decode()

    assert record.status == "pending"
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page
    assert chief.get(f"/exports/{record.pk}/download/").status_code == 404
