"""Shapes of the notify API (field syntax only; rules live in services)."""

from rest_framework import serializers

from healthloop.notify.models import Channel, Notification, NotificationPreference


class InboxItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["uuid", "template", "title", "body", "ref", "urgent", "created_at", "read_at"]


class DeliverySerializer(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField()
    recipient_kind = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "uuid",
            "recipient_kind",
            "recipient",
            "template",
            "title",
            "ref",
            "channels",
            "channel",
            "status",
            "urgent",
            "attempts",
            "total_attempts",
            "send_at",
            "next_attempt_at",
            "sent_at",
            "delivered_at",
            "read_at",
            "failed_at",
            "provider_id",
            "failure_code",
            "failed_reason",
            "created_at",
        ]

    def get_recipient_kind(self, obj: Notification) -> str:
        return "person" if obj.recipient_person_id else "staff"

    def get_recipient(self, obj: Notification) -> dict:
        if obj.recipient_person_id:
            return {"uuid": str(obj.recipient_person.uuid), "name": obj.recipient_person.name}
        user = obj.recipient_user
        return {"id": user.pk, "name": str(user)}


class ResendSerializer(serializers.Serializer):
    uuids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=1000)
    all_failed = serializers.BooleanField(default=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)

    def validate(self, attrs):
        if not attrs.get("uuids") and not attrs.get("all_failed"):
            raise serializers.ValidationError({"uuids": "give uuids or all_failed=true"})
        return attrs


class StatsQuerySerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()

    def validate(self, attrs):
        span = (attrs["until"] - attrs["since"]).days
        if span < 0 or span > 92:
            raise serializers.ValidationError({"until": "until must be 0-92 days after since"})
        return attrs


class PreferenceSerializer(serializers.ModelSerializer):
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False
    )
    phone = serializers.CharField(required=False, allow_blank=True, write_only=True)
    phone_masked = serializers.SerializerMethodField()

    class Meta:
        model = NotificationPreference
        fields = [
            "channels",
            "language",
            "quiet_start",
            "quiet_end",
            "email",
            "phone",
            "phone_masked",
            "wecom_userid",
        ]

    def get_phone_masked(self, obj: NotificationPreference) -> str:
        phone = obj.phone or ""
        return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else ""
