"""A case, the people in it, its files, its audit trail and the reporter's verdict (DESIGN §2, §4).

A case's status changes in one place only (the lifecycle services); these models hold the data
and the database constraints that keep it sound whatever the caller does.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.masking import mask_name
from cases.models.lengths import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from cases.models.taxonomy import Category, Urgency
from cases.validators import ID_NUMBER_PATTERN, validate_id_number
from governance import clock
from workstation.models import Department, Grid, Workstation

User = settings.AUTH_USER_MODEL


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
    # No index of its own where a composite index below starts with the column (issue 14).
    station = models.ForeignKey(
        Workstation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("工作站"), db_index=False
    )
    grid = models.ForeignKey(
        Grid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("网格"),
        db_index=False,
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.GRID)
    # NULL, not "", for cases born here: the uniqueness per source applies to outside ids only.
    external_id = models.CharField(_("外部编号"), max_length=64, null=True, blank=True)  # noqa: DJ001
    # The report form's key, made when the form is shown: a double tap or a resend from the
    # phone's queue files one case per (reporter, key).
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, editable=False)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("类别"),
        db_index=False,
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("情况描述"), max_length=TEXT_MAX_LENGTH)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REPORTED)
    # Indexed with the grid (case_reporter_grid), which the access gate asks about.
    reporter = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=_("上报人"),
        db_index=False,
    )
    reporter_name = models.CharField(_("来源联系人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("来源联系电话"), max_length=20, blank=True)
    # 匿名/保密举报: the reporter asked that the departments not learn who they are (cases.privacy).
    reporter_confidential = models.BooleanField(_("保密举报"), default=False, help_text=_("上报人身份对承办部门保密"))

    # The dispatch decision: the rule's plan, and the chief's override beside it.
    dispatch_mode = models.CharField(_("分拨方式"), max_length=10, choices=DispatchMode.choices, blank=True)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name=_("主办部门"),
        db_index=False,
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
            # Whether a grid worker filed anything outside their grids (cases.access.scope_of), read
            # from the index alone; also every lookup by reporter (its prefix).
            models.Index(fields=["reporter", "grid"], name="case_reporter_grid"),
            # The lists' orderings (cases.api.filters.CaseOrdering): by last change for everyone, by
            # number within a station (a chief's list), and the few cases on the ladder by date.
            models.Index(fields=["updated_at", "id"], name="case_updated"),
            models.Index(fields=["station", "number"], name="case_station_number"),
            models.Index(fields=["reported_at"], condition=~Q(ladder="none"), name="case_on_ladder_reported"),
            # The supervision board (cases.selectors_oversight): the open cases on the ladder, with
            # all its counts and its order read from this index alone, not from each case's row
            # scattered through the table (the district leader's 9,464 at a million cases: the
            # counts per rung 15 -> 2 ms, the list 92 -> 6 ms).
            models.Index(
                fields=["station", "ladder"],
                include=["id", "status", "accept_due_at", "handle_due_at", "feedback_due_at", "grid", "category"],
                condition=Q(status__in=OPEN_STATUSES, ladder__in=[Ladder.ESCALATED, Ladder.RED, Ladder.YELLOW]),
                name="case_on_board",
            ),
            # The department inbox's tab counts (cases.selectors_inbox): a station's cases with
            # department work open (dispatched, in progress, awaiting feedback), read from this
            # index alone (1,256 of station 1's 83,000 cases at a million; counts 25-34 -> 14 ms).
            models.Index(
                fields=["station", "status"],
                include=["id"],
                condition=Q(status__in=["dispatched", "in_progress", "resolved"]),
                name="case_inbox_open",
            ),
            # The inbox's closed tab (已办结): a department's history, newest closed first, found by
            # walking a station's closed cases in that order until twenty are the department's
            # (117 of them for the busiest department) instead of sorting all 77,000 of the
            # station's (the list 590 -> 6 ms, its page count 119 -> ~45 ms at a million cases).
            models.Index(
                fields=["station", "-closed_at"], include=["id"], condition=Q(status="closed"), name="case_closed"
            ),
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
        # Masked: a string of a party turns up in admin titles, logs and error reports.
        return f"{mask_name(self.name)} ({self.get_role_display()})"


class AttachmentPurpose(models.TextChoices):
    REPORT = "report", _("上报照片")
    EVIDENCE = "evidence", _("办结佐证")
    MINUTES = "minutes", _("调处笔录")
    AGREEMENT = "agreement", _("调解协议书")
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


class CaseEvent(models.Model):
    """Append-only audit row for every change of a case (流转记录). Never updated or deleted."""

    # case_event_case (case, id) serves every lookup by case: no index of its own.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("案件"), db_index=False
    )
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
