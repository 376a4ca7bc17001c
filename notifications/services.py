"""Notifications: written with the action that causes them, delivered on outside channels.

A notice is stored as its kind and parameters (``notifications.kinds``) and rendered in the
reader's language: in the app at read time, by e-mail and SMS in the recipient's language at send
time.

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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from governance import clock
from governance.effects import queue_task
from notifications import tasks
from notifications.kinds import KINDS, render
from notifications.models import Notification, NotificationDelivery
from notifications.selectors import inbox_for

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


# Outside copies are written in the recipient's language, whatever language the sender used.
def send_email(notification: Notification) -> None:
    recipient = notification.recipient
    with translation.override(recipient.language):
        text = render(notification)
        subject = _("[联动工作站] %(title)s") % {"title": text.title}
    send_mail(
        subject=subject,
        message=text.body or text.title,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient.email],
    )


def send_sms(notification: Notification) -> None:
    recipient = notification.recipient
    with translation.override(recipient.language):
        text = _("【联动工作站】%(title)s") % {"title": render(notification).title}
    sms_gateway().send(recipient.phone, text)


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
class Notice:
    """One notice to some people: what :func:`notify` takes, for :func:`notify_all`."""

    recipients: Iterable
    kind: str
    case: object = None
    params: dict = field(default_factory=dict)


def notify(recipients: Iterable, *, kind: str, case=None, **params) -> list[int]:
    """Tell each recipient (once, even if listed twice), in the app and on their channels.

    The notice is stored as ``kind`` and its ``params`` (plain JSON values; a case adds its number
    and title), and rendered in each reader's language later. Delivery rows are written in the
    caller's transaction and their task is queued after commit.
    """
    return notify_all([Notice(recipients, kind, case, params)])


def notify_all(notices: Iterable[Notice]) -> list[int]:
    """Several notices at once (a sweep's batch): the same rows as :func:`notify` for each, written
    in two INSERTs whatever their number, and one task queued after commit for their copies."""
    rows = []
    for notice in notices:
        if notice.kind not in KINDS:
            raise ValueError(f"unknown notice kind {notice.kind!r}")
        params = notice.params
        if notice.case is not None:
            params = {"number": notice.case.number, "title": notice.case.title, **params}
        seen: set[int] = set()
        for user in notice.recipients:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            rows.append(Notification(recipient=user, case=notice.case, kind=notice.kind, params=params))
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    deliveries = NotificationDelivery.objects.bulk_create(deliveries_for(created))
    if deliveries:
        queue_task(tasks.deliver_notifications, sorted({d.notification_id for d in deliveries}))
    return [n.pk for n in created]


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when ``ids`` is None); return how many
    changed. Ids of other users' notifications are ignored, not an error."""
    unread = inbox_for(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    failed: int = 0


def deliver(notification_ids: Iterable[int]) -> Outcome:
    """Send every owed copy of these notifications, each at most once.

    1. Make sure each owed channel has its delivery row (normally written with the notification).
    2. Claim each unsent row: pending, or failed with attempts left; one caller wins the UPDATE.
    3. Send, then mark the row sent, or failed with the error for a later attempt; failed on its
       ``MAX_ATTEMPTS``-th try, it is given up (``gave_up``, listed for admins) and never tried again.
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
            final = delivery.attempts + 1 >= MAX_ATTEMPTS  # this try was the last one
            status = Status.GAVE_UP if final else Status.FAILED
            NotificationDelivery.objects.filter(pk=delivery.pk).update(status=status, last_error=str(exc)[:500])
            log.log(
                logging.ERROR if final else logging.WARNING,
                "delivery %s over %s failed (try %s of %s): %s",
                notification.pk,
                delivery.channel,
                delivery.attempts + 1,
                MAX_ATTEMPTS,
                exc,
            )
            failed += 1
            continue
        NotificationDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENT, sent_at=clock.now())
        sent += 1
    return Outcome(sent=sent, failed=failed)


# A notice's own task normally delivers it within seconds; the sweep steps in after this.
DELIVERY_GRACE = timedelta(minutes=1)
# The task retries a failed copy with backoff for about 8 minutes; the sweep then retries slower.
FAILED_RETRY_AFTER = timedelta(minutes=5)
QUEUE_CHUNK = 100


def failed_due(now: datetime) -> Q:
    """Failed rows whose next try is due: ``FAILED_RETRY_AFTER`` after the first failure, doubling
    with each further one (5, 10, 20, 40 min)."""
    due = Q(pk__in=[])
    for attempts in range(1, MAX_ATTEMPTS):
        wait = FAILED_RETRY_AFTER * 2 ** (attempts - 1)
        due |= Q(status=Status.FAILED, attempts=attempts, claimed_at__lte=now - wait)
    return due


def sweep_deliveries(now: datetime | None = None) -> int:
    """Queue every outside-channel copy still owed; return how many notifications were queued.

    1. Rows left "sending" for longer than ``STALE_AFTER`` (a worker died mid-send) become failed.
    2. Owed: pending rows older than ``DELIVERY_GRACE`` (their task was never queued: the broker was
       down at commit) and failed rows whose backoff has passed (``failed_due``), with tries left.
    3. Queue their notifications in chunks. The task claims each row, so a copy whose own task is
       running at the same time is still sent once.
    """
    now = now or clock.now()
    # last_error is stored text in the language of record.
    stale = NotificationDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.GAVE_UP, last_error="发送中断（超时未完成），已停止重试"
    )
    stale.update(status=Status.FAILED, last_error="发送中断（超时未完成），将重试")
    owed = NotificationDelivery.objects.filter(
        Q(status=Status.PENDING, notification__created_at__lte=now - DELIVERY_GRACE) | failed_due(now),
        attempts__lt=MAX_ATTEMPTS,
    )
    ids = sorted(set(owed.values_list("notification_id", flat=True)))
    for start in range(0, len(ids), QUEUE_CHUNK):
        queue_task(tasks.deliver_notifications, ids[start : start + QUEUE_CHUNK])
    return len(ids)
