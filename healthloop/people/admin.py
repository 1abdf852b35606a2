"""Admin for the organisation tree and staff scopes. Persons are not browsed here: person data
is read through the audited API only."""

from django.contrib import admin

from healthloop.people.models import OrgUnit, StaffScope


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    ordering = ("path",)


@admin.register(StaffScope)
class StaffScopeAdmin(admin.ModelAdmin):
    list_display = ("staff", "org_unit")
    autocomplete_fields = ("org_unit",)
    list_select_related = ("staff", "org_unit")
