"""Notifications: read in the app, delivered on outside channels (e-mail, SMS).

Channels are looked up in one registry (like healthchecks' TRANSPORTS). A delivery row per
(notification, channel) is unique in the database and is written with the notification (an
outbox): a notice owed on a channel is a row, whatever happens to the broker. A sender first
claims the row with a conditional UPDATE, so two workers, or a retry racing the sweep, never send
twice. A row left "sending" by a crashed worker is given back by the sweep after ``STALE_AFTER``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils.module_loading import import_string

from cases.models import Notification, NotificationDelivery
from governance import clock

log = logging.getLogger(__name__)
Channel = NotificationDelivery.Channel
Status = NotificationDelivery.Status

MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=10)


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsGateway:
    """Stand-in SMS gateway: writes the message to the log. Swap for a real provider."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


@functools.cache
def _gateway(path: str) -> SmsGateway:
    return import_string(path)()


def sms_gateway() -> SmsGateway:
    """The gateway named by the SMS_GATEWAY setting (a dotted path to a class)."""
    return _gateway(settings.SMS_GATEWAY)


# Sent in the language of record, like the stored title and body they carry.
def send_email(notification: Notification) -> None:
    send_mail(
        subject=f"[联动工作站] {notification.title}",
        message=notification.body or notification.title,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )


def send_sms(notification: Notification) -> None:
    sms_gateway().send(notification.recipient.phone, f"【联动工作站】{notification.title}")


SENDERS: dict[str, Callable[[Notification], None]] = {Channel.EMAIL: send_email, Channel.SMS: send_sms}


def channels_for(user) -> list[str]:
    """The outside channels the user chose and can be reached on."""
    chosen = []
    if user.notify_email and user.email:
        chosen.append(Channel.EMAIL)
    if user.notify_sms and user.phone:
        chosen.append(Channel.SMS)
    return chosen


def deliveries_for(notifications: Iterable[Notification]) -> list[NotificationDelivery]:
    """Unsaved delivery rows for every channel each recipient chose."""
    return [
        NotificationDelivery(notification=n, channel=channel)
        for n in notifications
        for channel in channels_for(n.recipient)
    ]


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    failed: int = 0


def deliver(notification_ids: Iterable[int]) -> Outcome:
    """Send every owed copy of these notifications, each at most once.

    1. Make sure each owed channel has its delivery row (normally written with the notification).
    2. Claim each unsent row: pending, or failed with attempts left; one caller wins the UPDATE.
    3. Send, then mark the row sent, or failed with the error for a later attempt.
    """
    notifications = list(Notification.objects.filter(pk__in=list(notification_ids)).select_related("recipient"))
    NotificationDelivery.objects.bulk_create(deliveries_for(notifications), ignore_conflicts=True)
    by_id = {n.pk: n for n in notifications}
    owed = NotificationDelivery.objects.filter(
        notification_id__in=list(by_id), status__in=[Status.PENDING, Status.FAILED], attempts__lt=MAX_ATTEMPTS
    )
    sent = failed = 0
    for delivery in owed:
        claimed = NotificationDelivery.objects.filter(
            pk=delivery.pk, status__in=[Status.PENDING, Status.FAILED], attempts__lt=MAX_ATTEMPTS
        ).update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=clock.now())
        if not claimed:
            continue
        notification = by_id[delivery.notification_id]
        try:
            SENDERS[delivery.channel](notification)
        except Exception as exc:
            NotificationDelivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED, last_error=str(exc)[:500])
            log.warning("delivery %s over %s failed: %s", notification.pk, delivery.channel, exc)
            failed += 1
            continue
        NotificationDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENT, sent_at=clock.now())
        sent += 1
    return Outcome(sent=sent, failed=failed)
