"""The client's address, by one rule for every counter keyed on it: the login lockout (django-axes,
``AXES_CLIENT_IP_CALLABLE``), the API's throttles and the count of bad tokens.

- Reached directly (``BEHIND_PROXY`` off), the client is the connection (``REMOTE_ADDR``). An
  X-Forwarded-For header is anyone's to write: believed, each new value would be a new client to
  every counter.
- Behind our reverse proxy on this host, the connection is the proxy's, and the client is the last
  address of X-Forwarded-For: the one the proxy appended (nginx's ``$proxy_add_x_forwarded_for``
  or ``$remote_addr``). What stands before it the client wrote, so it is never read. A last entry
  that is no address falls back to the connection.

(django-ipware's reading of one proxy wants the header to hold two addresses, so behind nginx it
found none for an ordinary client, and every client shared the lockout's "no address".)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    connection = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return connection
    appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(appended))
    except ValueError:
        return connection
