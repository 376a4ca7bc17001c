"""django-filter sets for every API list, the case list's ordering, and the paginators.

Filters narrow a queryset the access gate already scoped (``visible_cases``); none widens it.
"""

from __future__ import annotations

import operator
from functools import reduce

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.utils.urls import replace_query_param

from cases.access import department_list, scope_of
from cases.api.inputs import MAX_ID, Moment
from cases.models import (
    INACTIVE_ASSIGNMENT_STATUSES,
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Clarity,
    Deadline,
    Ladder,
    MediationSession,
    Source,
    Summons,
    Supervision,
    Urgency,
)
from cases.search import search_cases
from workstation.models import Department, Grid, StationDepartment, Workstation


class MomentField(forms.Field):
    """A date-time query parameter, read exactly as the API reads one in a body (``Moment``): an
    ISO 8601 time within the years the calendar knows, in the server's time zone. So a far year or
    an offset PostgreSQL cannot take (beyond ±15:59) never reaches the database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return Moment().to_internal_value(value)
        except serializers.ValidationError as exc:
            raise forms.ValidationError(exc.detail) from exc


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = MomentField


class IdFilter(filters.NumberFilter):
    """An object id: a whole number a bigint column can hold, else 400 (never a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _BooleanWidget(BooleanWidget):
    """django-filter's widget, but a value it does not know is passed on (to be refused), not
    read as "no filter": ``?open=ture`` would list every case."""

    def value_from_datadict(self, data, files, name):
        known = super().value_from_datadict(data, files, name)
        sent = data.get(name)
        return sent if known is None and sent not in (None, "") else known


class _BooleanField(forms.NullBooleanField):
    def to_python(self, value):
        if isinstance(value, str) and value:  # what the widget did not know
            raise forms.ValidationError(_("须为 true 或 false"), code="invalid")
        return super().to_python(value)


class BooleanFilter(filters.BooleanFilter):
    """``true``/``false`` (or ``1``/``0``); anything else is 400 naming the parameter."""

    field_class = _BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _BooleanWidget)
        super().__init__(*args, **kwargs)


def SearchFilter(help_text: str) -> filters.CharFilter:
    return filters.CharFilter(method="search", max_length=100, label=help_text)


# django-filter's MultipleChoiceFilter adds SELECT DISTINCT by default (for filters across a
# to-many join). Every one here filters a column of the listed row itself, which cannot
# duplicate rows; DISTINCT over every column would stop LIMIT from applying early.
class CaseFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=CaseStatus.choices, label="状态（可多选）", distinct=False)
    open = BooleanFilter(method="filter_open", label="仅未结案件（true）或仅已结束的（false）")
    station = IdFilter(field_name="station_id", label="工作站 id")
    department = IdFilter(method="filter_department", label="部门 id：该部门有有效派单的案件")
    lead_department = IdFilter(field_name="lead_department_id", label="主办部门 id")
    grid = IdFilter(field_name="grid_id", label="网格 id")
    category = IdFilter(method="filter_category", label="类别 id（大类含其小类）")
    source = filters.MultipleChoiceFilter(choices=Source.choices, label="来源（可多选）", distinct=False)
    urgency = filters.MultipleChoiceFilter(choices=Urgency.choices, label="紧急程度（可多选）", distinct=False)
    ladder = filters.MultipleChoiceFilter(choices=Ladder.choices, label="督办等级（可多选）", distinct=False)
    reported_after = MomentFilter(field_name="reported_at", lookup_expr="gte", label="上报时间不早于")
    reported_before = MomentFilter(field_name="reported_at", lookup_expr="lt", label="上报时间早于")
    handle_due_before = MomentFilter(method="filter_handle_due_before", label="办理期限不晚于")
    handle_due_after = MomentFilter(field_name="handle_due_at", lookup_expr="gte", label="办理期限不早于")
    q = SearchFilter("搜索编号、标题、描述、地址")

    class Meta:
        model = Case
        fields = [
            "status",
            "open",
            "station",
            "department",
            "lead_department",
            "grid",
            "category",
            "source",
            "urgency",
            "ladder",
            "reported_after",
            "reported_before",
            "handle_due_before",
            "handle_due_after",
            "q",
        ]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_department(self, queryset, name, value):
        active = Assignment.objects.filter(case=OuterRef("pk"), department_id=value).exclude(
            status__in=INACTIVE_ASSIGNMENT_STATUSES
        )
        return queryset.filter(Exists(active))

    def filter_handle_due_before(self, queryset, name, value):
        """Handling due by ``value``. A case's handling deadline is set at dispatch, after it was
        reported, so such a case was reported before ``value`` too: saying so lets the list's walk
        down the report-time index start at ``value`` instead of skipping the weeks of newer cases
        that are not due yet (88 → ~5 ms at 1,000,000 cases, bench/RESULTS.md)."""
        return queryset.filter(handle_due_at__lte=value, reported_at__lt=value)

    def filter_category(self, queryset, name, value):
        """The category and its sub-categories, as one equality per category id (the ids read
        first, one small query): an index holding category_id serves each, the department's GIN
        index included; the join to the parent it replaces served none (bench/RESULTS.md)."""
        ids = [value, *Category.objects.filter(parent_id=value).values_list("pk", flat=True)]
        return queryset.filter(reduce(operator.or_, (Q(category_id=pk) for pk in ids)))

    # Matches the list reads for a page: the API's page and one more (CasePagination).
    def search_reads(self) -> int:
        size = self.request.GET.get("page_size") if self.request is not None else None
        return (_query_int("page_size", size, max_value=CasePagination.max_page_size) or CasePagination.page_size) + 1

    # The filters on what a case is about or where it came from: a department handles a few
    # categories and sources, so one of these can match few or none of its cases while PostgreSQL
    # assumes the district's proportions and walks the list's order through the whole table.
    ATTRIBUTE_FILTERS = frozenset({"category", "source", "urgency", "grid"})

    @property
    def given(self) -> set[str]:
        """The names of the filters the request set (valid form only)."""
        return {k for k, v in self.form.cleaned_data.items() if v not in (None, "", [], ())}

    def filter_queryset(self, queryset):
        """The filters; for a department's user filtering by what a case is about, the matches
        found before they are ordered (``cases.access.department_list``). Not for the other
        filters: a department's cases are dense in them (its open ones, its own department) and a
        walk in list order finds a page soonest — at 1,000,000 cases fencing those read all of a
        busy department's 14,000 cases (135–280 ms) where the walk took 3–25 ms."""
        filtered = super().filter_queryset(queryset)
        user = getattr(self.request, "user", None)
        given = self.given
        if user is None or not given & self.ATTRIBUTE_FILTERS or "q" in given:
            return filtered
        return department_list(user, filtered)

    def search(self, queryset, name, value):
        # Walking the list's order for a common term (cases.search) pays when the list is the
        # user's whole scope: not when another filter narrows it (status=reported: a walk
        # would pass ~50 cases for each it keeps), nor without a request (an export).
        user = getattr(self.request, "user", None)
        if user is None or self.given - {name}:
            return search_cases(queryset, value)
        return search_cases(queryset, value, scope=scope_of(user), reads=self.search_reads())


class CaseOrdering(OrderingFilter):
    """``?ordering=reported_at|-reported_at|number|-number|updated_at|-updated_at``.

    The id is added as the last key so that rows with equal values keep one order, which the
    cursor paginator needs. Only NOT NULL columns are offered: a cursor cannot point at NULL.
    """

    ordering_fields = ["reported_at", "number", "updated_at"]
    ordering_description = "排序：reported_at、number、updated_at，前加 - 表示倒序；默认 -reported_at"

    def remove_invalid_fields(self, queryset, fields, view, request):
        """An ordering not offered is 400 naming ``ordering``, not ignored in silence."""
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len(fields):
            offered = ", ".join(self.ordering_fields)
            message = _("可按 %(fields)s 排序（前加 - 表示倒序）") % {"fields": offered}
            raise ValidationError({self.ordering_param: [message]})
        return valid

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or ["-reported_at"])
        if not any(term.lstrip("-") in ("id", "pk") for term in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return ordering


def _query_int(name: str, value, *, max_value: int) -> int | None:
    """A paging parameter as a whole number from 1 to ``max_value`` (None when not given), else
    400 naming it. DRF would quietly fall back to a default, or answer 404 for a bad page."""
    field = forms.IntegerField(required=False, min_value=1, max_value=max_value)
    try:
        return field.clean(value)
    except DjangoValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


class PageSizeParameter:
    """``page_size`` from 1 to ``max_page_size``; anything else is 400 (a larger one is not cut
    down in silence: a client that asked for everything would take the first page for it)."""

    def get_page_size(self, request):
        size = _query_int(
            self.page_size_query_param,
            request.query_params.get(self.page_size_query_param),
            max_value=self.max_page_size,
        )
        return size or self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class CasePagination(PageSizeParameter, CursorPagination):
    """Cursor pagination: stable under inserts, no COUNT(*) over a large table.

    The cursor is signed, for the ordering it was made for. DRF's cursor is plain base64 that a
    client can forge or carry over to another ``?ordering=``, with a position that is no value of
    the ordering column (a database error); a cursor this server did not hand out for this
    ordering is 400 instead. (Signed with SECRET_KEY: a rotated key retires open cursors.)
    """

    ordering = ("-reported_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def encode_cursor(self, cursor: Cursor) -> str:
        token = signing.dumps(list(cursor), salt=self._cursor_salt())
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request) -> Cursor | None:
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            return None
        try:
            return Cursor(*signing.loads(token, salt=self._cursor_salt()))
        except signing.BadSignature:
            message = _("翻页游标无效：请使用列表返回的 next 或 previous 链接")
            raise ValidationError({self.cursor_query_param: [message]}) from None

    def _cursor_salt(self) -> str:
        return "cases.api.cursor:" + ",".join(self.ordering)


class PagePagination(PageSizeParameter, PageNumberPagination):
    """Page numbers from 1 to the last page (or ``last``); anything else is 400, not DRF's 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)  # 1 when not given; "last" is the last
        return _query_int(self.page_query_param, number, max_value=paginator.num_pages)


# --- A case's nested lists --------------------------------------------------------------------


class EventFilter(filters.FilterSet):
    action = filters.CharFilter(max_length=30, label="动作，如 dispatch、sign")

    class Meta:
        model = CaseEvent
        fields = ["action"]


class AssignmentFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=AssignmentStatus.choices, distinct=False)
    role = filters.ChoiceFilter(choices=AssignmentRole.choices)
    department = IdFilter(field_name="department_id")

    class Meta:
        model = Assignment
        fields = ["status", "role", "department"]


class MediationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=MediationSession.Status.choices)

    class Meta:
        model = MediationSession
        fields = ["status"]


class SupervisionFilter(filters.FilterSet):
    level = filters.MultipleChoiceFilter(choices=Supervision.Level.choices, distinct=False)
    deadline = filters.ChoiceFilter(choices=Deadline.choices)
    answered = BooleanFilter(field_name="responded_at", lookup_expr="isnull", exclude=True, label="已回复")

    class Meta:
        model = Supervision
        fields = ["level", "deadline", "answered"]


class SummonsFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Summons.Status.choices, distinct=False)

    class Meta:
        model = Summons
        fields = ["status"]


# --- Reference data ---------------------------------------------------------------------------


class CategoryFilter(filters.FilterSet):
    parent = IdFilter(field_name="parent_id", label="大类 id")
    top_level = BooleanFilter(field_name="parent", lookup_expr="isnull", label="仅大类")
    owner = IdFilter(field_name="owner_id", label="主责部门 id")
    clarity = filters.ChoiceFilter(choices=Clarity.choices)
    is_active = BooleanFilter()
    q = SearchFilter("搜索编码、名称")

    class Meta:
        model = Category
        fields = ["parent", "top_level", "owner", "clarity", "is_active", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class DepartmentFilter(filters.FilterSet):
    station = IdFilter(method="filter_station", label="入驻该工作站的部门")
    presence = filters.ChoiceFilter(
        choices=StationDepartment.Presence.choices,
        method="filter_presence",
        label="入驻方式：stationed（4）/ liaison（X）",
    )
    is_active = BooleanFilter()
    q = SearchFilter("搜索编码、名称、简称")

    class Meta:
        model = Department
        fields = ["station", "presence", "is_active", "q"]

    def filter_station(self, queryset, name, value):
        return queryset.filter(Exists(self._presences().filter(station_id=value)))

    def filter_presence(self, queryset, name, value):
        return queryset.filter(Exists(self._presences().filter(presence=value)))

    def _presences(self):
        # Both conditions on the same presence row when both are given.
        presences = StationDepartment.objects.filter(department=OuterRef("pk"), is_active=True)
        station, presence = self.form.cleaned_data.get("station"), self.form.cleaned_data.get("presence")
        if station:
            presences = presences.filter(station_id=station)
        if presence:
            presences = presences.filter(presence=presence)
        return presences

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(short_name__icontains=value))


class StationFilter(filters.FilterSet):
    is_active = BooleanFilter()
    q = SearchFilter("搜索编码、名称、乡镇")

    class Meta:
        model = Workstation
        fields = ["is_active", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(township__icontains=value))


class GridFilter(filters.FilterSet):
    station = IdFilter(field_name="station_id")
    is_active = BooleanFilter()
    q = SearchFilter("搜索编码、名称、社区")

    class Meta:
        model = Grid
        fields = ["station", "is_active", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(community__icontains=value))
