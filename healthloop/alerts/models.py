"""Alerts: screening findings that need a doctor, their review and their delivery.

- ``Alert`` — one raising of one Finding (a finding resolved then raised again is a new
  alert): the drafted text, the responsible doctor, the lifecycle timestamps
  (new → confirmed / edited / dismissed → notified → read → closed) and the escalation level.
- ``AlertEvent`` — the alert's history (created, escalated, confirmed, …) for the review screen.
- ``RegisterOwner`` — the doctor responsible for a disease register (台账), used to pick the
  responsible doctor when nobody is assigned to the person.
- ``DrainMark`` — the watermarks of the durable drains (findings, notification events).
"""

from django.conf import settings
from django.db import models

from healthloop.assessment.models import Finding
from healthloop.core.models import PublicModel
from healthloop.people.models import OrgUnit, Person

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


class Alert(PublicModel):
    class State(models.TextChoices):
        NEW = "new", "待审核"
        CONFIRMED = "confirmed", "已确认"
        EDITED = "edited", "已修改并确认"
        DISMISSED = "dismissed", "已驳回"
        NOTIFIED = "notified", "已通知"
        READ = "read", "已读"
        CLOSED = "closed", "已关闭"

    class Routing(models.TextChoices):
        ASSIGNMENT = "assignment", "签约/分管医生"
        REGISTER = "register", "台账负责医生"
        DEPARTMENT = "department", "部门管辖医生"
        NONE = "none", "未分配"

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="+")
    finding_raised_at = models.DateTimeField()  # with ``finding``: one alert per raising
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="alerts")
    rule_code = models.CharField(max_length=60)
    rule_version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)
    severity = models.CharField(max_length=10)
    severity_rank = models.PositiveSmallIntegerField()  # 0 critical … 3 low: queue order
    major_class = models.CharField(max_length=1, blank=True)
    disease = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=200)
    evidence = models.JSONField(default=list)
    draft_text = models.TextField(blank=True, verbose_name="系统草拟文本")
    text = models.TextField(blank=True, verbose_name="通知文本")
    is_urgent = models.BooleanField(default=False)  # critical value or class-A major finding
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="responsible_alerts", verbose_name="负责医生",
    )  # fmt: skip
    routing = models.CharField(max_length=12, choices=Routing.choices, default=Routing.NONE)
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_reason = models.CharField(max_length=300, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    notify_failed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_note = models.CharField(max_length=300, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)  # 0 doctor, 1 head, 2 admin
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "finding_raised_at"], name="uniq_alert_raising"
            )
        ]
        indexes = [
            models.Index(fields=["state", "severity_rank", "created_at"], name="alert_queue"),
            models.Index(fields=["person", "state"], name="alert_person"),
            models.Index(fields=["is_urgent", "state", "created_at"], name="alert_urgent"),
            models.Index(fields=["responsible", "state"], name="alert_responsible"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def review_seconds(self) -> float | None:
        if self.reviewed_at is None:
            return None
        return (self.reviewed_at - self.created_at).total_seconds()

    @property
    def notify_seconds(self) -> float | None:
        if self.notified_at is None:
            return None
        return (self.notified_at - self.created_at).total_seconds()

    @classmethod
    def merge_person_rows(cls, survivor: Person, duplicate: Person) -> int:
        """Alerts are history: they move to the survivor as they are."""
        return cls.objects.filter(person=duplicate).update(person=survivor)


class AlertEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", "生成"
        STAFF_NOTIFIED = "staff_notified", "已通知医生"
        ESCALATED = "escalated", "已升级"
        EDITED = "edited", "修改草稿"
        CONFIRMED = "confirmed", "确认"
        DISMISSED = "dismissed", "驳回"
        NOTIFIED = "notified", "已送达"
        NOTIFY_FAILED = "notify_failed", "发送失败"
        READ = "read", "已读"
        CLOSED = "closed", "关闭"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]


class RegisterOwner(models.Model):
    """A doctor responsible for a disease register (e.g. the diabetes clinic's doctor)."""

    disease = models.CharField(max_length=30, verbose_name="病种")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="医生"
    )

    class Meta:
        verbose_name = "台账负责医生"
        verbose_name_plural = "台账负责医生"
        constraints = [
            models.UniqueConstraint(fields=["disease", "staff"], name="uniq_register_owner")
        ]


class DrainMark(models.Model):
    """How far a durable drain has read: a time (findings) or an id (notification events)."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
