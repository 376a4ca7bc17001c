"""Admin for configuration: stations and their 4+X roster, departments, grids, people, calendar."""

from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from workstation.calendar import calendar_warnings
from workstation.models import (
    CalendarDay,
    Department,
    Grid,
    Membership,
    Role,
    StationDepartment,
    User,
    WorkingPeriod,
    Workstation,
)
from workstation.tokens import token_create


class StationDepartmentInline(admin.TabularInline):
    model = StationDepartment
    extra = 0
    fields = ("department", "presence", "liaison_officer", "is_active")
    autocomplete_fields = ("department", "liaison_officer")


class GridInline(admin.TabularInline):
    model = Grid
    extra = 0
    fields = ("code", "name", "community", "center_latitude", "center_longitude", "is_active")


@admin.register(Workstation)
class WorkstationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "district", "township", "is_active")
    list_filter = ("is_active", "district")
    search_fields = ("code", "name", "district", "township")
    inlines = (StationDepartmentInline, GridInline)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "short_name")


@admin.register(StationDepartment)
class StationDepartmentAdmin(admin.ModelAdmin):
    list_display = ("station", "department", "presence", "liaison_officer", "is_active")
    list_filter = ("presence", "is_active", "station", "department")
    search_fields = ("station__name", "department__name", "department__short_name", "liaison_officer__display_name")
    autocomplete_fields = ("station", "department", "liaison_officer")
    list_select_related = ("station", "department", "liaison_officer")


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "station", "community", "is_active")
    list_filter = ("is_active", "station")
    search_fields = ("code", "name", "community", "station__name")
    autocomplete_fields = ("station",)
    list_select_related = ("station",)


class MembershipForm(forms.ModelForm):
    """Checks what the database cannot: the grids are the station's, and only grid workers walk grids."""

    class Meta:
        model = Membership
        fields = ("user", "role", "station", "department", "grids", "is_active")

    def clean(self):
        cleaned = super().clean()
        grids = cleaned.get("grids")
        if not grids:
            return cleaned
        if cleaned.get("role") != Role.GRID_WORKER:
            self.add_error("grids", _("只有网格员负责网格。"))
        elif any(grid.station_id != getattr(cleaned.get("station"), "pk", None) for grid in grids):
            self.add_error("grids", _("负责网格必须属于所选工作站。"))
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "role", "station", "department", "is_active")
    list_filter = ("role", "station", "department", "is_active")
    search_fields = ("user__username", "user__display_name", "user__phone")
    autocomplete_fields = ("user", "station", "department")
    filter_horizontal = ("grids",)
    list_select_related = ("user", "station", "department")


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    fields = ("role", "station", "department", "grids", "is_active")
    autocomplete_fields = ("station", "department")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "phone", "email", "last_name", "first_name")}),
        (_("通知方式"), {"fields": ("notify_email", "notify_sms", "language")}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("个人信息"), {"classes": ("wide",), "fields": ("display_name", "phone", "email")}),
    )
    list_display = ("username", "display_name", "phone", "email", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "notify_email", "notify_sms", "groups")
    search_fields = ("username", "display_name", "phone", "email", "first_name", "last_name")
    inlines = (MembershipInline,)
    actions = ("unlock_logins",)

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock_logins(self, request, queryset):
        """Lift the lockout of the chosen accounts now (axes' reset by username); a locked
        address is lifted under 访问尝试 by deleting its row."""
        lifted = sum(axes_reset(username=user.get_username()) for user in queryset)
        self.message_user(request, _("已解除 %(count)d 条登录锁定记录") % {"count": lifted})

    def get_inlines(self, request, obj):
        # The add page stays Django's short username-and-password form; roles come after.
        return self.inlines if obj else ()


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name", "source")
    list_filter = ("is_workday", "source")
    search_fields = ("name",)
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        # Years without holiday data count Monday–Friday: say so where the admin can fix it.
        if request.method == "GET":
            for warning in calendar_warnings():
                messages.warning(request, warning)
        return super().changelist_view(request, extra_context)


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "start", "end")


# --- API tokens (workstation/tokens.py): a key is shown once, on the page that made it ---------
admin.site.unregister(AuthToken)


class TokenAddForm(forms.ModelForm):
    class Meta:
        model = AuthToken
        fields = ("user",)


@admin.register(AuthToken)
class TokenAdmin(admin.ModelAdmin):
    """Issue and revoke API tokens. The list and the change page show whose token it is and until
    when, never the key or its digest; a new key is shown once, in the message after adding."""

    form = TokenAddForm
    list_display = ("user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__display_name")
    raw_id_fields = ("user",)
    readonly_fields = ("user", "created", "expiry")

    def get_fields(self, request, obj=None):
        return ("user", "created", "expiry") if obj else ("user",)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        token, key = token_create(user=obj.user)
        obj.pk, obj.token_key, obj.created, obj.expiry = token.pk, token.token_key, token.created, token.expiry
        obj._state.adding = False
        messages.warning(
            request,
            _("新令牌（只显示这一次，请立即复制交给使用者）：%(key)s") % {"key": key},
        )
