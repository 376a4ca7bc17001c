"""How often the API may be called (issue 13): DRF's throttles, with rates read from the settings
at each request (a test or an operator may change them) and counts in the ``throttle`` cache.

- ``AnonymousThrottle``: per address, for calls without credentials (most get 401 anyway).
- ``AccountThrottle``: per signed-in account, person or script, on every endpoint.
- ``ScopeThrottle``: per account again, for views that name a ``throttle_scope`` — the intake
  endpoints (``intake``), stricter than the account rate, each service account counted alone.
- ``CountedTokenAuthentication``: bad tokens per address (``bad_token``). Authentication runs
  before any throttle, so a token that fails is counted where it fails.
- ``account_wait``: a page's POST (the report form) counted with the account's API calls.

Beyond the rate the answer is 429 in the API's error shape (a page: the form again, with the
reason) with ``Retry-After``. An address is always ``governance.client.client_address``, the
login lockout's.
"""

import math
import re

from django.core.cache import caches
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from governance.client import client_address

KEY = re.compile(rb"[A-Za-z0-9_.@+-]{1,128}")


class _FromSettings:
    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        # DRF's own reads X-Forwarded-For from anyone: a new value was a new caller.
        return client_address(request)


class AnonymousThrottle(_FromSettings, AnonRateThrottle):
    scope = "anonymous"


class AccountThrottle(_FromSettings, UserRateThrottle):
    scope = "account"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AnonymousThrottle counts those
        return super().get_cache_key(request, view)


class ScopeThrottle(_FromSettings, ScopedRateThrottle):
    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class BadTokenThrottle(_FromSettings, SimpleRateThrottle):
    """Bad tokens from one client address, in the last period of the ``bad_token`` rate."""

    scope = "bad_token"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refusing(self, request) -> bool:
        """Whether this address is over the rate now (counting nothing: DRF's ``allow_request``
        without its success)."""
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def count(self, request) -> None:
        if not self.refusing(request):
            self.throttle_success()


class CountedTokenAuthentication(TokenAuthentication):
    """knox's ``Authorization: Token <key>``, with its failures counted per client address.

    1. An address over the ``bad_token`` rate is refused (429, Retry-After) whatever token it
       sends — the right one too, else a right guess would show by its answer.
    2. A token that fails (unknown, expired, an inactive account, or no key at all by its shape)
       is counted, then refused as before (401).
    """

    def authenticate(self, request):
        if not self._sends_token(request):
            return None
        throttle = BadTokenThrottle()
        if throttle.refusing(request):
            raise exceptions.Throttled(math.ceil(throttle.wait() or 1))
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.count(request)
            raise

    def authenticate_credentials(self, token: bytes):
        # A key is what token_issue makes (a username's characters at most); anything else is not
        # looked up: knox would decode it as UTF-8 and hand a NUL to PostgreSQL (both a 500).
        if not KEY.fullmatch(token):
            raise exceptions.AuthenticationFailed
        return super().authenticate_credentials(token)

    def _sends_token(self, request) -> bool:
        words = request.META.get("HTTP_AUTHORIZATION", "").split()
        return bool(words) and words[0].lower() == self.authenticate_header(request).lower()


def account_wait(request) -> int | None:
    """Count a page's POST with the account's API calls (``AccountThrottle``, one bucket): the
    seconds to wait when it is over the rate, else None."""
    throttle = AccountThrottle()
    return None if throttle.allow_request(request, None) else math.ceil(throttle.wait() or 1)
