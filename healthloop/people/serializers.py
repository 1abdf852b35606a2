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
