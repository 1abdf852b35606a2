"""Admin: templates are edited through ``update_template`` (so an edit is marked as the
administrator's and a deploy never overwrites it); plans, tasks and records are read-only, and
reading them is audited (``PersonDataAdmin``)."""

from django.contrib import admin
from django.http import HttpRequest

from healthloop.audit.admin_views import PersonDataAdmin
from healthloop.followup.models import FollowUpPlan, FollowUpRecord, FollowUpTask, FollowUpTemplate
from healthloop.followup.template_loader import EDITABLE, update_template


@admin.register(FollowUpTemplate)
class FollowUpTemplateAdmin(admin.ModelAdmin):
    list_display = ("disease", "level", "interval_days", "method", "window_share",
                    "reminder_days_before", "active", "origin")  # fmt: skip
    list_filter = ("disease", "level", "origin", "active")
    fields = ("disease", "level", *EDITABLE, "origin", "pending_default")
    readonly_fields = ("disease", "level", "origin", "pending_default")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE}
        update_template(template=FollowUpTemplate.objects.get(pk=obj.pk), changes=changes,
                        actor=request.user)  # fmt: skip


class _ReadOnly(PersonDataAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FollowUpPlan)
class FollowUpPlanAdmin(_ReadOnly):
    list_display = ("uuid", "disease", "level", "source", "status", "created_at")
    list_filter = ("disease", "status", "source")


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(_ReadOnly):
    list_display = ("uuid", "disease", "sequence", "status", "due_date", "timing", "assignee")
    list_filter = ("status", "disease", "timing")


@admin.register(FollowUpRecord)
class FollowUpRecordAdmin(_ReadOnly):
    list_display = ("uuid", "outcome", "contacted", "contacted_at")
    list_filter = ("outcome",)
