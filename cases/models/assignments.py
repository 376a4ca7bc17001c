"""Departments' shares of a case and the requests the chief decides on (DESIGN §4, §5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.lengths import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from governance import clock
from workstation.models import Department

User = settings.AUTH_USER_MODEL


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    SIGNED = "signed", _("办理中")
    RETURN_REQUESTED = "return_requested", _("退单申请中")
    PART_DONE = "part_done", _("协办已反馈")
    WAIVED = "waived", _("协办已免除")
    DONE = "done", _("已办结")
    RETURNED = "returned", _("已退单")
    CANCELLED = "cancelled", _("已撤销")


# An assignment in these states no longer holds the department to the case.
INACTIVE_ASSIGNMENT_STATUSES = [AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED]


class Assignment(models.Model):
    """A department's share of a case: lead (主办) or co (协办)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("案件"))
    # assignment_department_status (department, status) serves every lookup by department.
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("部门"), db_index=False
    )
    role = models.CharField(_("角色"), max_length=5, choices=AssignmentRole.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    dispatched_at = models.DateTimeField(_("派单时间"))
    sign_due_at = models.DateTimeField(_("签收期限"), null=True, blank=True)
    sign_warn_at = models.DateTimeField(_("签收预警时间"), null=True, blank=True)
    sign_escalate_at = models.DateTimeField(_("签收升级督办时间"), null=True, blank=True)
    sign_next_rung_at = models.DateTimeField(_("签收下一督办时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("签收人")
    )
    handle_due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    part_text = models.TextField(_("协办情况"), max_length=TEXT_MAX_LENGTH, blank=True)
    part_recorded_at = models.DateTimeField(_("协办反馈时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("派单")
        verbose_name_plural = _("派单")
        ordering = ["case", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=~Q(status__in=INACTIVE_ASSIGNMENT_STATUSES),
                name="assignment_one_active_per_department",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="lead") & ~Q(status__in=INACTIVE_ASSIGNMENT_STATUSES),
                name="assignment_one_active_lead",
            ),
            models.CheckConstraint(condition=Q(role__in=["lead", "co"]), name="assignment_role_valid"),
            models.CheckConstraint(condition=Q(status__in=AssignmentStatus.values), name="assignment_status_valid"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False), name="assignment_signed_has_signer"
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="assignment_department_status"),
            models.Index(fields=["sign_due_at"], condition=Q(status="pending"), name="assignment_sign_due_open"),
            models.Index(
                fields=["sign_next_rung_at"],
                condition=Q(status="pending", sign_next_rung_at__isnull=False),
                name="assignment_sign_rung_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.department} ({self.get_role_display()})"


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class ChiefDecision(models.Model):
    """A department's request that the chief decides: who asked, why, and the decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("案件"))
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+", verbose_name=_("派单"))
    reason = models.TextField(_("理由"), max_length=NOTE_MAX_LENGTH)
    status = models.CharField(
        _("审批状态"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now, editable=False)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        abstract = True
        ordering = ["case", "requested_at"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.get_status_display()}"


def _one_pending(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["assignment"], condition=Q(status="pending"), name=name)


class Extension(ChiefDecision):
    """A request for more time (延期申请), made before the due time."""

    previous_due_at = models.DateTimeField(_("原期限"))
    requested_due_at = models.DateTimeField(_("申请延至"))

    class Meta(ChiefDecision.Meta):
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            _one_pending("extension_one_pending"),
            models.CheckConstraint(
                condition=Q(requested_due_at__gt=models.F("previous_due_at")), name="extension_moves_later"
            ),
        ]


class ReturnRequest(ChiefDecision):
    """A department's request to give a case back (退单); the chief re-dispatches or refuses."""

    class Meta(ChiefDecision.Meta):
        verbose_name = _("退单申请")
        verbose_name_plural = _("退单申请")
        constraints = [_one_pending("return_request_one_pending")]


class Hold(ChiefDecision):
    """A pause of the handling clock (挂账), e.g. waiting for a court ruling."""

    started_at = models.DateTimeField(_("挂账开始"), null=True, blank=True)
    ended_at = models.DateTimeField(_("挂账结束"), null=True, blank=True)

    class Meta(ChiefDecision.Meta):
        verbose_name = _("挂账")
        verbose_name_plural = _("挂账")
        constraints = [
            _one_pending("hold_one_pending"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=False, ended_at__gte=models.F("started_at")),
                name="hold_ends_after_start",
            ),
        ]
