"""How often the API may be called (issue 13): DRF's throttles, with rates read from the settings
at each request (a test or an operator may change them) and counts in the ``throttle`` cache.

- ``AnonymousThrottle``: per address, for calls without credentials (they get 401 anyway; this
  bounds guessing tokens).
- ``AccountThrottle``: per signed-in account, person or script, on every endpoint.
- ``ScopeThrottle``: per account again, for views that name a ``throttle_scope`` — the intake
  endpoints (``intake``), stricter than the account rate, each service account counted alone.

Beyond the rate the answer is 429 in the API's error shape with ``Retry-After``.
"""

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class _FromSettings:
    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


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
