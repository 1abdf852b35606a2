"""Interop's own tables: the exam-result import jobs (the import history).

The import logic lives in ``interop/imports/``; the model is here because Django finds an app's
models in ``<app>/models.py``.
"""

from django.conf import settings
from django.db import models

from healthloop.core.models import PublicModel


class ImportJob(PublicModel):
    """One uploaded CSV/Excel file of exam results: who, when, what happened, with what counts.

    Progress for a progress bar is ``rows_processed / rows_total`` (validation is the long
    part; writing is one short transaction). ``errors`` holds the row-level problems for the
    downloadable report, capped at ``IMPORT_MAX_REPORTED_ERRORS``; ``rows_failed`` counts all.
    """

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", "全部成功才导入"
        VALID_ROWS = "valid_rows", "仅导入有效行"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        SUCCEEDED = "succeeded", "导入成功"
        PARTIAL = "partial", "部分导入"
        REJECTED = "rejected", "有错误，未导入"
        FAILED = "failed", "失败"

    FINAL_STATUSES = frozenset({"succeeded", "partial", "rejected", "failed"})

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入人",
    )
    created_by_name = models.CharField(max_length=150, blank=True, verbose_name="导入人")
    file_name = models.CharField(max_length=255, verbose_name="文件名")
    file_format = models.CharField(max_length=10, blank=True, verbose_name="格式")  # csv / xlsx
    file_size = models.PositiveBigIntegerField(default=0, verbose_name="文件大小(字节)")
    encoding = models.CharField(max_length=20, blank=True, verbose_name="编码")
    layout = models.CharField(max_length=10, blank=True)  # long / wide
    # Where the upload waits for the worker (encrypted, deleted when the job ends).
    stored_file = models.CharField(max_length=255, blank=True)
    mode = models.CharField(
        max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING, verbose_name="模式"
    )
    source_system = models.CharField(max_length=40, verbose_name="来源系统")
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.QUEUED,
        db_index=True,
        verbose_name="状态",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0, verbose_name="数据行数")
    rows_processed = models.PositiveIntegerField(default=0, verbose_name="已处理行数")
    rows_imported = models.PositiveIntegerField(default=0, verbose_name="导入行数")
    rows_duplicate = models.PositiveIntegerField(default=0, verbose_name="重复跳过行数")
    rows_failed = models.PositiveIntegerField(default=0, verbose_name="错误行数")
    observations_created = models.PositiveIntegerField(default=0)
    encounters_created = models.PositiveIntegerField(default=0)
    persons_created = models.PositiveIntegerField(default=0)
    persons_touched = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=40, blank=True)  # file-level failure
    error_message = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)  # [{row, column, value, reason, code}]
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINAL_STATUSES

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


# The message-feed tables live in their own module; importing them registers them here.
from healthloop.interop.feed_models import (  # noqa: E402, F401
    CodeMapping,
    InboundMessage,
    InterfaceAlert,
    QuarantinedResult,
)
