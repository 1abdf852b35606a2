"""DRF plumbing of the facade: FHIR JSON in and out, every error as an OperationOutcome."""

import logging
from typing import Any

from django.http import Http404
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from healthloop.core.errors import ServiceError
from healthloop.interop.fhir.errors import FHIRError, Issue, IssueType, operation_outcome

logger = logging.getLogger(__name__)
FHIR_JSON = "application/fhir+json"


class FHIRJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir+json"
    charset = "utf-8"


class PlainJSONRenderer(JSONRenderer):
    charset = "utf-8"


class FHIRJSONParser(JSONParser):
    media_type = FHIR_JSON


class LegacyFHIRJSONParser(JSONParser):
    media_type = "application/json+fhir"  # the DSTU2 spelling some senders still use


_DRF_ISSUE = {
    400: IssueType.STRUCTURE,
    401: IssueType.LOGIN,
    403: IssueType.FORBIDDEN,
    404: IssueType.NOT_FOUND,
    405: IssueType.NOT_SUPPORTED,
    406: IssueType.NOT_SUPPORTED,
    415: IssueType.NOT_SUPPORTED,
}


def fhir_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, FHIRError):
        return Response(operation_outcome(exc.issues), status=exc.status)
    if isinstance(exc, ServiceError):
        code = IssueType.NOT_FOUND if exc.status == 404 else IssueType.PROCESSING
        status = 404 if exc.status == 404 else 422
        return Response(operation_outcome([Issue(code, exc.message)]), status=status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("FHIR request failed", exc_info=exc)
        issue = Issue(IssueType.EXCEPTION, "internal error; the request changed nothing")
        return Response(operation_outcome([issue]), status=500)
    detail = getattr(exc, "detail", str(exc))
    issue = Issue(_DRF_ISSUE.get(response.status_code, IssueType.PROCESSING), str(detail))
    response.data = operation_outcome([issue])
    return response


class FHIRView(APIView):
    """Base of every facade view: FHIR JSON (application/json accepted too), OperationOutcome
    errors, the base URL, and the Prefer header."""

    renderer_classes = [FHIRJSONRenderer, PlainJSONRenderer]
    parser_classes = [FHIRJSONParser, JSONParser, LegacyFHIRJSONParser, FormParser]

    def get_exception_handler(self) -> Any:
        return fhir_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        requested = request.query_params.get("_format", "")
        if "xml" in requested or "turtle" in requested or "ttl" in requested:
            raise FHIRError(406, IssueType.NOT_SUPPORTED, f"_format {requested!r}: JSON only")
        super().initial(request, *args, **kwargs)

    def base_url(self) -> str:
        return self.request.build_absolute_uri(reverse("fhir-system")).rstrip("/")

    def prefer(self, name: str) -> str:
        """One preference of the Prefer header (return=…, handling=…)."""
        header = self.request.headers.get("Prefer", "")
        for part in header.replace(";", ",").split(","):
            key, _, value = part.strip().partition("=")
            if key.strip() == name:
                return value.strip().strip('"')
        return ""
