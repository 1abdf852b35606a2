"""Session log-in for the web clients, tokens for API clients, and "who am I"."""

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.utils import timezone
from django_otp import login as otp_login
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts import login as login_service
from healthloop.accounts import services
from healthloop.accounts.drf import PUBLIC
from healthloop.accounts.middleware import mark_activity
from healthloop.accounts.models import LoginThrottle
from healthloop.accounts.permissions import Perm
from healthloop.accounts.serializers import (
    ROLE_CHOICES,
    LockoutSerializer,
    LoginSerializer,
    MeSerializer,
    OtpConfirmSerializer,
    OtpEnrolmentSerializer,
    RolePermissionsSerializer,
    RolePermissionsUpdateSerializer,
    UnlockSerializer,
)
from healthloop.audit.services import client_ip, record_event
from healthloop.core.errors import NotFound, ServiceError


def _authenticate(request, data) -> object:
    """Password and, when the user has a confirmed authenticator, the TOTP code; with the
    lock-out counted per account name and per client address."""
    username, ip = data["username"], client_ip(request)
    login_service.ensure_not_locked(username, ip, request)
    user = authenticate(request, username=username, password=data["password"])
    if user is None:
        login_service.register_failure(username, ip)
        record_event(actor=None, action="login.failed", request=request,
                     detail={"username": username})  # fmt: skip
        raise ServiceError("invalid_credentials", "用户名或密码错误", status=400)
    device = None
    if login_service.confirmed_device(user) is not None:
        token = data.get("otp_token") or ""
        if not token:
            raise ServiceError("otp_required", "请输入验证器中的动态验证码", field="otp_token")
        device = login_service.verify_totp(user, token)
        if device is None:
            login_service.register_failure(username, ip)
            record_event(actor=user, action="login.otp_failed", request=request)
            raise ServiceError("invalid_otp", "动态验证码错误", field="otp_token")
    login_service.register_success(username)
    return user, device


class Login(APIView):
    required_permission = PUBLIC
    allow_without_otp = True

    @extend_schema(request=LoginSerializer, responses=MeSerializer)
    def post(self, request):
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, device = _authenticate(request, body.validated_data)
        login(request, user)
        if device is not None:
            otp_login(request, device)
        mark_activity(request)
        event = record_event(actor=user, action="login.succeeded", request=request,
                             detail={"otp": device is not None})  # fmt: skip
        login_service.check_unusual_login(user=user, event=event)
        return Response(MeSerializer(request.user, context={"request": request}).data)


class Logout(APIView):
    required_permission = Perm.VIEW_SELF
    allow_without_otp = True

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        record_event(actor=request.user, action="logout", request=request)
        logout(request)
        return Response(status=204)


class Csrf(APIView):
    """Sets the CSRF cookie for the single-page clients before they log in."""

    required_permission = PUBLIC

    @extend_schema(responses={200: None})
    def get(self, request):
        return Response({"csrfToken": get_token(request)})


class Me(APIView):
    required_permission = Perm.VIEW_SELF
    allow_without_otp = True

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class IssueToken(APIView):
    """An API token for integrations (username + password in, token out)."""

    required_permission = PUBLIC

    @extend_schema(request=LoginSerializer, responses={200: None})
    def post(self, request):
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, _device = _authenticate(request, body.validated_data)
        token, _ = Token.objects.get_or_create(user=user)
        record_event(actor=user, action="token.issued", request=request)
        return Response({"token": token.key})


class RoleList(APIView):
    """Every role with its effective permissions and the differences from the defaults."""

    required_permission = Perm.MANAGE_ROLES

    @extend_schema(responses=RolePermissionsSerializer(many=True))
    def get(self, request):
        rows = [services.role_permissions(role) for role in ROLE_CHOICES]
        return Response({"roles": rows, "all_permissions": sorted(p.value for p in Perm)})


class RoleDetail(APIView):
    required_permission = Perm.MANAGE_ROLES

    @extend_schema(responses=RolePermissionsSerializer)
    def get(self, request, role: str):
        if role not in ROLE_CHOICES:
            raise NotFound("role")
        return Response(services.role_permissions(role))

    @extend_schema(request=RolePermissionsUpdateSerializer, responses=RolePermissionsSerializer)
    def put(self, request, role: str):
        if role not in ROLE_CHOICES:
            raise NotFound("role")
        body = RolePermissionsUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.set_role_permissions(
            actor=request.user,
            role=role,
            permissions=body.validated_data["permissions"],
            request=request,
        )
        return Response(result)


class OtpEnrol(APIView):
    """Start binding an authenticator app: a new secret as an otpauth:// URI (show it as a QR
    code) and an SVG QR code. Confirm with a code from the app."""

    required_permission = Perm.VIEW_SELF
    allow_without_otp = True

    @extend_schema(request=None, responses=OtpEnrolmentSerializer)
    def post(self, request):
        device = login_service.start_enrolment(user=request.user, request=request)
        uri = device.config_url
        return Response({"otpauth_uri": uri, "qr_svg": qr_svg(uri)})


class OtpConfirm(APIView):
    required_permission = Perm.VIEW_SELF
    allow_without_otp = True

    @extend_schema(request=OtpConfirmSerializer, responses=MeSerializer)
    def post(self, request):
        body = OtpConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        device = login_service.confirm_enrolment(
            user=request.user, token=body.validated_data["token"], request=request
        )
        if hasattr(request._request, "session"):
            otp_login(request._request, device)
        return Response(MeSerializer(request.user, context={"request": request}).data)


class Lockouts(APIView):
    """Account names and addresses locked after failed log-ins; administrators unlock."""

    required_permission = Perm.MANAGE_USERS

    @extend_schema(responses=LockoutSerializer(many=True))
    def get(self, request):
        rows = LoginThrottle.objects.filter(locked_until__gt=timezone.now()).order_by("key")
        return Response(LockoutSerializer(rows, many=True).data)


class LockoutUnlock(APIView):
    required_permission = Perm.MANAGE_USERS

    @extend_schema(request=UnlockSerializer, responses={204: None})
    def post(self, request):
        body = UnlockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not login_service.unlock(actor=request.user, key=body.validated_data["key"],
                                    request=request):  # fmt: skip
            raise NotFound("lock")
        return Response(status=204)


def qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
