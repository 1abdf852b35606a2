"""Admin: rules are read-only here (versions are written through the API services, so every
edit is a dry-run draft); actions dry-run and publish drafts and start a population run whose
progress shows in the 全员筛查 list."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from healthloop.assessment.models import ScreeningRule, ScreeningRun
from healthloop.assessment.rules.services import dry_run_rule, publish_rule
from healthloop.assessment.services import start_population_screening
from healthloop.core.errors import ServiceError


@admin.register(ScreeningRule)
class ScreeningRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title", "kind", "severity", "major_class",
                    "verification", "status", "origin", "published_at")  # fmt: skip
    list_filter = ("status", "kind", "verification", "origin", "major_class")
    search_fields = ("code", "title")
    actions = ("dry_run_drafts", "publish_drafts", "screen_population")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="试运行所选草稿")
    def dry_run_drafts(self, request: HttpRequest, queryset: QuerySet[ScreeningRule]) -> None:
        for rule in queryset.filter(status=ScreeningRule.Status.DRAFT):
            report = dry_run_rule(rule=rule, actor=request.user)
            self.message_user(
                request,
                f"{rule}: 新增 {report['newly_flagged']} 人，"
                f"不再命中 {report['no_longer_flagged']} 人",
            )

    @admin.action(description="发布所选草稿（须已试运行）")
    def publish_drafts(self, request: HttpRequest, queryset: QuerySet[ScreeningRule]) -> None:
        for rule in queryset:
            try:
                publish_rule(rule=rule, actor=request.user)
                self.message_user(request, f"{rule} 已发布，已排队全员重新筛查")
            except ServiceError as exc:
                self.message_user(request, f"{rule}: {exc.message}", level=messages.ERROR)

    @admin.action(description="全员重新筛查")
    def screen_population(self, request: HttpRequest, queryset: QuerySet[ScreeningRule]) -> None:
        run = start_population_screening(actor=request.user, reason="管理后台发起")
        self.message_user(request, f"已排队全员筛查 #{run.pk}，进度见“全员筛查”")


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "done", "total", "percent", "created_at", "finished_at",
                    "reason")  # fmt: skip
    readonly_fields = ("status", "total", "done", "counts", "as_of", "batch_size",
                       "triggered_by", "reason", "created_at", "started_at", "finished_at",
                       "error")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
