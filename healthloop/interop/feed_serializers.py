from rest_framework import serializers

from healthloop.interop.feed_models import InboundMessage, InterfaceAlert


class InboundMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundMessage
        fields = [
            "uuid",
            "channel",
            "peer",
            "sending_app",
            "sending_facility",
            "message_type",
            "control_id",
            "received_at",
            "processed_at",
            "status",
            "ack_code",
            "error_code",
            "error_text",
            "error_location",
            "result_count",
            "quarantined_count",
            "attempts",
        ]


class InboundMessageDetailSerializer(InboundMessageSerializer):
    raw_text = serializers.SerializerMethodField()

    class Meta(InboundMessageSerializer.Meta):
        fields = [*InboundMessageSerializer.Meta.fields, "charset", "raw_text", "person_uuid"]

    def get_raw_text(self, message: InboundMessage) -> str:
        codec = message.charset or "utf-8"
        try:
            return bytes(message.raw).decode(codec, errors="replace")
        except LookupError:
            return bytes(message.raw).decode("utf-8", errors="replace")


class InterfaceAlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterfaceAlert
        fields = ["channel", "sending_facility", "kind", "opened_at", "resolved_at", "detail"]


class FeedStatusSerializer(serializers.Serializer):
    channel = serializers.CharField()
    sending_facility = serializers.CharField()
    last_received_at = serializers.DateTimeField(allow_null=True)
    messages = serializers.IntegerField()
    errors = serializers.IntegerField()
    error_rate = serializers.FloatField()


class HeldCodeSerializer(serializers.Serializer):
    sending_facility = serializers.CharField()
    local_code = serializers.CharField()
    local_text = serializers.CharField()
    held = serializers.IntegerField()


class CodeMappingRequestSerializer(serializers.Serializer):
    sending_facility = serializers.CharField(max_length=100)
    local_code = serializers.CharField(max_length=60)
    local_text = serializers.CharField(max_length=200, required=False, default="")
    item_code = serializers.CharField(max_length=40)
