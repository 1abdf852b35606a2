"""Shapes of the assessment API (field syntax and output only; rules live in services)."""

from rest_framework import serializers

from healthloop.assessment.engine.inputs import QUESTIONNAIRE_MODELS
from healthloop.assessment.models import (
    Assessment,
    Disease,
    Finding,
    RegisterEntry,
    RiskLevel,
    RuleKind,
    ScreeningRule,
    ScreeningRun,
    Severity,
    Verification,
)
from healthloop.core.clock import age_on, today


class PersonRefMixin(serializers.Serializer):
    person = serializers.UUIDField(source="person.uuid", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)


class FindingSerializer(PersonRefMixin, serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["uuid", "person", "person_name", "rule_code", "rule_version", "kind",
                  "severity", "major_class", "disease", "title", "evidence", "advice", "status",
                  "first_seen_at", "last_seen_at", "raised_at", "resolved_at"]  # fmt: skip


class RiskLevelSerializer(serializers.ModelSerializer):
    disease_label = serializers.CharField(source="get_disease_display", read_only=True)

    class Meta:
        model = RiskLevel
        fields = ["disease", "disease_label", "colour", "label", "basis", "rule_code",
                  "rule_version", "updated_at"]  # fmt: skip


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["model", "version", "status", "value", "category", "colour", "result",
                  "inputs", "missing", "assessed_at"]  # fmt: skip


class RegisterEntrySerializer(PersonRefMixin, serializers.ModelSerializer):
    sex = serializers.CharField(source="person.sex", read_only=True)
    age = serializers.SerializerMethodField()
    org_unit = serializers.SerializerMethodField()
    disease_label = serializers.CharField(source="get_disease_display", read_only=True)

    class Meta:
        model = RegisterEntry
        fields = ["person", "person_name", "sex", "age", "org_unit", "disease", "disease_label",
                  "status", "source", "reason", "qualifies", "level", "basis", "included_at",
                  "updated_at"]  # fmt: skip

    def get_age(self, entry: RegisterEntry) -> int | None:
        birth = entry.person.birth_date
        return age_on(birth, today()) if birth else None

    def get_org_unit(self, entry: RegisterEntry) -> str:
        unit = entry.person.org_unit
        return unit.name if unit else ""


class RegisterEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    source = serializers.CharField()
    reason = serializers.CharField()
    actor = serializers.SerializerMethodField()

    def get_actor(self, event) -> str:
        return str(event.actor) if event.actor_id else "system"


class PersonRegisterEntrySerializer(RegisterEntrySerializer):
    history = RegisterEventSerializer(many=True, read_only=True)

    class Meta(RegisterEntrySerializer.Meta):
        fields = [*RegisterEntrySerializer.Meta.fields, "history"]


class RegisterChangeSerializer(serializers.Serializer):
    disease = serializers.ChoiceField(choices=Disease.choices)
    status = serializers.ChoiceField(choices=["included", "excluded", "auto"])
    reason = serializers.CharField(max_length=300)


class QuestionnaireSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=sorted(QUESTIONNAIRE_MODELS))
    answers = serializers.JSONField()
    answered_at = serializers.DateTimeField(required=False)
    source = serializers.CharField(required=False, allow_blank=True, max_length=60)


class QuestionnaireResultSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    instrument = serializers.CharField()
    answered_at = serializers.DateTimeField()


class RuleSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()
    published_by = serializers.StringRelatedField()

    class Meta:
        model = ScreeningRule
        fields = ["code", "version", "kind", "title", "disease", "severity", "major_class",
                  "definition", "advice", "source", "verification", "protected", "status",
                  "origin", "note", "author", "created_at", "published_at", "published_by",
                  "retired_at", "dry_run", "dry_run_at"]  # fmt: skip


class RuleLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    published = RuleSerializer(allow_null=True)
    latest = RuleSerializer()
    drafts = serializers.IntegerField()
    yaml_update_pending = serializers.BooleanField()


class RuleDraftSerializer(serializers.Serializer):
    """A new draft version: only the fields given change (all of kind, title and definition
    are needed for a new code)."""

    kind = serializers.ChoiceField(choices=RuleKind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    disease = serializers.CharField(max_length=30, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True)
    major_class = serializers.ChoiceField(choices=["", "A", "B"], required=False)
    definition = serializers.JSONField(required=False)
    advice = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True)
    verification = serializers.ChoiceField(choices=Verification.choices, required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NewRuleSerializer(RuleDraftSerializer):
    code = serializers.RegexField(r"^[A-Z][A-Z0-9_]{2,59}$")


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ScreeningRunSerializer(serializers.ModelSerializer):
    percent = serializers.FloatField(read_only=True)

    class Meta:
        model = ScreeningRun
        fields = ["id", "status", "total", "done", "percent", "counts", "as_of", "batch_size",
                  "reason", "created_at", "started_at", "finished_at", "error"]  # fmt: skip
        read_only_fields = fields


class ScreeningRunStartSerializer(serializers.Serializer):
    batch_size = serializers.IntegerField(min_value=100, max_value=20000, default=2000)
    as_of = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
