"""Stations, departments and their 4+X presence, grids, people and roles, the working calendar.

User-facing strings are written in Chinese, the product's source language; the English
translation lives in locale/en. A string nobody translated still reads right to the users.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages of settings.LANGUAGES, named for the reader of a form."""

    ZH_HANS = "zh-hans", _("简体中文")
    EN = "en", _("英文")


class User(AbstractUser):
    """A person who signs in: staff of a station, a department, or the district."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    notify_email = models.BooleanField(_("邮件通知"), default=False)
    notify_sms = models.BooleanField(_("短信通知"), default=False)
    # The language of e-mail and SMS copies of notices; in the app, the page's language applies.
    language = models.CharField(_("通知语言"), max_length=10, choices=Language.choices, default=settings.LANGUAGE_CODE)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Workstation(models.Model):
    """One linkage workstation (联动工作站). Users, grids and cases belong to one."""

    code = models.CharField(_("编码"), max_length=8, unique=True, help_text=_("案件编号前缀，如 ZX → ZX-20261128-0007"))
    name = models.CharField(_("名称"), max_length=100, unique=True)
    district = models.CharField(_("所属区县"), max_length=100, blank=True)
    township = models.CharField(_("所属乡镇/街道"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("联动工作站")
        verbose_name_plural = _("联动工作站")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2,8}$"), name="workstation_code_upper_letters"),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A district department (公安分局, 市场监管局 …), shared by every station of the district."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class StationDepartment(models.Model):
    """A department's presence at a station: stationed every day ("4") or on demand ("X")."""

    class Presence(models.TextChoices):
        STATIONED = "stationed", _("常驻（4）")
        LIAISON = "liaison", _("按需入驻（X）")

    station = models.ForeignKey(
        Workstation, on_delete=models.CASCADE, related_name="presences", verbose_name=_("工作站")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="presences", verbose_name=_("部门")
    )
    presence = models.CharField(_("入驻方式"), max_length=10, choices=Presence.choices)
    liaison_officer = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_for",
        verbose_name=_("联络员"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("入驻部门")
        verbose_name_plural = _("入驻部门")
        ordering = ["station", "presence", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["station", "department"], name="station_department_unique"),
            models.CheckConstraint(
                condition=Q(presence__in=["stationed", "liaison"]), name="station_department_presence_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.department} ({self.get_presence_display()})"


class Grid(models.Model):
    """A patrol area of a station. Grid workers own one or more through their membership."""

    station = models.ForeignKey(Workstation, on_delete=models.CASCADE, related_name="grids", verbose_name=_("工作站"))
    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    community = models.CharField(_("所属社区/村"), max_length=100, blank=True)
    center_latitude = models.DecimalField(_("中心纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    center_longitude = models.DecimalField(_("中心经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["station", "code"]
        constraints = [
            models.UniqueConstraint(fields=["station", "code"], name="grid_code_unique_per_station"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    CHIEF = "chief", _("站长/常务副站长")
    HANDLER = "handler", _("部门经办人/联络员")
    MEDIATOR = "mediator", _("调解员")
    LEADER = "leader", _("领导")


class Membership(models.Model):
    """A user's role and its scope.

    - grid_worker: a station and the grids they walk;
    - chief: a station;
    - handler / mediator: a department at a station;
    - leader: the whole district (no station).
    A user may hold several memberships, e.g. a liaison officer at two stations.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    station = models.ForeignKey(
        Workstation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("工作站"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("部门"),
    )
    grids = models.ManyToManyField(Grid, blank=True, related_name="workers", verbose_name=_("负责网格"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]),
                name="membership_role_valid",
            ),
            # Every role but leader belongs to a station; a leader sees the whole district.
            models.CheckConstraint(
                condition=Q(role="leader", station__isnull=True) | (~Q(role="leader") & Q(station__isnull=False)),
                name="membership_station_matches_role",
            ),
            # Handlers and mediators act for a department; nobody else does.
            models.CheckConstraint(
                condition=Q(role__in=["handler", "mediator"], department__isnull=False)
                | (~Q(role__in=["handler", "mediator"]) & Q(department__isnull=True)),
                name="membership_department_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "station", "department"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["station", "role"], name="membership_station_role")]

    def __str__(self) -> str:
        where = self.department or self.station or _("全区")
        return f"{self.user} · {self.get_role_display()} · {where}"


class CalendarDay(models.Model):
    """An official calendar fact for one date: a holiday, or a make-up working day (调休).

    Dates without a row follow the week: Monday–Friday work, weekends rest. Rows are seeded from
    the ``chinesecalendar`` package and corrected by admins (each autumn the State Council
    publishes next year's schedule, after the package's data ends).
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar 导入")
        ADMIN = "admin", _("管理员维护")

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True, help_text=_("如 春节、国庆节调休上班"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.ADMIN)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("休息")
        return f"{self.date} {kind} {self.name}".strip()


class WorkingPeriod(models.Model):
    """One span of working hours in a working day (default 08:30–12:00 and 13:30–17:30)."""

    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("工作时段")
        verbose_name_plural = _("工作时段")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="working_period_end_after_start"),
            models.UniqueConstraint(fields=["start"], name="working_period_start_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
