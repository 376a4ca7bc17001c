"""A database that drops away mid-request: a clean 503, not a 500 with a traceback.

The connection can go at any moment (a failover, a restart, an administrator terminating the
backend). Every write runs in a transaction (``transition``, ``case_report``), so what the request
had written is rolled back by the server with the connection; the answer says so and asks for a
retry, which opens a fresh connection:

1. the exception is ``OperationalError`` or ``InterfaceError`` (a broken connection, never a bad
   query: those are ``ProgrammingError`` / ``DataError`` and stay 500s);
2. the connections left unusable are closed now (Django would at the end of the request; a
   test client or a long-lived worker thread may not get there), so the next query reconnects;
3. the API answers its error shape (``code`` "unavailable"), a page answers ``503.html``,
   rendered without the request context (no user, no notices: nothing that needs the database),
   both with ``Retry-After``.
DRF's exception handler leaves these exceptions to Django, so they reach this middleware from
API views and pages alike. A database that is down before the view runs (the session read by a
middleware) is answered the same way by :func:`server_error`, the project's ``handler500``.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        return unavailable(request, exception)


def unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    """503 with ``Retry-After``, closing the connections the failure left unusable."""
    log.error("database unavailable during %s %s: %s", request.method, request.path, exception)
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        message = _("数据库暂时不可用，这次操作没有保存任何内容，请稍后重试")
        body = {"code": "unavailable", "message": message, "errors": {}}
        return JsonResponse(body, status=503, headers=headers)
    page = render_to_string("503.html", {"path": request.get_full_path()})
    return HttpResponse(page, status=503, headers=headers)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: what escaped the views' layer (a middleware reading the session when the
    database went away) is a 503 too when its cause is the connection; anything else a 500, in the
    API's error shape under /api/ (a client reads every API answer the same way), else Django's."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return unavailable(request, exception)
    if request.path.startswith("/api/"):
        body = {"code": "server_error", "message": _("服务器内部错误，请稍后重试"), "errors": {}}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
