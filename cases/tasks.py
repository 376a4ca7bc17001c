"""Celery tasks. Each takes ids, is idempotent, and calls a service."""

from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def deliver_notifications(self, notification_ids: list[int]) -> int:
    """Send the outside-channel copies (e-mail, SMS) of these notifications, once each."""
    from cases.services.notifications import deliver

    return deliver(notification_ids)
