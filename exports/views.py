"""Export pages: ask for an export (a form posts here), follow a large one, download it."""

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from exports.models import ExportStatus
from exports.registry import EXPORTS, ExportInputError
from exports.selectors import own_export, recent_exports
from exports.services import export_filename, export_params, export_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_POST
def start(request: HttpRequest, kind: str) -> HttpResponse:
    """A form's filters in, the workbook out: small at once (a download), large through a worker
    (to the progress page). Bad filters: 400 with the reasons; nothing is recorded then."""
    if kind not in EXPORTS:
        raise Http404
    try:
        export, content = export_request(user=request.user, kind=kind, params=export_params(request.POST))
    except ExportInputError as refused:
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        context = {"kind": EXPORTS[kind], "errors": refused.errors, "back": back}
        return render(request, "exports/refused.html", context, status=400)
    if content is None:
        return redirect("exports:status", export.pk)
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=export_filename(export), content_type=XLSX)


@login_required
@vary_on_headers("HX-Request", "HX-Target")
def status(request: HttpRequest, export_id: int) -> HttpResponse:
    """A large export's progress (htmx polls the part while it runs), then its download link."""
    export = own_export(request.user, export_id)
    template = "exports/status.html"
    if request.htmx.target == "export-progress":
        template += "#export-progress"
    return render(request, template, {"export": export, "mine": recent_exports(request.user)})


@login_required
def download(request: HttpRequest, export_id: int) -> FileResponse:
    """The finished file, to its requester only."""
    export = own_export(request.user, export_id)
    if export.status != ExportStatus.READY or not export.file:
        raise Http404
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export_filename(export), content_type=XLSX)
