from rest_framework import serializers

from healthloop.audit.models import AuditAnomaly, AuditEvent


class AuditQuerySerializer(serializers.Serializer):
    actor = serializers.CharField(required=False, allow_blank=True, max_length=150)
    person = serializers.UUIDField(required=False)
    action = serializers.CharField(required=False, allow_blank=True, max_length=60)
    role = serializers.CharField(required=False, allow_blank=True, max_length=20)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    ip = serializers.IPAddressField(required=False)


class AuditExportQuerySerializer(AuditQuerySerializer):
    # not "format": DRF reserves that query parameter for content negotiation
    file_type = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "seq", "occurred_at", "actor_username", "actor_role", "actor_department",
            "person_uuid", "action", "object_type", "object_id", "fields", "purpose",
            "client_ip", "detail", "hash",
        ]  # fmt: skip


class AnomalySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None)

    class Meta:
        model = AuditAnomaly
        fields = [
            "id", "kind", "kind_label", "status", "actor_username", "window_key",
            "detected_at", "first_event_at", "last_event_at", "event_count", "person_count",
            "summary", "detail", "reviewed_by", "reviewed_at", "review_note",
        ]  # fmt: skip


class AnomalyQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AuditAnomaly.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=AuditAnomaly.Kind.choices, required=False)


class AnomalyReviewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[AuditAnomaly.Status.CONFIRMED, AuditAnomaly.Status.DISMISSED]
    )
    note = serializers.CharField(max_length=500)


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    head_seq = serializers.IntegerField()
    sealed = serializers.IntegerField(help_text="events sealed by this check")
    unsealed = serializers.IntegerField(help_text="committed events not yet in the chain")
    problems = serializers.ListField(child=serializers.DictField())
