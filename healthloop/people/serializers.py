from rest_framework import serializers

from healthloop.core.clock import age_on, today
from healthloop.core.crypto import mask
from healthloop.people.models import OrgUnit, Person


class OrgUnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["uuid", "name", "code", "kind"]


class PersonListSerializer(serializers.ModelSerializer):
    org_unit = OrgUnitRefSerializer(read_only=True)
    age = serializers.SerializerMethodField()
    id_number_masked = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "uuid",
            "name",
            "sex",
            "birth_date",
            "age",
            "employee_no",
            "status",
            "org_unit",
            "id_number_masked",
            "needs_identity_review",
        ]

    def get_age(self, person: Person) -> int | None:
        return age_on(person.birth_date, today()) if person.birth_date else None

    def get_id_number_masked(self, person: Person) -> str:
        return mask(person.id_number) if person.id_number else ""


class PersonDetailSerializer(PersonListSerializer):
    phone_masked = serializers.SerializerMethodField()

    class Meta(PersonListSerializer.Meta):
        fields = [
            *PersonListSerializer.Meta.fields,
            "name_pinyin",
            "job_type",
            "preferred_channel",
            "phone_masked",
            "created_at",
        ]

    def get_phone_masked(self, person: Person) -> str:
        return mask(person.phone, keep_start=3, keep_end=4) if person.phone else ""


class OrgTreeNodeSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    code = serializers.CharField()
    kind = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())


class MergeRequestSerializer(serializers.Serializer):
    duplicate = serializers.UUIDField()
    reason = serializers.CharField(max_length=200)


class AccessGrantCreateSerializer(serializers.Serializer):
    grantee = serializers.CharField(help_text="username of the staff member")
    person = serializers.UUIDField(required=False, allow_null=True)
    org_unit = serializers.UUIDField(required=False, allow_null=True)
    valid_until = serializers.DateTimeField()
    reason = serializers.CharField(max_length=300)


class AccessGrantSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    grantee = serializers.CharField(source="grantee.username")
    person = serializers.UUIDField(source="person.uuid", allow_null=True, default=None)
    person_name = serializers.CharField(source="person.name", allow_null=True, default=None)
    org_unit = serializers.UUIDField(source="org_unit.uuid", allow_null=True, default=None)
    org_unit_name = serializers.CharField(source="org_unit.name", allow_null=True, default=None)
    reason = serializers.CharField()
    granted_by = serializers.CharField(source="granted_by.username")
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    active = serializers.SerializerMethodField()

    def get_active(self, grant) -> bool:
        from django.utils import timezone

        now = timezone.now()
        return grant.revoked_at is None and grant.valid_from <= now < grant.valid_until


class BreakGlassCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    reason = serializers.CharField(max_length=300)


class BreakGlassReviewSerializer(serializers.Serializer):
    review = serializers.ChoiceField(choices=["justified", "unjustified"])
    note = serializers.CharField(max_length=500)


class BreakGlassSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    user = serializers.CharField(source="user.username")
    user_role = serializers.CharField(source="user.role")
    person = serializers.UUIDField(source="person.uuid")
    reason = serializers.CharField()
    started_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    review = serializers.CharField()
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", allow_null=True, default=None
    )
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_note = serializers.CharField()


class UnmaskRequestSerializer(serializers.Serializer):
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=["id_number", "phone"]), min_length=1
    )
    purpose = serializers.CharField(min_length=4, max_length=200)


class UnmaskedSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    id_number = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
