from django.contrib import admin

from healthloop.records.models import ExamItem, ItemAlias, ItemRange, ItemUnit


class ItemRangeInline(admin.TabularInline):
    model = ItemRange
    extra = 0


class ItemAliasInline(admin.TabularInline):
    model = ItemAlias
    extra = 0


class ItemUnitInline(admin.TabularInline):
    model = ItemUnit
    extra = 0


@admin.register(ExamItem)
class ExamItemAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "name_en",
        "category",
        "loinc",
        "unit",
        "value_type",
        "active",
    )
    list_filter = ("category", "value_type", "active")
    search_fields = ("code", "name_zh", "name_en", "loinc", "aliases__alias")
    inlines = [ItemRangeInline, ItemUnitInline, ItemAliasInline]
