"""Security headers: a strict Content-Security-Policy on every response, a Permissions-Policy, and
``Cache-Control: no-store`` on every response to a signed-in user (issue 13).

Pages load scripts and styles from this server only, with no inline ``<script>``, ``style=""`` or
event-handler attribute: behaviour lives in static modules (static/js/). A response that already
carries the header keeps its own.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission


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


class DocumentationReaders(BasePermission):
    """Who may read the API's schema: anyone on a DEBUG server (the demo), a signed-in user, by
    session or token, on a deployed one (the schema maps every operation an attacker could try)."""

    def has_permission(self, request, view) -> bool:
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)


def documentation_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` answering with DOCUMENTATION_POLICY instead of the site's strict one, and, on a
    deployed server, only to a signed-in user (others are sent to the login page)."""

    def with_policy(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.DEBUG and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
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


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` from settings.PERMISSIONS_POLICY: the browser features a page may use
    (the report form's location, nothing else)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in user, by session or by token.

    Case pages, the case API, exports and downloads name residents: no browser cache, shared
    office PC or proxy may keep a copy. Rather than list those views (and forget the next one),
    everything a signed-in user receives is marked; static files (served before this, by
    whitenoise) and the login page stay cacheable as before. Runs after DRF has authenticated
    a token, since it reads the user only once the view has answered.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response


def _signed_in(request: HttpRequest) -> bool:
    # A DRF view that authenticates a token sets its user on this request too (Request.user's setter).
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
