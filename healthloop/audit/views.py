"""The administrators' audit API: search, export, chain verification, anomalies.

Permissions are named by their ``accounts.permissions.Perm`` values (audit sits below accounts
and cannot import the enum; the authorisation-matrix test checks every declared value exists).
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.audit import selectors, serializers
from healthloop.audit.errors import AuditError
from healthloop.audit.exports import MAX_ROWS, events_csv, events_xlsx
from healthloop.audit.models import AuditAnomaly
from healthloop.audit.services import record_event, review_anomaly
from healthloop.audit.verification import verify_audit_chain
from healthloop.core.errors import NotFound, ServiceError

VIEW_AUDIT = "audit.view_audit"
REVIEW_ANOMALIES = "audit.review_anomalies"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(params: dict) -> tuple[dict, object]:
    query = serializers.AuditQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    q = query.validated_data
    events = selectors.search_events(
        actor_username=q.get("actor", ""), person_uuid=q.get("person"),
        action=q.get("action", ""), role=q.get("role", ""), since=q.get("since"),
        until=q.get("until"), client_ip=q.get("ip", ""),
    )  # fmt: skip
    return {k: str(v) for k, v in q.items()}, events


class AuditEventList(ListAPIView):
    required_permission = VIEW_AUDIT
    serializer_class = serializers.AuditEventSerializer
    filter_backends: list[type] = []

    @extend_schema(parameters=[serializers.AuditQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters, events = _filtered(self.request.query_params)
        record_event(
            actor=self.request.user, action="audit.searched", request=self.request,
            detail={"filters": filters},
        )  # fmt: skip
        return events


class AuditEventExport(APIView):
    required_permission = VIEW_AUDIT

    @extend_schema(
        parameters=[serializers.AuditExportQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request):
        fmt = serializers.AuditExportQuerySerializer(data=request.query_params)
        fmt.is_valid(raise_exception=True)
        filters, events = _filtered(request.query_params)
        count = events.count()
        if count > MAX_ROWS:
            raise ServiceError(
                AuditError.EXPORT_TOO_LARGE, f"{count} events: narrow the filters (max {MAX_ROWS})"
            )
        xlsx = fmt.validated_data["file_type"] == "xlsx"
        body = events_xlsx(events) if xlsx else events_csv(events)
        record_event(
            actor=request.user, action="audit.exported", request=request,
            detail={"filters": filters, "rows": count, "format": "xlsx" if xlsx else "csv"},
        )  # fmt: skip
        name = f"audit.{'xlsx' if xlsx else 'csv'}"
        response = HttpResponse(body, content_type=XLSX if xlsx else "text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class AuditVerify(APIView):
    required_permission = VIEW_AUDIT

    @extend_schema(responses=serializers.VerificationSerializer)
    def get(self, request):
        result = verify_audit_chain()
        record_event(actor=request.user, action="audit.verified", request=request,
                     detail={"ok": result.ok, "checked": result.checked})  # fmt: skip
        problems = [{"kind": p.kind, "seq": p.seq, "message": p.message} for p in result.problems]
        return Response(
            {"ok": result.ok, "checked": result.checked, "head_seq": result.head_seq,
             "sealed": result.sealed, "unsealed": result.unsealed, "problems": problems}
        )  # fmt: skip


class AnomalyList(ListAPIView):
    required_permission = VIEW_AUDIT
    serializer_class = serializers.AnomalySerializer
    filter_backends: list[type] = []

    @extend_schema(parameters=[serializers.AnomalyQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = serializers.AnomalyQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.anomaly_list(**query.validated_data).select_related("reviewed_by")


class AnomalyReview(APIView):
    required_permission = REVIEW_ANOMALIES

    @extend_schema(
        request=serializers.AnomalyReviewSerializer, responses=serializers.AnomalySerializer
    )
    def post(self, request, anomaly_id: int):
        body = serializers.AnomalyReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        anomaly = AuditAnomaly.objects.filter(pk=anomaly_id).first()
        if anomaly is None:
            raise NotFound("anomaly")
        reviewed = review_anomaly(anomaly=anomaly, actor=request.user, request=request,
                                  **body.validated_data)  # fmt: skip
        return Response(serializers.AnomalySerializer(reviewed).data)
