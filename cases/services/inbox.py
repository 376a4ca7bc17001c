"""A user's in-app notifications: what is unread, and marking read. Always scoped to one user."""

from __future__ import annotations

from collections.abc import Iterable

from cases.models import Notification
from governance import clock


def inbox_for(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when ``ids`` is None); return how many
    changed. Ids of other users' notifications are ignored, not an error."""
    unread = inbox_for(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())
