"""Notices in admin: read-only, shown in the admin user's language."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.admin import ReadOnlyAdmin, ReadOnlyInline
from notifications.models import Notification, NotificationDelivery


class NotificationDeliveryInline(ReadOnlyInline):
    model = NotificationDelivery
    fields = ("channel", "status", "attempts", "sent_at", "last_error")
    show_change_link = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("shown_title", "recipient", "kind", "case", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username", "recipient__display_name", "case__number")
    date_hierarchy = "created_at"
    list_select_related = ("recipient", "case")
    inlines = (NotificationDeliveryInline,)

    @admin.display(description=_("标题"))
    def shown_title(self, obj: Notification) -> str:
        return obj.rendered.title


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("notification_title", "recipient", "channel", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "channel")
    search_fields = ("notification__title", "notification__recipient__username")
    list_select_related = ("notification__recipient",)
    fields = ("notification_title", "recipient", "channel", "status", "attempts", "sent_at", "last_error")
    readonly_fields = ("notification_title", "recipient")

    @admin.display(description=_("通知"), ordering="notification__created_at")
    def notification_title(self, obj: NotificationDelivery) -> str:
        return obj.notification.rendered.title

    @admin.display(description=_("接收人"))
    def recipient(self, obj: NotificationDelivery) -> str:
        return str(obj.notification.recipient)

    def changelist_view(self, request, extra_context=None):
        """Copies that will never be sent are said at the top of the list, with a link to them."""
        given_up = NotificationDelivery.objects.filter(status=NotificationDelivery.Status.GAVE_UP).count()
        if given_up:
            message = gettext(
                "%(count)s 条通知多次投递失败，已停止重试：请核对接收人的手机号或邮箱，或短信、邮件服务。"
            )
            messages.warning(request, message % {"count": given_up})
        return super().changelist_view(request, extra_context)
