from django.contrib import admin

from healthloop.alerts.models import RegisterOwner


@admin.register(RegisterOwner)
class RegisterOwnerAdmin(admin.ModelAdmin):
    """Administrators name the doctor responsible for each disease register. Alerts
    themselves are clinical data: they are reviewed in the workbench, not in the admin."""

    list_display = ("disease", "staff")
    list_filter = ("disease",)
    autocomplete_fields = ("staff",)
