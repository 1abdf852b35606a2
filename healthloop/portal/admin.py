from django.contrib import admin

from healthloop.audit.admin_views import PersonDataAdmin
from healthloop.portal.models import BindCode


@admin.register(BindCode)
class BindCodeAdmin(PersonDataAdmin):
    """Read-only: when codes were asked for and how they were used (never the code)."""

    list_display = ("created_at", "person", "attempts", "expires_at", "consumed_at", "client_ip")
    readonly_fields = [f.name for f in BindCode._meta.fields]

    def has_add_permission(self, request):
        return False
