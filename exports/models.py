"""One row per Excel export: who asked, when, for what, with which filters, how many rows.

The row is written when the export is asked for, before any data is read, so an export that fails
half-way is still on record. A large export is built by a Celery task; ``rows_done`` is its
progress and ``file`` its result, kept under MEDIA_ROOT (never served from MEDIA_URL: only the
requester downloads it, through ``exports:download``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance import clock


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("已完成")
    FAILED = "failed", _("失败")


class Export(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports", verbose_name=_("导出人")
    )
    requested_at = models.DateTimeField(_("导出时间"), default=clock.now)
    kind = models.CharField(_("导出内容"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="export_by_user")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="export_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.requested_by}"

    @property
    def progress(self) -> int:
        """Percent of the rows written (0 until the count is known)."""
        if self.status == ExportStatus.READY:
            return 100
        if not self.row_count:
            return 0
        return min(99, self.rows_done * 100 // self.row_count)
