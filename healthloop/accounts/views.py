"""Session log-in for the web clients, tokens for API clients, and "who am I"."""

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.drf import PUBLIC
from healthloop.accounts.permissions import Perm
from healthloop.accounts.serializers import LoginSerializer, MeSerializer
from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError


def _authenticate(request, data) -> object:
    user = authenticate(request, username=data["username"], password=data["password"])
    if user is None:
        record_event(
            actor=None,
            action="login.failed",
            request=request,
            detail={"username": data["username"]},
        )
        raise ServiceError("invalid_credentials", "用户名或密码错误", status=400)
    return user


class Login(APIView):
    required_permission = PUBLIC

    @extend_schema(request=LoginSerializer, responses=MeSerializer)
    def post(self, request):
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = _authenticate(request, body.validated_data)
        login(request, user)
        record_event(actor=user, action="login.succeeded", request=request)
        return Response(MeSerializer(user).data)


class Logout(APIView):
    required_permission = Perm.VIEW_SELF

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
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

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class IssueToken(APIView):
    """An API token for integrations (username + password in, token out)."""

    required_permission = PUBLIC

    @extend_schema(request=LoginSerializer, responses={200: None})
    def post(self, request):
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = _authenticate(request, body.validated_data)
        token, _ = Token.objects.get_or_create(user=user)
        record_event(actor=user, action="token.issued", request=request)
        return Response({"token": token.key})
