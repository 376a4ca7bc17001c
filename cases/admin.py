"""Admin for the case taxonomy and its rules, and a read-only window on case data.

Categories, keyword rules and time limits are configuration: admins edit them here. Everything
that happens to a case changes only through the lifecycle services, which lock, check and audit;
admin shows that data read-only (and CaseEvent is append-only in the model as well). Personal
data is shown masked (an admin configures; they work no case: ``cases.privacy`` grants them
nothing), and the view log (个人信息查阅记录) is read here, filtered by user and case.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.masking import mask_address, mask_id_number, mask_name, mask_phone
from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Category,
    Extension,
    Feedback,
    Hold,
    KeywordRule,
    MediationParticipant,
    MediationSession,
    Party,
    PersonalDataAccess,
    ReturnRequest,
    SlaRule,
    Summons,
    Supervision,
)

# --- Configuration ---------------------------------------------------------------------------


class CategoryListFilter(admin.SimpleListFilter):
    """Filter by category, labelled "大类 / 小类" without a query per choice."""

    title = _("类别")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(category.pk, str(category)) for category in Category.objects.select_related("parent")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(category_id=self.value())
        return queryset


class ParentCategoryListFilter(admin.SimpleListFilter):
    """Filter categories by their 大类; the choices are the top-level categories only."""

    title = _("所属大类")
    parameter_name = "parent"

    def lookups(self, request, model_admin):
        return [(category.pk, str(category)) for category in Category.objects.filter(parent__isnull=True)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


class KeywordRuleInline(admin.TabularInline):
    model = KeywordRule
    extra = 0
    fields = ("keyword", "weight", "is_active")


class SlaRuleInline(admin.TabularInline):
    model = SlaRule
    extra = 0
    fields = (
        "urgency",
        "accept_amount",
        "accept_unit",
        "sign_amount",
        "sign_unit",
        "handle_amount",
        "handle_unit",
        "feedback_amount",
        "feedback_unit",
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "code", "parent", "owner", "clarity", "complexity", "sort_order", "is_active")
    list_filter = ("clarity", "complexity", "is_active", ParentCategoryListFilter, "owner")
    search_fields = ("code", "name", "parent__name")
    autocomplete_fields = ("parent", "owner")
    filter_horizontal = ("co_departments",)
    list_select_related = ("parent__parent", "owner")
    inlines = (KeywordRuleInline, SlaRuleInline)


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ("keyword", "category", "weight", "is_active")
    list_filter = ("is_active", CategoryListFilter)
    search_fields = ("keyword", "category__name")
    autocomplete_fields = ("category",)
    list_select_related = ("category__parent",)


def _amount(amount: int | None, unit_label: str) -> str:
    return f"{amount} {unit_label}"


@admin.register(SlaRule)
class SlaRuleAdmin(admin.ModelAdmin):
    list_display = ("scope", "urgency", "accept", "sign", "handle", "feedback")
    list_filter = ("urgency", CategoryListFilter)
    search_fields = ("category__name", "category__code")
    autocomplete_fields = ("category",)
    list_select_related = ("category__parent",)

    @admin.display(description=_("类别"), ordering="category__code")
    def scope(self, obj: SlaRule) -> str:
        return str(obj.category) if obj.category_id else _("全区默认")

    @admin.display(description=_("受理时限"))
    def accept(self, obj: SlaRule) -> str:
        return _amount(obj.accept_amount, obj.get_accept_unit_display())

    @admin.display(description=_("签收时限"))
    def sign(self, obj: SlaRule) -> str:
        return _amount(obj.sign_amount, obj.get_sign_unit_display())

    @admin.display(description=_("办理时限"))
    def handle(self, obj: SlaRule) -> str:
        if obj.handle_amount is None:
            return _("按类别")
        return _amount(obj.handle_amount, obj.get_handle_unit_display())

    @admin.display(description=_("反馈时限"))
    def feedback(self, obj: SlaRule) -> str:
        return _amount(obj.feedback_amount, obj.get_feedback_unit_display())


# --- Case data: read-only ---------------------------------------------------------------------


class ReadOnlyMixin:
    """Nobody adds, changes or deletes case data in admin: the lifecycle services own it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)

    def get_readonly_fields(self, request, obj=None):
        # Every column is display-only, including non-editable ones such as created_at.
        return self.fields


class MaskedPartyMixin:
    @admin.display(description=_("姓名"))
    def masked_name(self, obj: Party) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("住址"))
    def masked_address(self, obj: Party) -> str:
        return mask_address(obj.address)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Party) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj: Party) -> str:
        return mask_id_number(obj.id_number)


class PartyInline(MaskedPartyMixin, ReadOnlyInline):
    model = Party
    fields = ("role", "masked_name", "masked_phone", "masked_id_number", "masked_address", "organization")
    show_change_link = False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ("department", "role", "status", "dispatched_at", "sign_due_at", "signed_at", "handle_due_at")
    select_related = ("department",)


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("created_at", "actor", "action", "from_status", "to_status", "reason")
    select_related = ("actor",)
    show_change_link = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "title",
        "station",
        "category",
        "urgency",
        "status",
        "ladder",
        "lead_department",
        "reported_at",
    )
    list_filter = ("status", "urgency", "ladder", "source", "dispatch_mode", "station", CategoryListFilter)
    search_fields = ("number", "title", "external_id")
    date_hierarchy = "reported_at"
    list_select_related = ("station", "category__parent", "lead_department")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "station",
                    "grid",
                    "source",
                    "external_id",
                    "category",
                    "urgency",
                    "title",
                    "description",
                    "masked_address",
                    ("latitude", "longitude"),
                )
            },
        ),
        (_("状态"), {"fields": ("status", "ladder", "rework_count", "satisfaction", "duplicate_of", "reject_reason")}),
        (
            _("来源联系人"),
            {"fields": ("reporter", "masked_reporter_name", "masked_reporter_phone", "reporter_confidential")},
        ),
        (_("分拨"), {"fields": ("dispatch_mode", "lead_department", "dispatch_plan", "dispatch_override")}),
        (
            _("时间"),
            {
                "fields": (
                    "reported_at",
                    "accepted_at",
                    "dispatched_at",
                    "resolved_at",
                    "closed_at",
                    "held_at",
                    "accept_due_at",
                    "handle_due_at",
                    "feedback_due_at",
                )
            },
        ),
    )
    readonly_fields = ("masked_address", "masked_reporter_name", "masked_reporter_phone")
    inlines = (PartyInline, AssignmentInline, CaseEventInline)

    @admin.display(description=_("地址"))
    def masked_address(self, obj: Case) -> str:
        return mask_address(obj.address)

    @admin.display(description=_("来源联系人"))
    def masked_reporter_name(self, obj: Case) -> str:
        return mask_name(obj.reporter_name)

    @admin.display(description=_("来源联系电话"))
    def masked_reporter_phone(self, obj: Case) -> str:
        return mask_phone(obj.reporter_phone)


@admin.register(Party)
class PartyAdmin(MaskedPartyMixin, ReadOnlyAdmin):
    list_display = ("masked_name", "case", "role", "masked_phone", "masked_id_number", "organization")
    list_filter = ("role",)
    # Not by name: a search would confirm who is a party to what.
    search_fields = ("case__number", "organization")
    list_select_related = ("case",)
    fields = ("case", "role", "masked_name", "masked_phone", "masked_id_number", "masked_address", "organization")
    readonly_fields = ("masked_name", "masked_phone", "masked_id_number", "masked_address")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "case", "purpose", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("purpose",)
    search_fields = ("case__number", "original_name")
    list_select_related = ("case", "uploaded_by")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = (
        "case",
        "department",
        "role",
        "status",
        "dispatched_at",
        "sign_due_at",
        "signed_at",
        "handle_due_at",
    )
    list_filter = ("role", "status", "department")
    search_fields = ("case__number", "case__title")
    date_hierarchy = "dispatched_at"
    list_select_related = ("case", "department")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "action", "from_status", "to_status", "actor")
    list_filter = ("action",)
    search_fields = ("case__number", "action", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("case", "actor")


class MediationParticipantInline(ReadOnlyInline):
    model = MediationParticipant
    fields = ("role", "shown_name", "department", "organization", "attended")
    select_related = ("department",)
    show_change_link = False

    @admin.display(description=_("姓名"))
    def shown_name(self, obj: MediationParticipant) -> str:
        return privacy.shown_participant_name(obj, privacy.MASKED)


@admin.register(MediationSession)
class MediationSessionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "scheduled_at", "place", "status", "outcome")
    list_filter = ("status", "outcome")
    search_fields = ("case__number", "place")
    date_hierarchy = "scheduled_at"
    list_select_related = ("case",)
    inlines = (MediationParticipantInline,)


@admin.register(Summons)
class SummonsAdmin(ReadOnlyAdmin):
    list_display = ("case", "presence", "liaison_officer", "status", "created_at", "acknowledged_at")
    list_filter = ("status", "presence__department")
    search_fields = ("case__number",)
    list_select_related = ("case", "presence__station", "presence__department", "liaison_officer")


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ("case", "level", "deadline", "due_at", "created_by", "created_at", "responded_at")
    list_filter = ("level", "deadline")
    search_fields = ("case__number", "message")
    date_hierarchy = "created_at"
    list_select_related = ("case", "created_by")


class ChiefDecisionAdmin(ReadOnlyAdmin):
    list_display = ("case", "department", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("case__number", "reason")
    list_select_related = ("case", "assignment__department", "requested_by", "decided_by")

    @admin.display(description=_("部门"), ordering="assignment__department__code")
    def department(self, obj) -> str:
        return str(obj.assignment.department)


@admin.register(Extension)
class ExtensionAdmin(ChiefDecisionAdmin):
    list_display = (
        "case",
        "department",
        "status",
        "previous_due_at",
        "requested_due_at",
        "requested_by",
        "decided_by",
        "decided_at",
    )


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ChiefDecisionAdmin):
    pass


@admin.register(Hold)
class HoldAdmin(ChiefDecisionAdmin):
    list_display = (*ChiefDecisionAdmin.list_display, "started_at", "ended_at")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("case", "result", "given_by", "created_at")
    list_filter = ("result",)
    search_fields = ("case__number", "comment")
    list_select_related = ("case", "given_by")


# --- The view log: read-only, append-only ------------------------------------------------------


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """个人信息查阅记录 (issue 13 item 3): who saw which case's personal data in full, downloaded
    which file, exported what. Filter by user (the sidebar) and by case (search its number, or
    follow ``?case__id__exact=<id>``)."""

    list_display = ("at", "user", "case", "kind", "channel", "shown_fields", "detail", "rows")
    list_filter = ("kind", ("user", admin.RelatedOnlyFieldListFilter), "channel")
    search_fields = ("case__number", "user__username", "user__display_name", "detail")
    date_hierarchy = "at"
    list_select_related = ("user", "case")
    fields = ("at", "user", "case", "kind", "channel", "shown_fields", "detail", "rows")
    readonly_fields = fields

    @admin.display(description=_("查阅内容"))
    def shown_fields(self, obj: PersonalDataAccess) -> str:
        # In the policy's order, named as people call them.
        return "、".join(str(label) for kind, label in privacy.FIELD_LABELS.items() if kind in obj.fields)

    def lookup_allowed(self, lookup, value, request=None):
        # Filtering by one case from a link (the case's own admin page links here).
        return lookup in ("case__id__exact", "case") or super().lookup_allowed(lookup, value, request)
