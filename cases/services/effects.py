"""Side effects, queued after commit.

Notification rows are data and are written in the caller's transaction, so a rolled-back action
leaves no notice behind. Delivery (e-mail, SMS) is a Celery task queued only once the transaction
has committed. If the broker is down the publish fails, is logged, and the delivery rows stay
pending: the periodic sweep picks them up when the broker is back, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from cases.models import Case, Notification

log = logging.getLogger(__name__)


def queue_task(task, *args) -> None:
    """Publish ``task(*args)`` after the current transaction commits; never raise."""

    def publish() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # a dead broker must not break the action that already committed
            log.warning("could not queue %s%r; the sweep will retry", task.name, args, exc_info=True)

    transaction.on_commit(publish)


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", case: Case | None = None) -> list[int]:
    """Tell each recipient (once, even if listed twice), in the app and on their channels."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, case=case, kind=kind, title=title, body=body))
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if ids:
        from cases.tasks import deliver_notifications

        queue_task(deliver_notifications, ids)
    return ids
