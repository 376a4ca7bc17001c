"""Notices to users, and their copies on outside channels (e-mail, SMS).

The tables were created by the ``cases`` app and keep their names (``db_table``): the models
moved here without touching the data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from governance import clock
from notifications.kinds import Rendered, render


class Notification(models.Model):
    """A notice to one user. Shown in the app; also delivered by e-mail or SMS as they chose.

    A notice is stored as its ``kind`` and ``params`` and rendered in the reader's language when
    read or sent (``notifications.kinds``). ``title`` and ``body`` hold the Chinese text of notices
    written before that; they are shown as stored when there are no params.
    """

    # notification_recipient (recipient, -created_at) serves every lookup by recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
        db_index=False,
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("案件"),
    )
    kind = models.CharField(_("类型"), max_length=30)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=120, blank=True)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now, editable=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        db_table = "cases_notification"
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.rendered.title}"

    @cached_property
    def rendered(self) -> Rendered:
        """Title and body in the active language."""
        return render(self)


class NotificationDelivery(models.Model):
    """One outside channel's delivery of a notification: at most one per channel, ever."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        # Failed MAX_ATTEMPTS times (notifications.services): no more tries; admins see it.
        GAVE_UP = "gave_up", _("多次失败，已停止重试")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("错误"), blank=True)
    # When a sender claimed the row; a row left "sending" long after (a crashed worker) is retried.
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        db_table = "cases_notificationdelivery"
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notification_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["status"], condition=Q(status__in=["pending", "sending", "failed"]), name="delivery_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.status}"
