"""Field syntax and output shapes of the follow-up API (no rules here: services.py)."""

from rest_framework import serializers

from healthloop.assessment.models import Colour, Disease
from healthloop.followup.models import (
    EndReason,
    FollowUpPlan,
    FollowUpRecord,
    FollowUpTask,
    FollowUpTemplate,
    Method,
    Outcome,
    TaskTransfer,
)


class StaffRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.display_name or user.username


class PersonRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    org_unit = serializers.SerializerMethodField()

    def get_org_unit(self, person) -> str:
        return person.org_unit.name if person.org_unit_id else ""


class TaskSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    plan = serializers.UUIDField(source="plan.uuid")
    assignee = StaffRefSerializer(allow_null=True)
    disease_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    risk_colour = serializers.CharField(allow_null=True, default=None)

    class Meta:
        model = FollowUpTask
        fields = ["uuid", "plan", "person", "disease", "disease_label", "sequence", "status",
                  "status_label", "due_date", "window_start", "window_end", "interval_days",
                  "method", "talking_points", "questionnaire", "shortened", "assignee",
                  "call_back_on", "remind_on", "reminded_at", "overdue_at", "escalated_at",
                  "completed_at", "completed_on", "timing", "outcome", "risk_colour"]  # fmt: skip

    def get_disease_label(self, task) -> str:
        return dict(Disease.choices).get(task.disease, task.disease)


class RecordSerializer(serializers.ModelSerializer):
    recorded_by = StaffRefSerializer(allow_null=True)
    next_task = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpRecord
        fields = ["uuid", "outcome", "contacted", "method", "contacted_at", "note", "snooze_days",
                  "call_back_on", "end_reason_code", "end_reason", "measurements",
                  "encounter_uuid", "questionnaire_response_uuid", "poor_control", "next_task",
                  "recorded_by", "created_at"]  # fmt: skip

    def get_next_task(self, record) -> dict | None:
        task = record.next_task
        if task is None:
            return None
        return {"uuid": str(task.uuid), "due_date": task.due_date.isoformat(),
                "interval_days": task.interval_days, "shortened": task.shortened}  # fmt: skip


class TransferSerializer(serializers.ModelSerializer):
    from_user = StaffRefSerializer(allow_null=True)
    to_user = StaffRefSerializer()
    by = StaffRefSerializer(allow_null=True)

    class Meta:
        model = TaskTransfer
        fields = ["from_user", "to_user", "by", "reason", "at"]


class TaskDetailSerializer(TaskSerializer):
    records = RecordSerializer(many=True)
    transfers = TransferSerializer(many=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "records", "transfers"]


class MeasurementSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="SBP, DBP, WEIGHT, GLU … (catalog)")
    value = serializers.CharField(max_length=40)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class FollowUpQuestionnaireSerializer(serializers.Serializer):
    """Answers to an instrument given during a follow-up contact."""

    instrument = serializers.CharField(max_length=30)
    answers = serializers.JSONField()


class ResultInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    method = serializers.ChoiceField(choices=Method.choices, required=False, allow_blank=True)
    contacted_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    snooze_days = serializers.IntegerField(required=False, allow_null=True)
    call_back_on = serializers.DateField(required=False, allow_null=True)
    end_reason_code = serializers.ChoiceField(
        choices=EndReason.choices, required=False, allow_blank=True
    )
    end_reason = serializers.CharField(required=False, allow_blank=True, default="")
    measurements = MeasurementSerializer(many=True, required=False, default=list)
    questionnaire = FollowUpQuestionnaireSerializer(required=False, allow_null=True)


class ResultOutputSerializer(serializers.Serializer):
    record = RecordSerializer()
    task = TaskSerializer()


class ReassignSerializer(serializers.Serializer):
    assignee = serializers.CharField(help_text="username of the staff member")
    reason = serializers.CharField(max_length=300)
    whole_plan = serializers.BooleanField(required=False, default=False)


class PlanSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    assignee = StaffRefSerializer(allow_null=True)
    open_tasks = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpPlan
        fields = ["uuid", "person", "disease", "level", "source", "status", "interval_days",
                  "method", "assignee", "note", "consecutive_lost", "created_at", "ended_at",
                  "end_reason", "open_tasks"]  # fmt: skip

    def get_open_tasks(self, plan) -> list[dict]:
        return [
            {"uuid": str(t.uuid), "due_date": t.due_date.isoformat(), "status": t.status}
            for t in plan.tasks.all()
            if t.status in ("pending", "in_progress", "overdue")
        ]


class PlanCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    disease = serializers.ChoiceField(choices=Disease.choices)
    level = serializers.ChoiceField(choices=Colour.choices, required=False, allow_blank=True)
    interval_days = serializers.IntegerField(required=False, allow_null=True)
    method = serializers.ChoiceField(choices=Method.choices, required=False, allow_blank=True)
    assignee = serializers.CharField(required=False, allow_blank=True)
    first_due = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpTemplate
        fields = ["id", "disease", "level", "interval_days", "window_share", "method",
                  "talking_points", "questionnaire", "reminder_days_before", "poor_control",
                  "active", "origin", "pending_default", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "disease", "level", "origin", "pending_default", "updated_at"]


class StatsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    return_days = serializers.IntegerField(required=False)
    disease = serializers.ChoiceField(choices=Disease.choices, required=False, allow_blank=True)
