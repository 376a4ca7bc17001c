"""Celery tasks of notices. Each takes ids, is idempotent, and calls a service."""

from celery import shared_task

RETRY_BASE_SECONDS = 30


@shared_task(bind=True, max_retries=4)
def deliver_notifications(self, notification_ids: list[int]) -> int:
    """Send the outside-channel copies (e-mail, SMS) of these notifications, once each.

    A failed copy is retried with backoff (30 s, 1, 2, 4 min); each try claims the row again, so
    a copy already sent is never sent twice. The fifth failure is the ``MAX_ATTEMPTS``-th try: the
    copy is given up (``gave_up``), which admins see in the deliveries list. Should the retries not
    get queued, the delivery sweep takes over with slower backoff, up to the same total.
    """
    from notifications.services import deliver

    outcome = deliver(notification_ids)
    if outcome.failed and self.request.retries < self.max_retries:
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
    return outcome.sent


@shared_task
def sweep_deliveries() -> int:
    """Queue every outside-channel copy still owed (e.g. the broker was down at commit)."""
    from notifications.services import sweep_deliveries as sweep

    return sweep()
