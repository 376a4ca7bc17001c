"""A strict Content-Security-Policy on every response.

Pages load scripts and styles from this server only, with no inline ``<script>``, ``style=""`` or
event-handler attribute: behaviour lives in static modules (static/js/). A response that already
carries the header keeps its own.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        directives = settings.CONTENT_SECURITY_POLICY.items()
        self.policy = "; ".join(f"{name} {' '.join(values)}" for name, values in directives)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
