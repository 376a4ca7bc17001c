"""The top bar's "who": the signed-in user's posts (role and where), on every page."""

from django.utils.functional import SimpleLazyObject


def posts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = user.memberships.filter(is_active=True).select_related("station", "department")
    return {"posts": SimpleLazyObject(lambda: list(active))}
