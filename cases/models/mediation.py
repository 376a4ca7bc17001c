"""Joint mediation rounds and the summonses of X departments' liaison officers (DESIGN §1, §5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.case import Attachment, Case
from cases.models.lengths import TEXT_MAX_LENGTH
from governance import clock
from workstation.models import Department, StationDepartment

User = settings.AUTH_USER_MODEL


class MediationOutcome(models.TextChoices):
    """What a round came to (issue 11): after a partial or failed round the next one may follow."""

    AGREEMENT = "agreement", _("达成协议")
    PARTIAL = "partial", _("部分达成")
    FAILED = "failed", _("未达成")


class MediationSession(models.Model):
    """One round of joint mediation (联合调处) on a case."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已排期")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediations", verbose_name=_("案件"))
    round_no = models.PositiveSmallIntegerField(_("轮次"))
    scheduled_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(_("调处笔录"), max_length=TEXT_MAX_LENGTH, blank=True)
    outcome = models.CharField(_("结果"), max_length=15, choices=MediationOutcome.choices, blank=True)
    agreement = models.TextField(_("协议内容"), max_length=TEXT_MAX_LENGTH, blank=True)
    # The signed agreement (调解协议书), a PDF or a photo: one of the case's attachments, so that it
    # is downloaded through the case's gate like every other file of the case.
    agreement_document = models.ForeignKey(
        Attachment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("调解协议书"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("发起人")
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    held_at = models.DateTimeField(_("召开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联合调处")
        verbose_name_plural = _("联合调处")
        ordering = ["case", "round_no"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round_no"], name="mediation_round_unique"),
            models.CheckConstraint(condition=Q(round_no__gte=1), name="mediation_round_positive"),
            models.CheckConstraint(
                condition=~Q(outcome="agreement") | ~Q(agreement=""), name="mediation_agreement_has_text"
            ),
            models.CheckConstraint(condition=Q(status="held") | Q(outcome=""), name="mediation_outcome_only_when_held"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} 第{self.round_no}轮"


class MediationParticipant(models.Model):
    class Role(models.TextChoices):
        DEPARTMENT = "department", _("部门代表")
        MEDIATOR = "mediator", _("调解员")
        LAWYER = "lawyer", _("律师")
        ELDER = "elder", _("老娘舅")
        PARTY = "party", _("当事人")
        OTHER = "other", _("其他")

    session = models.ForeignKey(
        MediationSession, on_delete=models.CASCADE, related_name="participants", verbose_name=_("调处")
    )
    role = models.CharField(_("身份"), max_length=12, choices=Role.choices)
    # A department's representative is listed under the department's name (up to 100 characters).
    name = models.CharField(_("姓名"), max_length=100)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("部门")
    )
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    organization = models.CharField(_("单位"), max_length=100, blank=True)
    attended = models.BooleanField(_("到场"), default=False)

    class Meta:
        verbose_name = _("调处参与人")
        verbose_name_plural = _("调处参与人")
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="department") | Q(department__isnull=False),
                name="mediation_participant_department_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Summons(models.Model):
    """A request that an X department's liaison officer come to the station (联络员召集)."""

    class Status(models.TextChoices):
        SENT = "sent", _("已通知")
        ACKNOWLEDGED = "acknowledged", _("已确认")
        ARRIVED = "arrived", _("已到岗")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summonses", verbose_name=_("案件"))
    presence = models.ForeignKey(
        StationDepartment, on_delete=models.PROTECT, related_name="summonses", verbose_name=_("入驻部门")
    )
    liaison_officer = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="summonses", verbose_name=_("联络员")
    )
    session = models.ForeignKey(
        MediationSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="summonses",
        verbose_name=_("调处"),
    )
    status = models.CharField(_("状态"), max_length=15, choices=Status.choices, default=Status.SENT)
    reason = models.TextField(_("事由"), blank=True)
    created_at = models.DateTimeField(_("召集时间"), default=clock.now, editable=False)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到岗时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联络员召集")
        verbose_name_plural = _("联络员召集")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "presence"], condition=~Q(status="cancelled"), name="summons_one_open_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.presence.department}"
