"""Append-only audit events: who did what to whose data, when, from where, and why.

Events form a SHA-256 hash chain (see ``chain.py``). Events are inserted unsealed by the
business transaction; the sealer (``seal.py``) links committed events into the chain in short
transactions under the ``AuditChainHead`` lock, the single row that remembers the last link.
``AuditAnomaly`` holds what the anomaly checks found (bulk export, many persons viewed, access
outside working hours, unusual log-in) until an administrator reviews it.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    # seq/prev_hash/hash are empty until the sealer links the event into the chain (``seal.py``):
    # the business transaction inserts the event without touching the chain head.
    seq = models.BigIntegerField(unique=True, null=True, verbose_name="序号")
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")
    occurred_at = models.DateTimeField(db_index=True, verbose_name="时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    actor_department = models.CharField(max_length=100, blank=True)
    # Person ids are kept as plain UUIDs: audit sits below people and never loses a row
    # when a person is merged or deleted.
    person_uuid = models.UUIDField(null=True, db_index=True)
    action = models.CharField(max_length=60, verbose_name="动作")  # dotted past tense
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(null=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        indexes = [
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")


class AuditChainHead(models.Model):
    """One row (pk=1): the last sequence number and hash. Locked by the sealer only."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)


class AuditAnomaly(models.Model):
    class Kind(models.TextChoices):
        BULK_EXPORT = "bulk_export", "批量导出"
        MANY_PERSONS = "many_persons", "短时间内查看大量人员"
        OFF_HOURS = "off_hours", "非工作时间访问"
        BREAK_GLASS = "break_glass", "紧急授权访问"
        UNUSUAL_LOGIN = "unusual_login", "异常登录"

    class Status(models.TextChoices):
        OPEN = "open", "待审核"
        CONFIRMED = "confirmed", "确认违规"
        DISMISSED = "dismissed", "已排除"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    # One anomaly per (kind, actor, window): a re-run of the check never doubles it.
    window_key = models.CharField(max_length=80)
    detected_at = models.DateTimeField()
    first_event_at = models.DateTimeField(null=True)
    last_event_at = models.DateTimeField(null=True)
    event_count = models.PositiveIntegerField(default=0)
    person_count = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "审计异常"
        verbose_name_plural = "审计异常"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "actor_username", "window_key"], name="audit_anomaly_once"
            )
        ]
        indexes = [models.Index(fields=["status", "detected_at"])]


class AnomalyScanCursor(models.Model):
    """One row (pk=1): the last event seq the anomaly scan has looked at."""

    last_seq = models.BigIntegerField(default=0)
    scanned_at = models.DateTimeField(null=True)
