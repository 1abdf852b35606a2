"""Tables of the message feeds (HL7 v2 over MLLP, and later others): the archive of every
inbound message (whose failures are the dead-letter store), per-facility code mappings, results
held in quarantine until their code is mapped, and interface alerts.

Imported by ``interop/models.py`` so that Django registers them with the ``interop`` app.
"""

from django.conf import settings
from django.db import models

from healthloop.core.models import PublicModel
from healthloop.people.models import Person
from healthloop.records.models import ExamItem


class InboundMessage(PublicModel):
    """One message as received, byte for byte. Failed ones form the dead-letter store."""

    class Status(models.TextChoices):
        PROCESSED = "processed", "已处理"
        DUPLICATE = "duplicate", "重复消息"
        FAILED = "failed", "处理失败"
        REPROCESSED = "reprocessed", "已重新处理"
        DISCARDED = "discarded", "已废弃"

    channel = models.CharField(max_length=20, default="hl7v2")
    peer = models.CharField(max_length=100, blank=True)
    sending_app = models.CharField(max_length=100, blank=True)
    sending_facility = models.CharField(max_length=100, blank=True, db_index=True)
    message_type = models.CharField(max_length=20, blank=True)  # e.g. "ORU^R01"
    control_id = models.CharField(max_length=100, blank=True)
    # Set only on the message that was processed: a second copy with the same key is a
    # duplicate. Null keys do not collide on any supported database.
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    received_at = models.DateTimeField(db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    raw = models.BinaryField()
    charset = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    ack_code = models.CharField(max_length=2, blank=True)
    error_code = models.CharField(max_length=10, blank=True)
    error_text = models.TextField(blank=True)
    error_location = models.CharField(max_length=30, blank=True)
    result_count = models.PositiveIntegerField(default=0)
    quarantined_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=1)
    person_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = "接收消息"
        verbose_name_plural = "接收消息"
        indexes = [models.Index(fields=["channel", "sending_facility", "received_at"])]


class CodeMapping(models.Model):
    """A sending facility's local code for one of our catalog items."""

    sending_facility = models.CharField(max_length=100)
    local_code = models.CharField(max_length=60)
    local_text = models.CharField(max_length=200, blank=True)
    item = models.ForeignKey(ExamItem, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目代码映射"
        verbose_name_plural = "项目代码映射"
        constraints = [
            models.UniqueConstraint(
                fields=["sending_facility", "local_code"], name="uniq_code_mapping"
            )
        ]


class QuarantinedResult(models.Model):
    """A result whose local code is not mapped yet: held, never dropped, released on mapping."""

    class Status(models.TextChoices):
        HELD = "held", "待映射"
        RELEASED = "released", "已入库"

    message = models.ForeignKey(InboundMessage, on_delete=models.PROTECT, related_name="held")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    sending_facility = models.CharField(max_length=100)
    local_code = models.CharField(max_length=60)
    local_text = models.CharField(max_length=200, blank=True)
    coding_system = models.CharField(max_length=60, blank=True)
    payload = models.JSONField()  # what records.services.ObservationInput needs, plus encounter
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "待映射结果"
        verbose_name_plural = "待映射结果"
        indexes = [models.Index(fields=["sending_facility", "local_code", "status"])]


class InterfaceAlert(models.Model):
    """接口中断预警: a feed silent for too long, or failing too often."""

    class Kind(models.TextChoices):
        SILENT = "silent", "接口中断"
        ERROR_RATE = "error_rate", "错误率过高"

    channel = models.CharField(max_length=20)
    sending_facility = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    detail = models.JSONField(default=dict)

    class Meta:
        verbose_name = "接口预警"
        verbose_name_plural = "接口预警"
