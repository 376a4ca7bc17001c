"""Delivering notifications on outside channels: e-mail and SMS.

Channels are looked up in one registry (like healthchecks' TRANSPORTS). A delivery row per
(notification, channel) is unique in the database; a sender first claims the row with a
conditional UPDATE, so two workers, or a retry racing the sweep, never send twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone

from cases.models import Notification, NotificationDelivery

log = logging.getLogger(__name__)
Channel = NotificationDelivery.Channel


def send_email(notification: Notification) -> None:
    send_mail(
        subject=f"[联动工作站] {notification.title}",
        message=notification.body or notification.title,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )


class LoggingSmsGateway:
    """Stand-in SMS gateway: writes the message to the log. Swap for a real provider."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


sms_gateway = LoggingSmsGateway()


def send_sms(notification: Notification) -> None:
    sms_gateway.send(notification.recipient.phone, f"【联动工作站】{notification.title}")


SENDERS: dict[str, Callable[[Notification], None]] = {Channel.EMAIL: send_email, Channel.SMS: send_sms}


def channels_for(user) -> list[str]:
    chosen = []
    if user.notify_email and user.email:
        chosen.append(Channel.EMAIL)
    if user.notify_sms and user.phone:
        chosen.append(Channel.SMS)
    return chosen


def deliver(notification_ids: list[int]) -> int:
    """Send every owed copy of these notifications; return how many were sent now."""
    sent = 0
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    for notification in notifications:
        for channel in channels_for(notification.recipient):
            delivery, _ = NotificationDelivery.objects.get_or_create(notification=notification, channel=channel)
            if delivery.status == NotificationDelivery.Status.SENT:
                continue
            # Claim: exactly one caller moves the row to "sending"; the others skip it.
            claimed = NotificationDelivery.objects.filter(pk=delivery.pk, status__in=["pending", "failed"]).update(
                status="sending", attempts=F("attempts") + 1
            )
            if not claimed:
                continue
            try:
                SENDERS[channel](notification)
            except Exception as exc:
                NotificationDelivery.objects.filter(pk=delivery.pk).update(status="failed", last_error=str(exc)[:500])
                log.warning("delivery %s over %s failed: %s", notification.pk, channel, exc)
                continue
            NotificationDelivery.objects.filter(pk=delivery.pk).update(status="sent", sent_at=timezone.now())
            sent += 1
    return sent
