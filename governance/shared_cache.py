"""Values read from tables that change seldom, kept in Django's cache (Redis in production: shared
by every process) until one of those tables changes.

A ``Versioned`` store keeps its entries under a version that a change replaces (``forget``,
connected to the tables' signals): the change reaches the very next read of every process. The
version is replaced when the change is made (the writing transaction's own later reads miss the
store) and again when it commits (a value read meanwhile from the committed rows, and stored under
the version read before it, is then stale and never used).

Written only outside a transaction: one inside could have read its own uncommitted change, and
if it rolled back, nothing would replace the version. (Tests run inside a transaction and so read
the tables, as before; the stores' own tests run with commits.)

Not seen by signals: ``QuerySet.update()``, ``bulk_create``, SQL by hand. Whoever changes a
store's tables so calls its ``forget()``. Entries expire after ``timeout`` seconds anyway.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

MISSING = object()


def shared_between_processes() -> bool:
    """Whether the cache is one store for every process (Redis). A process's own memory (the
    demo's default without Redis) would keep one worker's entries after another worker's change:
    a membership taken away would still open cases there. So without a shared cache nothing is
    kept and every value is read from the tables."""
    return (
        "LocMemCache" not in settings.CACHES["default"]["BACKEND"]
        and "Dummy" not in settings.CACHES["default"]["BACKEND"]
    )


class Versioned:
    def __init__(self, name: str, *, timeout: int = 15 * 60):
        self.name = name
        self.timeout = timeout

    # Keys name the database the values come from: two databases sharing one cache (the test
    # suite's parallel workers, a staging copy) never read each other's rows.
    @property
    def version_key(self) -> str:
        return f"shared:{connection.settings_dict['NAME']}:{self.name}:version"

    def _key(self, key) -> str:
        return f"shared:{connection.settings_dict['NAME']}:{self.name}:{key}"

    def get(self, key) -> tuple[object, str | None]:
        """(the value stored under the current version, or ``MISSING``; that version, or None if
        there is none yet): one cache round trip. Read the version before the rows a value is made
        from, and store the value under it (``set``)."""
        if not shared_between_processes():
            return MISSING, None
        found = cache.get_many([self.version_key, self._key(key)])
        version, entry = found.get(self.version_key), found.get(self._key(key))
        if version is not None and entry is not None and entry[0] == version:
            return entry[1], version
        return MISSING, version

    def set(self, key, value, version: str | None) -> None:
        """Store a value read from the tables under the version ``get`` gave before reading them."""
        if connection.in_atomic_block or not shared_between_processes():
            return
        if version is None:  # the first value since the cache started (or lost the version)
            version = uuid4().hex
            if not cache.add(self.version_key, version, timeout=None):
                return  # another process started one meanwhile: store next time
        cache.set(self._key(key), (version, value), timeout=self.timeout)

    def forget(self, **_signal) -> None:
        """Every stored value is stale: replace the version now and when the transaction commits."""
        cache.set(self.version_key, uuid4().hex, timeout=None)
        if connection.in_atomic_block:
            transaction.on_commit(self.forget)

    def forget_on(self, *signals_and_senders) -> None:
        """Connect ``forget`` to each (signal, sender) pair."""
        for signal, sender in signals_and_senders:
            signal.connect(
                self.forget,
                sender=sender,
                weak=False,
                dispatch_uid=f"shared:{self.name}:{id(signal)}:{sender.__name__}",
            )
