"""Import API shapes. Field syntax only; every rule lives in the services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from healthloop.interop.models import ImportJob


class ImportUploadSerializer(serializers.Serializer):
    # Empty files pass here so that the service answers with its own file-level error.
    file = serializers.FileField(
        allow_empty_file=True, help_text="CSV（UTF-8或GBK）或Excel（.xlsx）文件"
    )
    mode = serializers.ChoiceField(
        choices=ImportJob.Mode.choices,
        default=ImportJob.Mode.ALL_OR_NOTHING,
        help_text="all_or_nothing：有任何错误则不导入；valid_rows：仅导入有效行",
    )
    source_system = serializers.RegexField(
        r"^[A-Za-z0-9_.-]{1,40}$",
        required=False,
        help_text="来源系统标识（用于去重），默认 file_import",
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()
    code = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    progress = serializers.SerializerMethodField(help_text="已处理行数占比，0–100")
    errors_count = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "uuid",
            "file_name",
            "file_format",
            "file_size",
            "encoding",
            "layout",
            "mode",
            "source_system",
            "status",
            "status_display",
            "created_by_name",
            "created_at",
            "started_at",
            "finished_at",
            "rows_total",
            "rows_processed",
            "progress",
            "rows_imported",
            "rows_duplicate",
            "rows_failed",
            "observations_created",
            "encounters_created",
            "persons_created",
            "persons_touched",
            "error_code",
            "error_message",
            "errors_count",
            "warnings",
        ]

    def get_progress(self, job: ImportJob) -> int:
        if job.is_finished:
            return 100
        return int(100 * job.rows_processed / job.rows_total) if job.rows_total else 0

    def get_errors_count(self, job: ImportJob) -> int:
        return len(job.errors) + (1 if job.error_message else 0)


class ImportJobDetailSerializer(ImportJobSerializer):
    """The detail adds the first row problems, for a quick look before the download."""

    errors_preview = serializers.SerializerMethodField()

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "errors_preview"]

    @extend_schema_field(RowErrorSerializer(many=True))
    def get_errors_preview(self, job: ImportJob) -> list[dict[str, object]]:
        return list(job.errors[:20])
