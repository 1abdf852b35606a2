from rest_framework import serializers

from healthloop.accounts.models import User
from healthloop.accounts.permissions import ROLE_LABELS, Perm


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp_token = serializers.CharField(max_length=12, required=False, allow_blank=True)


class MeSerializer(serializers.ModelSerializer):
    permissions = serializers.SerializerMethodField()
    person_uuid = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "permissions", "person_uuid",
                  "otp_enrolled", "otp_verified", "otp_enrolment_required"]  # fmt: skip

    otp_enrolled = serializers.SerializerMethodField()
    otp_verified = serializers.SerializerMethodField()
    otp_enrolment_required = serializers.SerializerMethodField()

    def get_otp_enrolled(self, user: User) -> bool:
        from healthloop.accounts.login import confirmed_device

        return confirmed_device(user) is not None

    def get_otp_verified(self, user: User) -> bool:
        # OTPMiddleware adds is_verified(); right after log-in the user object has only the
        # otp_device that django_otp.login set.
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return True
        return getattr(user, "otp_device", None) is not None

    def get_otp_enrolment_required(self, user: User) -> bool:
        from healthloop.accounts.login import otp_required_for

        return otp_required_for(user) and not self.get_otp_enrolled(user)

    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.permission_codes())

    def get_person_uuid(self, user: User) -> str | None:
        person = getattr(user, "person", None)
        return str(person.uuid) if person is not None else None


class RolePermissionsSerializer(serializers.Serializer):
    role = serializers.CharField()
    label = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())
    defaults = serializers.ListField(child=serializers.CharField())
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())


class RolePermissionsUpdateSerializer(serializers.Serializer):
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(p.value for p in Perm)), allow_empty=True
    )


ROLE_CHOICES = [r.value for r in ROLE_LABELS]


class OtpEnrolmentSerializer(serializers.Serializer):
    otpauth_uri = serializers.CharField()
    qr_svg = serializers.CharField()


class OtpConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=12)


class LockoutSerializer(serializers.Serializer):
    key = serializers.CharField()
    failures = serializers.IntegerField()
    locked_until = serializers.DateTimeField()
    last_failure_at = serializers.DateTimeField(allow_null=True)


class UnlockSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=200, help_text='"user:<name>" or "ip:<address>"')
