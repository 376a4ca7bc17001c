from django.http import Http404
from django.utils.translation import gettext as _

from exports.models import Export


def own_export(user, export_id: int) -> Export:
    """An export, to the user who asked for it only; anyone else gets 404 (it does not exist for
    them, as a case out of scope does not)."""
    try:
        return Export.objects.get(pk=export_id, requested_by_id=user.pk)
    except Export.DoesNotExist:
        raise Http404(_("导出不存在或无权访问")) from None


def recent_exports(user, limit: int = 20) -> list[Export]:
    return list(Export.objects.filter(requested_by_id=user.pk).order_by("-requested_at", "-pk")[:limit])
