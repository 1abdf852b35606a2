from django.contrib import admin

from healthloop.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_username", "actor_role", "action", "person_uuid")
    list_filter = ("action", "actor_role")
    search_fields = ("actor_username", "person_uuid", "object_id")
    date_hierarchy = "occurred_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
