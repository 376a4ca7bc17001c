"""Exports: asked for by a user, recorded, written now when small, else by a Celery task."""

from __future__ import annotations

import io
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.models import Export, ExportStatus
from exports.registry import EXPORTS, Table
from exports.xlsx import write_table
from governance import clock
from governance.effects import queue_task

log = logging.getLogger(__name__)

# Parameters of the form that are not filters.
NOT_FILTERS = frozenset({"csrfmiddlewaretoken", "page"})


def export_params(query) -> dict[str, list[str]]:
    """The filters of a request (a QueryDict) as plain JSON for the record and the task."""
    return {
        name: [value for value in values if value != ""]
        for name, values in query.lists()
        if name not in NOT_FILTERS and any(value != "" for value in values)
    }


def _about(export: Export) -> list[tuple[str, str]]:
    who = export.requested_by
    return [
        (_("导出内容"), export.title),
        (_("导出人"), f"{who} ({who.get_username()})"),
        (_("导出时间"), timezone.localtime(export.requested_at).strftime("%Y-%m-%d %H:%M:%S")),
    ]


def export_filename(export: Export) -> str:
    return f"{export.title}-{timezone.localtime(export.requested_at):%Y%m%d-%H%M%S}.xlsx"


def export_request(*, user, kind: str, params: dict[str, list[str]]) -> tuple[Export, bytes | None]:
    """1. The kind builds its table for ``user`` from ``params`` (``ExportInputError`` on bad
       input: nothing is recorded).
    2. The export is recorded: who, when, what, the filters, how many rows.
    3. Up to ``EXPORT_SYNC_MAX_ROWS`` rows it is written now and returned as bytes.
    4. Larger, it is queued for a worker after commit (``build_export``); the bytes are None and
       the caller shows its progress."""
    table = EXPORTS[kind].build(user, params)
    export = Export.objects.create(
        requested_by=user,
        requested_at=clock.now(),
        kind=kind,
        title=str(table.title)[:200],
        filters=params,
        row_count=table.count,
    )
    if table.count > settings.EXPORT_SYNC_MAX_ROWS:
        from exports.tasks import build_export

        queue_task(build_export, export.pk)
        return export, None
    out = io.BytesIO()
    export.rows_done = export.row_count = write_table(table, out, about=_about(export))
    export.status, export.finished_at = ExportStatus.READY, clock.now()
    export.save(update_fields=["rows_done", "row_count", "status", "finished_at"])
    return export, out.getvalue()


def export_build(*, export_id: int) -> None:
    """The worker's half of a large export (idempotent: only a pending export is claimed).

    1. Claim it: pending → running, in one conditional UPDATE (a second delivery finds nothing).
    2. Build the table again, as its requester now may see it (a lost right is lost here too).
    3. Write it to a temporary file, counting progress every few hundred rows, and keep it.
    4. Ready, with the rows written; or failed, with the reason."""
    if not Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(status=ExportStatus.RUNNING):
        return
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    rows = Export.objects.filter(pk=export_id)
    try:
        table: Table = EXPORTS[export.kind].build(export.requested_by, export.filters)
        rows.update(row_count=table.count)
        with tempfile.TemporaryFile() as tmp:
            written = write_table(table, tmp, about=_about(export), progress=lambda done: rows.update(rows_done=done))
            tmp.seek(0)
            with transaction.atomic():
                export.file.save(export_filename(export), File(tmp), save=False)
                rows.update(
                    file=export.file.name,
                    status=ExportStatus.READY,
                    row_count=written,
                    rows_done=written,
                    finished_at=clock.now(),
                )
    except Exception as exc:
        log.exception("export %s failed", export_id)
        rows.update(status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:200], finished_at=clock.now())
