"""API plumbing shared by every app: pagination and the error shape."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from healthloop.core.errors import ServiceError


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 500


def _first_error(detail: Any, prefix: str = "") -> tuple[str | None, str]:
    """Walk DRF's nested error detail to the first (field, message) pair."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else None
            field, message = _first_error(value, prefix)
            return (field or name), message
    if isinstance(detail, list) and detail:
        return _first_error(detail[0], prefix)
    return None, str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        return Response(exc.to_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_error(exc.detail)
        response.data = {
            "error": message,
            "code": "invalid",
            "field": field,
            "details": exc.detail,
        }
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = {"error": str(exc.detail), "code": code, "field": None}
    return response


def error_response(message: str, *, field: str | None = None, code: str = "invalid") -> Response:
    return Response(
        {"error": message, "code": code, "field": field}, status=status.HTTP_400_BAD_REQUEST
    )
