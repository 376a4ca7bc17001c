"""Export records in admin: read-only, who exported what, when, with which filters, how many rows."""

from django.contrib import admin

from exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ("requested_at", "requested_by", "title", "kind", "status", "row_count")
    list_filter = ("kind", "status")
    search_fields = ("title", "requested_by__username", "requested_by__display_name")
    date_hierarchy = "requested_at"
    list_select_related = ("requested_by",)
    # The file is not offered here: a download goes through the requester's own link only.
    fields = ("requested_by", "requested_at", "kind", "title", "filters", "status", "row_count", "finished_at", "error")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
