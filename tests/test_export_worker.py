"""A large export through a real Celery worker on Redis (not eager): the request records it and
queues it after commit; the worker writes the workbook; the requester downloads it.

Same machinery as tests/test_celery_worker.py (a worker process on a queue of its own, against
the test database): needs PostgreSQL and Redis, a failure under CI without them."""

import pytest

from exports.models import Export
from tests.personas import report_ac_dispute
from tests.test_celery_worker import wait_for, worker  # noqa: F401 - the worker fixture
from tests.test_exports import body, read_xlsx
from tests.test_pages import client_of

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.needs("redis"),
]


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker writes where this test's server reads: the test's private MEDIA_ROOT."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


def test_a_real_worker_writes_a_large_export(world, shared_media, worker, settings):  # noqa: F811
    _queue, log = worker
    settings.EXPORT_SYNC_MAX_ROWS = 2
    for n in range(3):
        report_ac_dispute(world, title=f"第{n}件")
    chief = client_of(world.zhang)

    response = chief.post("/exports/cases/", {"open": "true"})

    record = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{record.pk}/"
    assert record.status in ("pending", "running", "ready")
    assert wait_for(lambda: Export.objects.filter(pk=record.pk, status="ready").exists()), log.read_text()
    record.refresh_from_db()
    assert (record.row_count, record.rows_done, record.file.name.endswith(".xlsx")) == (3, 3, True)
    assert "Task exports.tasks.build_export" in log.read_text()
    rows, about = read_xlsx(body(chief.get(f"/exports/{record.pk}/download/")))
    assert sorted(row[1] for row in rows[1:]) == ["第0件", "第1件", "第2件"]
    assert about["行数"] == ["3"]
    assert client_of(world.lingdao).get(f"/exports/{record.pk}/download/").status_code == 404
