from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from healthloop.accounts.models import RolePermissionOverride, User
from healthloop.accounts.permissions import effective_permissions
from healthloop.accounts.services import set_role_permissions


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("HealthLoop", {"fields": ("role", "display_name", "department")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("HealthLoop", {"fields": ("role", "display_name", "department")}),
    )


@admin.register(RolePermissionOverride)
class RolePermissionOverrideAdmin(admin.ModelAdmin):
    """Administrators add or remove a permission of a role here or through the API; either way
    the change goes through ``set_role_permissions`` (checked and audited)."""

    list_display = ("role", "perm", "granted", "changed_by", "changed_at")
    list_filter = ("role", "granted")
    fields = ("role", "perm", "granted")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def _apply(self, request, role: str, perm: str, granted: bool) -> None:
        wanted = set(effective_permissions(role))
        (wanted.add if granted else wanted.discard)(perm)
        set_role_permissions(actor=request.user, role=role, permissions=sorted(wanted),
                             request=request)  # fmt: skip

    def save_model(self, request, obj, form, change):
        self._apply(request, obj.role, obj.perm, obj.granted)
        saved = RolePermissionOverride.objects.filter(role=obj.role, perm=obj.perm).first()
        obj.pk = saved.pk if saved else None

    def delete_model(self, request, obj):
        self._apply(request, obj.role, obj.perm, not obj.granted)

    def delete_queryset(self, request, queryset):
        for obj in list(queryset):
            self.delete_model(request, obj)
