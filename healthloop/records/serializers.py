from rest_framework import serializers

from healthloop.records.models import Encounter, ExamItem, ItemRange, Observation


class ObservationSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", default=None)
    item_name = serializers.CharField(source="item.name_zh", default=None)
    category = serializers.CharField(source="item.category", default=None)
    loinc = serializers.CharField(source="item.loinc", default=None)
    value = serializers.SerializerMethodField()

    class Meta:
        model = Observation
        fields = [
            "uuid",
            "item_code",
            "item_name",
            "category",
            "loinc",
            "code_system",
            "code",
            "value",
            "value_num",
            "value_text",
            "value_code",
            "unit",
            "ref_low",
            "ref_high",
            "ref_text",
            "flag",
            "effective_at",
            "status",
        ]

    def get_value(self, obs: Observation) -> str:
        if obs.value_num is not None:
            decimals = obs.item.decimals if obs.item else 2
            return f"{obs.value_num:.{decimals}f}"
        return obs.value_code or obs.value_text


class EncounterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Encounter
        fields = [
            "uuid",
            "kind",
            "occurred_at",
            "facility",
            "department",
            "exam_package",
            "summary",
            "source_system",
        ]


class TimelineEntrySerializer(serializers.Serializer):
    encounter = EncounterSerializer()
    observations = ObservationSerializer(many=True)


class HistoryPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Observation
        fields = [
            "effective_at",
            "value_num",
            "value_code",
            "value_text",
            "unit",
            "flag",
            "ref_low",
            "ref_high",
            "status",
        ]


class ItemRangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemRange
        fields = ["sex", "age_min", "age_max", "low", "high"]


class ExamItemSerializer(serializers.ModelSerializer):
    ranges = ItemRangeSerializer(many=True)

    class Meta:
        model = ExamItem
        fields = [
            "code",
            "name_zh",
            "name_en",
            "category",
            "loinc",
            "value_type",
            "unit",
            "decimals",
            "critical_low",
            "critical_high",
            "answers",
            "ranges",
        ]
