"""The present moment, as the services read it.

Every time stamp the services write (a case's ``accepted_at``, an event's ``created_at``, a
notice's ``created_at`` …) reads :func:`now`. It is the real time, unless a caller has set the
clock for the code it runs: the demo seed builds each sample case's history by calling the real
services at moments in the past (``with clock.frozen_at(moment): case_accept(…)``). The setting is a
context variable, so it holds for one thread or task only, never for the requests beside it.

Tests that move time for everything use ``time_machine``, which this clock follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("clock_frozen", default=None)


def now() -> datetime:
    """The moment set by :func:`frozen_at`, else the real time (aware, like ``timezone.now``)."""
    moment = _frozen.get()
    return moment if moment is not None else timezone.now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    """Within the block, :func:`now` returns ``moment`` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("the clock takes aware datetimes only")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
