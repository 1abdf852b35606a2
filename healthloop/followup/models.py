"""Follow-up (随访): templates per disease and risk level, plans, tasks and contact records.

- ``FollowUpTemplate``: how often and how a person on a register is contacted, per disease ×
  risk colour. Shipped as YAML (``defaults/templates.yaml``), loaded into the database and
  editable; the loader never overwrites an administrator's edit (``template_loader.py``).
- ``FollowUpPlan``: one person × disease under management. At most one active plan per person
  and disease (a partial unique index where the database has them; the service checks too).
- ``FollowUpTask``: one planned contact with a due date and a window; 待执行 → 进行中 →
  已完成, or 逾期 when the window has passed (an overdue task can still be done, late).
- ``FollowUpRecord``: one contact attempt on a task, with its coded outcome.
- ``TaskTransfer``: who moved a task from whom to whom, and why (also in the audit log).
- ``DrainWatermark``: how far the register-event drain has read.
"""

from django.conf import settings
from django.db import models

from healthloop.core.models import PublicModel, TimestampedModel
from healthloop.people.models import Person


class Method(models.TextChoices):
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    WECHAT = "wechat", "微信"
    CLINIC = "clinic", "门诊"
    HOME = "home", "家访"


class FollowUpTemplate(TimestampedModel):
    class Origin(models.TextChoices):
        YAML = "yaml", "系统默认(YAML)"
        ADMIN = "admin", "管理员编辑"

    disease = models.CharField(max_length=30, verbose_name="病种")
    level = models.CharField(max_length=10, verbose_name="风险等级")
    interval_days = models.PositiveIntegerField(verbose_name="随访间隔(天)")
    window_share = models.FloatField(default=0.2, verbose_name="窗口(间隔的比例)")
    method = models.CharField(max_length=10, choices=Method.choices, verbose_name="随访方式")
    talking_points = models.TextField(blank=True, verbose_name="随访要点")
    questionnaire = models.CharField(max_length=30, blank=True, verbose_name="问卷")
    reminder_days_before = models.PositiveIntegerField(default=3, verbose_name="提前提醒(天)")
    # {"any": [{"item": "SBP", "gte": 140}, ...], "interval_days": 14, "source": "..."}
    poor_control = models.JSONField(default=dict, blank=True, verbose_name="控制不佳规则")
    active = models.BooleanField(default=True, verbose_name="启用")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.YAML)
    yaml_hash = models.CharField(max_length=64, blank=True)
    # A newer YAML default for a template an administrator edited: shown, never applied.
    pending_default = models.JSONField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "随访模板"
        verbose_name_plural = "随访模板"
        ordering = ["disease", "level"]
        constraints = [
            models.UniqueConstraint(fields=["disease", "level"], name="uniq_followup_template")
        ]

    def __str__(self) -> str:
        return f"{self.disease}/{self.level}"


class FollowUpPlan(PublicModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "管理中"
        ENDED = "ended", "已终止"

    class Source(models.TextChoices):
        REGISTER = "register", "纳入台账自动生成"
        MANUAL = "manual", "手工建立"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="followup_plans")
    disease = models.CharField(max_length=30, verbose_name="病种")
    level = models.CharField(max_length=10, blank=True, verbose_name="建立时风险等级")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # A fixed interval chosen by hand; null → the template of the current risk level decides.
    interval_days = models.PositiveIntegerField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    register_event_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consecutive_lost = models.PositiveIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "随访计划"
        verbose_name_plural = "随访计划"
        constraints = [
            # Ignored on MariaDB (no partial indexes): services.plans checks under a lock too.
            models.UniqueConstraint(
                fields=["person", "disease"],
                condition=models.Q(status="active"),
                name="one_active_followup_plan",
            )
        ]
        indexes = [models.Index(fields=["person", "disease", "status"])]

    @classmethod
    def merge_person_rows(cls, survivor: Person, duplicate: Person) -> int:
        """Plans move; where both persons have an active plan for a disease, the duplicate's
        ends (its open tasks are cancelled) so that one plan per disease stays active. Tasks
        and records are re-pointed by people.services.merge_persons like any other FK."""
        from django.utils import timezone

        active = set(
            cls.objects.filter(person=survivor, status=cls.Status.ACTIVE).values_list(
                "disease", flat=True
            )
        )
        clash = cls.objects.filter(person=duplicate, status=cls.Status.ACTIVE, disease__in=active)
        FollowUpTask.objects.filter(plan__in=clash, status__in=OPEN_STATES).update(
            status=FollowUpTask.Status.CANCELLED
        )
        clash.update(status=cls.Status.ENDED, ended_at=timezone.now(), end_reason="重复人员合并")
        return cls.objects.filter(person=duplicate).update(person=survivor)


class Timing(models.TextChoices):
    EARLY = "early", "提前"
    ON_TIME = "on_time", "按时"
    LATE = "late", "延迟"
    OVERDUE = "overdue", "逾期"


class FollowUpTask(PublicModel):
    class Status(models.TextChoices):
        PENDING = "pending", "待执行"
        IN_PROGRESS = "in_progress", "进行中"
        DONE = "done", "已完成"
        OVERDUE = "overdue", "逾期"
        CANCELLED = "cancelled", "已取消"

    plan = models.ForeignKey(FollowUpPlan, on_delete=models.PROTECT, related_name="tasks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="followup_tasks")
    disease = models.CharField(max_length=30)
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    due_date = models.DateField(verbose_name="应随访日期")
    window_start = models.DateField()
    window_end = models.DateField()
    interval_days = models.PositiveIntegerField()
    method = models.CharField(max_length=10, choices=Method.choices)
    talking_points = models.TextField(blank=True)
    questionnaire = models.CharField(max_length=30, blank=True)
    shortened = models.BooleanField(default=False, verbose_name="因控制不佳缩短间隔")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    call_back_on = models.DateField(null=True, blank=True, verbose_name="约定再次联系日期")
    remind_on = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    timing = models.CharField(max_length=10, choices=Timing.choices, blank=True)
    outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "随访任务"
        verbose_name_plural = "随访任务"
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="uniq_task_sequence")
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="followup_task_queue"),
            models.Index(fields=["assignee", "status", "due_date"], name="followup_task_mine"),
            models.Index(fields=["status", "window_end"], name="followup_task_overdue"),
        ]


OPEN_STATES = (
    FollowUpTask.Status.PENDING,
    FollowUpTask.Status.IN_PROGRESS,
    FollowUpTask.Status.OVERDUE,
)


class Outcome(models.TextChoices):
    AGREED_TO_COME = "agreed_to_come", "同意来院"
    CALL_LATER = "call_later", "稍后再联系"
    CONTINUE = "continue", "继续随访"
    LOST = "lost", "暂时失访"
    END = "end", "终止管理"


class EndReason(models.TextChoices):
    DIED = "died", "死亡"
    MOVED = "moved", "迁出/离职"
    REFUSED = "refused", "拒绝随访"
    RECOVERED = "recovered", "已治愈/不再符合"
    MANAGED_ELSEWHERE = "managed_elsewhere", "在他处管理"
    OTHER = "other", "其他"


class FollowUpRecord(PublicModel):
    task = models.ForeignKey(FollowUpTask, on_delete=models.PROTECT, related_name="records")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="followup_records")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    contacted = models.BooleanField()  # reached the person (not lost, not "call later")
    method = models.CharField(max_length=10, choices=Method.choices)
    contacted_at = models.DateTimeField()
    note = models.TextField(blank=True)
    snooze_days = models.PositiveIntegerField(null=True, blank=True)
    call_back_on = models.DateField(null=True, blank=True)
    end_reason_code = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    measurements = models.JSONField(default=list, blank=True)
    encounter_uuid = models.UUIDField(null=True, blank=True)
    questionnaire_response_uuid = models.UUIDField(null=True, blank=True)
    poor_control = models.JSONField(default=list, blank=True)  # the conditions that held
    next_task = models.ForeignKey(
        FollowUpTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "随访记录"
        verbose_name_plural = "随访记录"
        ordering = ["contacted_at", "id"]
        indexes = [models.Index(fields=["contacted", "contacted_at"])]


class TaskTransfer(models.Model):
    task = models.ForeignKey(FollowUpTask, on_delete=models.CASCADE, related_name="transfers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "任务转交"
        verbose_name_plural = "任务转交"
        ordering = ["at", "id"]


class DrainWatermark(models.Model):
    """The last id of an upstream append-only table this app has consumed."""

    name = models.CharField(max_length=60, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
