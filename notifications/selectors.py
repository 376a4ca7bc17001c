"""A user's in-app notifications. Always scoped to one user."""

from __future__ import annotations

from notifications.models import Notification


def inbox_for(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def inbox_list_for(user):
    """The inbox as listed: newest first, each notice with its case."""
    return inbox_for(user).select_related("case").order_by("-created_at", "-id")
