"""The view log (issue 13 item 3): who saw which case's personal data in full, downloaded which
file, exported what. Append-only: the model refuses to change a row and, on PostgreSQL, so does
the database (cases/migrations/0013_personaldataaccess.py), as for the event log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from governance import clock

User = settings.AUTH_USER_MODEL


class AccessKind(models.TextChoices):
    VIEW = "view", _("查看")
    DOWNLOAD = "download", _("下载附件")
    EXPORT = "export", _("导出")


class PersonalDataAccess(models.Model):
    """One display of a case's unmasked personal data, one download or one export."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("查阅人"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("案件")
    )
    kind = models.CharField(_("方式"), max_length=10, choices=AccessKind.choices)
    # Where it was shown: "page:case", "api:case", "api:cases", "page:intake", an export's name …
    channel = models.CharField(_("渠道"), max_length=60)
    # The kinds of personal data shown in full (cases.privacy.PersonalData values).
    fields = models.JSONField(_("查阅内容"), default=list, blank=True)
    # A download's file ("#12 现场照片.jpg") or an export's table.
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("导出行数"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("个人信息查阅记录")
        verbose_name_plural = _("个人信息查阅记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "-at"], name="pd_access_case"),
            models.Index(fields=["user", "-at"], name="pd_access_user"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AccessKind.values), name="pd_access_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.case_id or self.detail} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("PersonalDataAccess rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("PersonalDataAccess rows are append-only")
