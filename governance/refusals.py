"""A parameter no page can take: 400 naming it, in the site's look — never a 500.

A page reads some parameters outside any form (``page`` on every paged list: cases/paging.py);
one that no list can take raises :class:`BadParameter`. Django answers it through the project's
``handler400`` (:func:`bad_request`), as it answers its own refusals (a malformed host, too many
fields): under /api/ in the API's error shape, elsewhere the page ``400.html`` with the reason by
the parameter's name and the site's top bar.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class BadParameter(BadRequest):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.errors = {name: [str(message)]}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``."""
    return refused(request, getattr(exception, "errors", {}))


def refused(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    """400 with the reasons by parameter: the API's error shape, or the page ``400.html``."""
    if request.path.startswith("/api/"):
        body = {"code": "invalid", "message": _("提交的数据有误，请检查后重试"), "errors": errors}
        return JsonResponse(body, status=400)
    return render(request, "400.html", {"errors": errors}, status=400)
