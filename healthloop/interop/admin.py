from django.contrib import admin

from healthloop.interop.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: the import history is written by the import service only."""

    list_display = (
        "file_name",
        "status",
        "mode",
        "created_by_name",
        "created_at",
        "rows_total",
        "rows_imported",
        "rows_duplicate",
        "rows_failed",
    )
    list_filter = ("status", "mode", "file_format")
    search_fields = ("file_name", "created_by_name")
    exclude = ("errors",)  # row problems hold result values; download the report instead

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
