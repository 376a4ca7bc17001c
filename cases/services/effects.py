"""Side effects, queued after commit.

Notification rows, and a pending delivery row for each outside channel the recipient chose, are
data written in the caller's transaction, so a rolled-back action leaves no notice behind and a
committed one owes every copy. Delivery (e-mail, SMS) is a Celery task queued only once the
transaction has committed. If the broker is down the publish fails quickly, is logged, and the
delivery rows stay pending: the minute sweep queues them when the broker is back, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import Truncator

from cases.models import Case, Notification, NotificationDelivery
from cases.services.notifications import deliveries_for

log = logging.getLogger(__name__)
NOTIFICATION_TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length


def queue_task(task, *args) -> None:
    """Publish ``task(*args)`` after the current transaction commits; never raise."""

    def publish() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # a dead broker must not break the action that already committed
            log.warning("could not queue %s%r; the sweep will retry", task.name, args, exc_info=True)

    transaction.on_commit(publish)


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", case: Case | None = None) -> list[int]:
    """Tell each recipient (once, even if listed twice), in the app and on their channels.

    The title is a display string, often a case's number and title: it is cut to what the column
    holds, with an ellipsis, so that a long case title never costs the action that sends it.
    """
    title = Truncator(title).chars(NOTIFICATION_TITLE_MAX_LENGTH, truncate="…")
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, case=case, kind=kind, title=title, body=body))
    created = Notification.objects.bulk_create(rows)
    deliveries = NotificationDelivery.objects.bulk_create(deliveries_for(created))
    if deliveries:
        from cases.tasks import deliver_notifications

        queue_task(deliver_notifications, sorted({d.notification_id for d in deliveries}))
    return [n.pk for n in created]
