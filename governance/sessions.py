"""An idle session ends: SESSION_COOKIE_AGE (``SESSION_IDLE_MINUTES``, 2 h by default) after the
person's last request, not after their login.

Django moves a session's expiry (in the database and in the cookie) only when it saves the session.
``SESSION_SAVE_EVERY_REQUEST`` would do it, at the price of a write per request, and the bell
polled every 30 s would then keep a session on an abandoned PC alive for ever. Instead:

1. signing in notes the time in the session; a later request that is not a background poll
   (``PASSIVE_VIEWS``) notes it again when the last note is older than ``SESSION_REFRESH_SECONDS``
   (a tenth of the idle limit: 12 minutes), which makes the session middleware save the session
   and send the cookie again, both expiring SESSION_COOKIE_AGE later — one write per 12 minutes
   of work at most, none on most requests (the pages' query counts stay what they were);
2. a poll reads the session and leaves its expiry alone;
3. once expired, the session store finds no session: the person is anonymous and signs in again.

So a session ends between 0.9 and 1 × SESSION_COOKIE_AGE (108–120 minutes by default) after the
last request a person made.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from governance import clock

SEEN_KEY = "_seen_at"

# Views a page calls on its own, on a timer: they are not a person at work.
PASSIVE_VIEWS = frozenset({"notifications:bell", "api:notification-unread-count"})


def is_passive(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in PASSIVE_VIEWS


def note_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: the session starts as seen now (login saves it anyway)."""
    if getattr(request, "session", None) is not None:
        request.session[SEEN_KEY] = int(clock.now().timestamp())


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or is_passive(request):
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        now = int(clock.now().timestamp())
        seen = session.get(SEEN_KEY)
        if not isinstance(seen, int) or now - seen >= settings.SESSION_REFRESH_SECONDS:  # (a clock set back: no)
            session[SEEN_KEY] = now  # modified: the session middleware saves it, expiry moved on
        return response
