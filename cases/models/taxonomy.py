"""What a case is about and how long each step may take: categories, keywords, time limits."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workstation.models import Department


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
