"""Append-only audit events: who did what to whose data, when, from where, and why."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True, verbose_name="时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
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
        indexes = [models.Index(fields=["actor", "occurred_at"])]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
