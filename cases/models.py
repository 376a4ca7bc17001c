"""Cases and everything that happens to them (DESIGN §2, §4–§7).

A case's status changes in one place only (the lifecycle services); these models hold the data
and the database constraints that keep it sound whatever the caller does.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.validators import ID_NUMBER_PATTERN, validate_id_number
from cases.wording import supervision_message
from governance import clock
from workstation.models import Department, Grid, StationDepartment, Workstation

User = settings.AUTH_USER_MODEL

# Lengths of the free text people and outside systems send; the API states and checks them (400
# with the field named), so no text reaches a column that cannot hold it.
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000  # descriptions, results, minutes, agreements
NOTE_MAX_LENGTH = 1000  # reasons, comments, supervision messages and their answers


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    MAJOR = "major", _("重大")


class Clarity(models.TextChoices):
    CLEAR = "clear", _("权责清晰")
    BLURRED = "blurred", _("边界模糊")


class Complexity(models.IntegerChoices):
    """Default handling time in working days from dispatch."""

    INSTANT = 1, _("即办（1个工作日）")
    NORMAL = 5, _("一般（5个工作日）")
    COMPLEX = 15, _("复杂（15个工作日）")


class Category(models.Model):
    """A two-level taxonomy (大类/小类) with its owner, clarity and handling time."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("所属大类"),
    )
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    owner = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_categories",
        verbose_name=_("主责部门"),
    )
    clarity = models.CharField(_("权责"), max_length=10, choices=Clarity.choices, default=Clarity.CLEAR)
    co_departments = models.ManyToManyField(
        Department, blank=True, related_name="co_categories", verbose_name=_("协办部门")
    )
    complexity = models.PositiveSmallIntegerField(_("办理时限"), choices=Complexity.choices, default=Complexity.NORMAL)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项类别")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_name_unique_in_parent", nulls_distinct=False
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="category_not_own_parent"),
            models.CheckConstraint(condition=Q(clarity__in=["clear", "blurred"]), name="category_clarity_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        # Two levels only (大类/小类): a parent must itself be top-level, and a category that has
        # children cannot move under another.
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("所属大类必须是一级类别（只支持大类/小类两级）")})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": _("该类别下已有小类，不能再设为小类")})


class KeywordRule(models.Model):
    """Text that suggests a category (空调外机 → 邻里纠纷). Maintained by admins."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="keywords", verbose_name=_("类别"))
    keyword = models.CharField(_("关键词"), max_length=30)
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("关键词规则")
        verbose_name_plural = _("关键词规则")
        ordering = ["category", "-weight", "keyword"]
        constraints = [
            models.UniqueConstraint(fields=["category", "keyword"], name="keyword_unique_per_category"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="keyword_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.keyword} → {self.category}"


class TimeUnit(models.TextChoices):
    WORK_HOURS = "work_hours", _("工作小时")
    WORK_DAYS = "work_days", _("工作日")
    CLOCK_HOURS = "clock_hours", _("自然小时")


class SlaRule(models.Model):
    """Time allowed for each step, per urgency; with no category it is the district default.

    The most specific rule wins: (category, urgency), then (parent category, urgency), then
    (no category, urgency). Urgent cases usually count clock hours (DESIGN §6).
    """

    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_rules",
        verbose_name=_("类别"),
        help_text=_("留空表示全区默认"),
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    accept_amount = models.PositiveSmallIntegerField(_("受理时限"), default=2)
    accept_unit = models.CharField(
        _("受理时限单位"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORK_HOURS
    )
    sign_amount = models.PositiveSmallIntegerField(_("签收时限"), default=1)
    sign_unit = models.CharField(_("签收时限单位"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORK_DAYS)
    handle_amount = models.PositiveSmallIntegerField(
        _("办理时限"), null=True, blank=True, help_text=_("留空则按类别的办理时限（工作日）")
    )
    handle_unit = models.CharField(
        _("办理时限单位"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORK_DAYS
    )
    feedback_amount = models.PositiveSmallIntegerField(_("反馈时限"), default=3)
    feedback_unit = models.CharField(
        _("反馈时限单位"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORK_DAYS
    )

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["category__code", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="sla_rule_unique", nulls_distinct=False),
            models.CheckConstraint(
                condition=Q(accept_amount__gt=0, sign_amount__gt=0, feedback_amount__gt=0)
                & (Q(handle_amount__isnull=True) | Q(handle_amount__gt=0)),
                name="sla_rule_amounts_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or _('全区默认')} · {self.get_urgency_display()}"


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    ACCEPTED = "accepted", _("待分拨")
    DISPATCHED = "dispatched", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结待反馈")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已并案")


OPEN_STATUSES = [
    CaseStatus.REPORTED,
    CaseStatus.ACCEPTED,
    CaseStatus.DISPATCHED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.RESOLVED,
]


class Source(models.TextChoices):
    GRID = "grid", _("网格上报")
    POLICE_110 = "110", _("110非警务警情")
    HOTLINE_12345 = "12345", _("12345热线")
    FOUR_PLATFORMS = "four-platforms", _("基层治理四平台")
    WALK_IN = "walk_in", _("群众来访")
    LEADER = "leader", _("领导交办")


class DispatchMode(models.TextChoices):
    SOLO = "solo", _("各自管")
    JOINT = "joint", _("联合管")


class Ladder(models.TextChoices):
    """Where a case stands on the supervision ladder of its current deadline."""

    NONE = "none", _("正常")
    YELLOW = "yellow", _("预警")
    RED = "red", _("超期")
    ESCALATED = "escalated", _("升级督办")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    DEFAULT = "default", _("逾期默认满意")


class CaseNumberSequence(models.Model):
    """The last number given per station per day, so numbers are gapless and never reused."""

    station = models.ForeignKey(Workstation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "day"], name="case_number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day} #{self.last}"


class Case(models.Model):
    """One reported matter, numbered like ZX-20261128-0007."""

    number = models.CharField(_("编号"), max_length=32, unique=True)
    station = models.ForeignKey(Workstation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("工作站"))
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("网格")
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.GRID)
    # NULL, not "", for cases born here: the uniqueness per source applies to outside ids only.
    external_id = models.CharField(_("外部编号"), max_length=64, null=True, blank=True)  # noqa: DJ001
    # The report form's key, made when the form is shown: a double tap or a resend from the
    # phone's queue files one case per (reporter, key).
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, editable=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("类别")
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("情况描述"), max_length=TEXT_MAX_LENGTH)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REPORTED)
    reporter = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="reported_cases", verbose_name=_("上报人")
    )
    reporter_name = models.CharField(_("来源联系人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("来源联系电话"), max_length=20, blank=True)

    # The dispatch decision: the rule's plan, and the chief's override beside it.
    dispatch_mode = models.CharField(_("分拨方式"), max_length=10, choices=DispatchMode.choices, blank=True)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name=_("主办部门"),
    )
    dispatch_plan = models.JSONField(_("分拨方案"), null=True, blank=True)
    dispatch_override = models.JSONField(_("人工调整"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases", verbose_name=_("并入案件")
    )
    reject_reason = models.TextField(_("不予受理理由"), max_length=NOTE_MAX_LENGTH, blank=True)

    reported_at = models.DateTimeField(_("上报时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("分拨时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    held_at = models.DateTimeField(_("挂账开始"), null=True, blank=True)

    accept_due_at = models.DateTimeField(_("受理期限"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    feedback_due_at = models.DateTimeField(_("反馈期限"), null=True, blank=True)
    ladder = models.CharField(_("督办等级"), max_length=10, choices=Ladder.choices, default=Ladder.NONE)
    # Each deadline's ladder, set with the due time (cases.deadlines.deadline_fields): the warning
    # at 80 % of the allotted time, the escalation a working day after the due time, and when the
    # next rung is due. The sweep reads only rows whose next rung has come (partial indexes below).
    accept_warn_at = models.DateTimeField(_("受理预警时间"), null=True, blank=True)
    accept_escalate_at = models.DateTimeField(_("受理升级督办时间"), null=True, blank=True)
    accept_next_rung_at = models.DateTimeField(_("受理下一督办时间"), null=True, blank=True)
    # Where the handling clock counts from: the dispatch (or a rework), moved on by time on hold.
    handle_started_at = models.DateTimeField(_("办理计时起点"), null=True, blank=True)
    handle_warn_at = models.DateTimeField(_("办理预警时间"), null=True, blank=True)
    handle_escalate_at = models.DateTimeField(_("办理升级督办时间"), null=True, blank=True)
    handle_next_rung_at = models.DateTimeField(_("办理下一督办时间"), null=True, blank=True)

    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    satisfaction = models.CharField(_("满意度"), max_length=15, choices=Satisfaction.choices, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(external_id__isnull=False),
                name="case_external_id_unique_per_source",
            ),
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="case_idempotency_key_unique_per_reporter",
            ),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="case_urgency_valid"),
            models.CheckConstraint(
                condition=Q(status="merged", duplicate_of__isnull=False)
                | (~Q(status="merged") & Q(duplicate_of__isnull=True)),
                name="case_merged_has_target",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=models.F("pk")), name="case_not_duplicate_of_itself"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""), name="case_rejected_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="case_coordinates_valid",
            ),
            models.CheckConstraint(
                # Accepted with a dispatch time: a lead's return was approved, awaiting re-dispatch.
                condition=Q(dispatched_at__isnull=True)
                | Q(status__in=["accepted", "dispatched", "in_progress", "resolved", "closed"]),
                name="case_dispatched_state_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["station", "status", "-reported_at"], name="case_station_status"),
            models.Index(fields=["reported_at"], name="case_reported_at"),
            models.Index(fields=["lead_department", "status"], name="case_lead_status"),
            models.Index(fields=["category", "reported_at"], name="case_category_reported"),
            models.Index(fields=["grid", "reported_at"], name="case_grid_reported"),
            # Sweeps look only at open deadlines: partial indexes keep them small.
            models.Index(fields=["accept_due_at"], condition=Q(status="reported"), name="case_accept_due_open"),
            models.Index(
                fields=["handle_due_at"],
                condition=Q(status__in=["dispatched", "in_progress"]),
                name="case_handle_due_open",
            ),
            models.Index(fields=["feedback_due_at"], condition=Q(status="resolved"), name="case_feedback_due_open"),
            models.Index(
                fields=["accept_next_rung_at"],
                condition=Q(status="reported", accept_next_rung_at__isnull=False),
                name="case_accept_rung_due",
            ),
            models.Index(
                fields=["handle_next_rung_at"],
                condition=Q(
                    status__in=["dispatched", "in_progress"], held_at__isnull=True, handle_next_rung_at__isnull=False
                ),
                name="case_handle_rung_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs) -> None:
        # updated_at is stamped on every save, like auto_now, but from the services' clock.
        self.updated_at = clock.now()
        super().save(*args, **kwargs)


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", _("申请人/反映人")
    RESPONDENT = "respondent", _("被申请人/被反映人")
    OTHER = "other", _("其他当事人")


class Party(models.Model):
    """A person involved in a case. Name, phone and ID number are personal data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("案件"))
    role = models.CharField(_("身份"), max_length=15, choices=PartyRole.choices, default=PartyRole.OTHER)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, validators=[validate_id_number])
    address = models.CharField(_("住址"), max_length=200, blank=True)
    organization = models.CharField(_("单位/企业"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_number="") | Q(id_number__regex=ID_NUMBER_PATTERN), name="party_id_number_format"
            ),
        ]
        indexes = [models.Index(fields=["phone"], name="party_phone", condition=~Q(phone=""))]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class AttachmentPurpose(models.TextChoices):
    REPORT = "report", _("上报照片")
    EVIDENCE = "evidence", _("办结佐证")
    MINUTES = "minutes", _("调处笔录")
    OTHER = "other", _("其他")


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("案件"))
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    purpose = models.CharField(
        _("用途"), max_length=10, choices=AttachmentPurpose.choices, default=AttachmentPurpose.OTHER
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["case", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


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
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("部门")
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


class CaseEvent(models.Model):
    """Append-only audit row for every change of a case (流转记录). Never updated or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("案件"))
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    action = models.CharField(_("动作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    reason = models.TextField(_("理由/说明"), blank=True)
    payload = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["case", "id"]
        indexes = [
            models.Index(fields=["case", "id"], name="case_event_case"),
            models.Index(fields=["action", "created_at"], name="case_event_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("CaseEvent rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("CaseEvent rows are append-only")


class MediationOutcome(models.TextChoices):
    AGREEMENT = "agreement", _("达成协议")
    NO_AGREEMENT = "no_agreement", _("未达成协议")
    CONTINUE = "continue", _("继续调处")


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


class Feedback(models.Model):
    """The reporter's verdict on a resolution; one row per round (a rework brings another)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedbacks", verbose_name=_("案件"))
    result = models.CharField(_("评价"), max_length=15, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), max_length=NOTE_MAX_LENGTH, blank=True)
    given_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("反馈人")
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("反馈")
        verbose_name_plural = _("反馈")
        ordering = ["case", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(result="dissatisfied") | ~Q(comment=""), name="feedback_dissatisfied_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(result="default") | Q(given_by__isnull=True), name="feedback_default_has_no_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_result_display()}"
