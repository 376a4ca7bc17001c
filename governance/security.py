"""A strict Content-Security-Policy on every response.

Pages load scripts and styles from this server only, with no inline ``<script>``, ``style=""`` or
event-handler attribute: behaviour lives in static modules (static/js/). A response that already
carries the header keeps its own.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def render_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


# The API's documentation pages (Swagger UI and ReDoc, served from drf-spectacular-sidecar) start
# themselves with an inline script and style their widgets inline. They show the schema, never case
# data, so they get a policy of their own: inline script and style allowed, still nothing from
# another server (ReDoc's web font request fails, as it must on a closed network).
DOCUMENTATION_POLICY = {
    **settings.CONTENT_SECURITY_POLICY,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "worker-src": ["'self'", "blob:"],
}


def documentation_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` answering with DOCUMENTATION_POLICY instead of the site's strict one."""

    def with_policy(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = render_policy(DOCUMENTATION_POLICY)
        return response

    return with_policy


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = render_policy(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
