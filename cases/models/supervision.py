"""Warnings, overdue notices, escalations and manual supervision of a case (DESIGN §6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.assignments import Assignment
from cases.models.case import Case
from cases.models.lengths import NOTE_MAX_LENGTH
from cases.wording import supervision_message
from governance import clock

User = settings.AUTH_USER_MODEL


class Deadline(models.TextChoices):
    ACCEPT = "accept", _("受理")
    SIGN = "sign", _("签收")
    HANDLE = "handle", _("办理")
    FEEDBACK = "feedback", _("反馈")


class Supervision(models.Model):
    """A warning, overdue notice, escalation (automatic) or a manual supervision (挂牌督办).

    An automatic rung is keyed by the deadline it belongs to, including its due time: it fires
    once per deadline value, and a moved deadline (extension, hold) starts a fresh ladder.
    """

    class Level(models.TextChoices):
        YELLOW = "yellow", _("预警")
        RED = "red", _("超期")
        ESCALATED = "escalated", _("升级督办")
        MANUAL = "manual", _("挂牌督办")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions", verbose_name=_("案件"))
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="supervisions", verbose_name=_("派单")
    )
    deadline = models.CharField(_("期限"), max_length=10, choices=Deadline.choices, blank=True)
    due_at = models.DateTimeField(_("期限时间"), null=True, blank=True)
    level = models.CharField(_("等级"), max_length=10, choices=Level.choices)
    message = models.TextField(_("督办内容"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("督办人")
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now, editable=False)
    response = models.TextField(_("回复"), max_length=NOTE_MAX_LENGTH, blank=True)
    responded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("回复人")
    )
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["case", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "assignment", "deadline", "due_at", "level"],
                condition=~Q(level="manual"),
                name="supervision_rung_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(level="manual", created_by__isnull=False) & ~Q(message="")
                | ~Q(level="manual") & ~Q(deadline="") & Q(due_at__isnull=False),
                name="supervision_kind_fields",
            ),
        ]
        indexes = [models.Index(fields=["level", "created_at"], name="supervision_level_time")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_level_display()}"

    @property
    def text(self) -> str:
        """The message in the active language: as typed for a manual supervision; for a rung,
        worded from its deadline, due time and department (rows that stored a Chinese message
        before are worded the same way)."""
        if self.level == self.Level.MANUAL:
            return self.message
        department = str(self.assignment.department) if self.assignment_id else None
        return supervision_message(level=self.level, deadline=self.deadline, due_at=self.due_at, department=department)
