"""The notification outbox, its delivery attempts and events, preferences, templates, tokens.

``Notification`` is a transactional outbox: upper layers insert it in the same transaction as
the decision that causes it (``services.enqueue``); the dispatcher claims due rows with a lease,
sends them through a channel adapter and records the answer. ``NotificationEvent`` is the
append-only feed upper layers drain with a watermark on ``id`` (the contract in
docs/notify.md): it is written in the same transaction as each status change.
"""

from django.conf import settings
from django.db import models

from healthloop.core.crypto import EncryptedTextField
from healthloop.core.models import PublicModel, TimestampedModel


class Channel(models.TextChoices):
    INAPP = "inapp", "应用内"
    SMS = "sms", "短信"
    WECHAT = "wechat", "微信公众号"
    WECOM = "wecom", "企业微信"
    EMAIL = "email", "电子邮件"


class Notification(PublicModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        SENT = "sent", "已发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "失败"

    recipient_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    template = models.CharField(max_length=60)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    # The text rendered at enqueue (the inbox shows it); channels may render their own variant.
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    ref = models.CharField(max_length=200, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # The channel plan in fallback order, and where in it the notification is now.
    channels = models.JSONField(default=list)
    channel_index = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    urgent = models.BooleanField(default=False)
    send_at = models.DateTimeField()  # what the caller asked for
    next_attempt_at = models.DateTimeField()  # when the dispatcher may next take it
    attempts = models.PositiveIntegerField(default=0)  # on the current channel
    total_attempts = models.PositiveIntegerField(default=0)
    resend_count = models.PositiveIntegerField(default=0)  # part of the provider key
    # The claim: a worker holds the row until lease_until; a dead worker's lease expires.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, db_index=True)
    # True while the outcome of a send is unknown (claimed and not recorded, or a 5xx): the
    # next attempt asks the provider first where the adapter can, so a retry never sends twice.
    outcome_unknown = models.BooleanField(default=False)
    provider_id = models.CharField(max_length=128, blank=True)
    provider_answer = models.TextField(blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    failed_reason = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_due"),
            models.Index(fields=["recipient_person", "created_at"], name="notify_person_inbox"),
            models.Index(fields=["recipient_user", "created_at"], name="notify_user_inbox"),
            models.Index(fields=["channel", "status", "created_at"], name="notify_stats"),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.channel} ({self.status})"


class DeliveryAttempt(models.Model):
    """One call to a provider (or one look-up of an earlier call whose outcome was unknown)."""

    class Outcome(models.TextChoices):
        SENT = "sent", "已发送"
        DELIVERED = "delivered", "已送达"
        RETRY = "retry", "暂时失败"
        PERMANENT = "permanent", "永久失败"
        FOUND = "found", "查询到已发送"

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attempts_log"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    attempt_no = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=200)
    at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    provider_id = models.CharField(max_length=128, blank=True)
    code = models.CharField(max_length=60, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "at"], name="notify_attempt_rate")]


# Upper layers that follow deliveries (alerts: notified / read times) register a drain under
# this name (core.handoff); every write of NotificationEvent rows nudges it after commit.
EVENTS_DRAIN = "notify.events"


class NotificationEvent(models.Model):
    """Append-only: one row per status change, for upper layers to drain by ``id``."""

    class Kind(models.TextChoices):
        SENT = "sent", "已发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "失败"
        READ = "read", "已读"

    id = models.BigAutoField(primary_key=True)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="events")
    ref = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class NotificationPreference(TimestampedModel):
    """How one person or one staff member wants to be reached (notify-owned, optional).

    ``Person.preferred_channel`` stays the first choice for persons; this row adds the fallback
    order, quiet hours, language and the addresses the person index does not hold.
    """

    person = models.OneToOneField(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_preference",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_preference",
    )
    channels = models.JSONField(default=list, blank=True)  # fallback order; [] = defaults
    language = models.CharField(max_length=10, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = EncryptedTextField(blank=True)  # staff; persons use Person.phone
    wecom_userid = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, user__isnull=True)
                | models.Q(person__isnull=True, user__isnull=False),
                name="notify_pref_one_owner",
            )
        ]


class MessageTemplate(TimestampedModel):
    """An administrator's override of a shipped template text (message_templates.yaml)."""

    code = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, blank=True)  # "" = every channel
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()

    class Meta:
        verbose_name = "消息模板"
        verbose_name_plural = "消息模板"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "channel", "language"], name="uniq_notify_template"
            )
        ]


class ProviderToken(models.Model):
    """A provider access token shared by every worker (WeChat and WeCom tokens are global:
    fetching a new one retires the old, so workers must not each keep their own)."""

    name = models.CharField(max_length=100, unique=True)
    value = models.TextField()
    expires_at = models.DateTimeField()
