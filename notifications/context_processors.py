"""The top bar's bell on every page: read only when a template shows it."""

from __future__ import annotations

from django.utils.functional import cached_property

from notifications.selectors import inbox_for, unread_count

BELL_LATEST = 8


class Bell:
    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)

    @cached_property
    def latest(self) -> list:
        return list(inbox_for(self.user)[:BELL_LATEST])


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
