"""Shapes of the alerts API (field syntax and output only; rules live in services)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from healthloop.alerts.models import Alert, AlertEvent
from healthloop.core.clock import age_on, today
from healthloop.people.models import Person


class AlertPersonSerializer(serializers.ModelSerializer):
    age = serializers.SerializerMethodField()
    org_unit_name = serializers.CharField(source="org_unit.name", default="", read_only=True)

    class Meta:
        model = Person
        fields = ["uuid", "name", "sex", "age", "employee_no", "org_unit_name"]

    def get_age(self, person: Person) -> int | None:
        return age_on(person.birth_date, today()) if person.birth_date else None


class AlertStaffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


def _staff(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": str(user)}


class AlertSerializer(serializers.ModelSerializer):
    person = AlertPersonSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    responsible = serializers.SerializerMethodField()
    org_unit_name = serializers.CharField(source="org_unit.name", default="", read_only=True)
    review_seconds = serializers.FloatField(read_only=True, allow_null=True)
    notify_seconds = serializers.FloatField(read_only=True, allow_null=True)
    edited = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "uuid", "state", "state_label", "severity", "is_urgent", "major_class", "kind",
            "disease", "rule_code", "rule_version", "title", "evidence", "draft_text", "text",
            "edited", "person", "responsible", "routing", "org_unit_name", "created_at",
            "finding_raised_at", "reviewed_at", "dismiss_reason", "notified_at", "read_at",
            "notify_failed_at", "closed_at", "close_note", "escalation_level", "escalated_at",
            "review_seconds", "notify_seconds",
        ]  # fmt: skip

    @extend_schema_field(AlertStaffSerializer(allow_null=True))
    def get_responsible(self, alert: Alert) -> dict[str, Any] | None:
        return _staff(alert.responsible)

    def get_edited(self, alert: Alert) -> bool:
        return alert.text.strip() != alert.draft_text.strip()


class AlertEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AlertEvent
        fields = ["at", "kind", "kind_label", "actor", "detail"]

    @extend_schema_field(AlertStaffSerializer(allow_null=True))
    def get_actor(self, event: AlertEvent) -> dict[str, Any] | None:
        return _staff(event.actor)


class AlertDetailSerializer(AlertSerializer):
    events = AlertEventSerializer(many=True, read_only=True)
    reviewed_by = serializers.SerializerMethodField()

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "reviewed_by", "events"]

    @extend_schema_field(AlertStaffSerializer(allow_null=True))
    def get_reviewed_by(self, alert: Alert) -> dict[str, Any] | None:
        return _staff(alert.reviewed_by)


class EditRequestSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ConfirmRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text="omit for one-click confirm of the current text",
    )  # fmt: skip


class DismissRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=300)


class CloseRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class BulkConfirmRequestSerializer(serializers.Serializer):
    alerts = serializers.ListField(child=serializers.UUIDField(), allow_empty=True)


class BulkConfirmResponseSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    alerts = serializers.ListField(child=serializers.UUIDField())


class TimeSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)


class AlertStatsSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    total = serializers.IntegerField()
    by_state = serializers.DictField(child=serializers.IntegerField())
    by_severity = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField())
    )
    urgent_waiting = serializers.IntegerField()
    escalated = serializers.IntegerField()
    time_to_review = TimeSummarySerializer()
    time_to_notify = TimeSummarySerializer()
