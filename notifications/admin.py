"""Notices in admin: read-only, shown in the admin user's language."""

from django.contrib import admin
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
    list_display = ("notification_title", "recipient", "channel", "status", "attempts", "sent_at")
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
