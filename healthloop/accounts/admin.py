from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from healthloop.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("HealthLoop", {"fields": ("role", "display_name")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("HealthLoop", {"fields": ("role", "display_name")}),
    )
