"""Side effects, queued after commit.

Whatever a task will do is first data written in the caller's transaction (notices and their
pending delivery rows, see ``notifications.services.notify``), so a rolled-back action leaves
nothing behind and a committed one owes every copy. The task is queued only once the transaction
has committed. If the broker is down the publish fails quickly, is logged, and the rows stay
pending: the minute sweep queues them when the broker is back, so nothing is lost.
A dead broker costs the log one line per failed publish, and a warning at most once a minute per
process that counts them (``BrokerOutage``), not a traceback per request.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


class BrokerOutage:
    """Counts the publishes that failed since the last warning, and says so at most once per
    ``every``. Wall-clock time: a clock step moves one warning, nothing more."""

    def __init__(self, every: dt.timedelta):
        self.every = every
        self._lock = threading.Lock()  # requests on several threads of one process
        self._failed = 0
        self._since: dt.datetime | None = None  # the first failure not yet warned about
        self._warned_at: dt.datetime | None = None

    def failed(self) -> None:
        now = timezone.now()
        with self._lock:
            self._failed += 1
            self._since = self._since or now
            if self._warned_at is not None and now - self._warned_at < self.every:
                return
            failed, since = self._failed, self._since
            self._failed, self._since, self._warned_at = 0, None, now
        log.warning(
            "broker unreachable since %s: %d failed publishes; the minute sweep will queue what is owed",
            timezone.localtime(since).isoformat(timespec="seconds"),
            failed,
        )


broker_outage = BrokerOutage(every=dt.timedelta(minutes=1))


def queue_task(task, *args) -> None:
    """Publish ``task(*args)`` after the current transaction commits; never raise."""

    def publish() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception as exc:  # a dead broker must not break the action that already committed
            # One line, no traceback: the cause is in the message, and a broker that stays down
            # would otherwise write a chained traceback for every request.
            log.info("could not queue %s%r (%s: %s); the sweep will retry", task.name, args, type(exc).__name__, exc)
            broker_outage.failed()

    transaction.on_commit(publish)
