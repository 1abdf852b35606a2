from rest_framework import serializers

from healthloop.accounts.models import User
from healthloop.accounts.permissions import ROLE_PERMISSIONS, Role


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class MeSerializer(serializers.ModelSerializer):
    permissions = serializers.SerializerMethodField()
    person_uuid = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "permissions", "person_uuid"]

    def get_permissions(self, user: User) -> list[str]:
        return sorted(ROLE_PERMISSIONS.get(Role(user.role), frozenset()))

    def get_person_uuid(self, user: User) -> str | None:
        person = getattr(user, "person", None)
        return str(person.uuid) if person is not None else None
