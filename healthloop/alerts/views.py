"""Alerts API: the work queue, one alert, review actions, bulk confirm, the dashboard figures.
Views: parse → access (alerts.access) → one service or selector → serialize."""

import datetime as dt
from collections.abc import Callable

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.alerts import selectors, services
from healthloop.alerts.access import access_alert, access_alerts
from healthloop.alerts.models import Alert
from healthloop.alerts.serializers import (
    AlertDetailSerializer,
    AlertSerializer,
    AlertStatsSerializer,
    BulkConfirmRequestSerializer,
    BulkConfirmResponseSerializer,
    CloseRequestSerializer,
    ConfirmRequestSerializer,
    DismissRequestSerializer,
    EditRequestSerializer,
)
from healthloop.audit.services import record_bulk_access
from healthloop.core import clock
from healthloop.people.access import access_person
from healthloop.people.selectors import org_unit_param

SEVERITIES = ["critical", "high", "medium", "low"]


class QueueFilter(serializers.Serializer):
    state = serializers.ListField(child=serializers.ChoiceField(Alert.State.values), required=False)
    severity = serializers.ListField(child=serializers.ChoiceField(SEVERITIES), required=False)
    urgent = serializers.BooleanField(required=False, allow_null=True, default=None)
    mine = serializers.BooleanField(required=False, default=False)
    disease = serializers.CharField(required=False, default="")
    kind = serializers.CharField(required=False, default="")
    rule = serializers.CharField(required=False, default="")
    org_unit = serializers.UUIDField(required=False)


def _queue_filters(request):
    params = request.query_params
    data = {key: params.get(key) for key in params if key not in ("state", "severity")}
    for key in ("state", "severity"):  # ?state=new,confirmed or ?state=new&state=confirmed
        values = [v for raw in params.getlist(key) for v in raw.split(",") if v]
        if values:
            data[key] = values
    body = QueueFilter(data=data)
    body.is_valid(raise_exception=True)
    filters = dict(body.validated_data)
    filters["states"], filters["severities"] = (
        filters.pop("state", None),
        filters.pop("severity", None),
    )
    if "org_unit" in filters:
        filters["org_unit"] = org_unit_param(filters["org_unit"])
    return filters


@extend_schema(parameters=[
    OpenApiParameter("state", description="comma separated; default new", many=True,
                     enum=Alert.State.values),
    OpenApiParameter("severity", description="comma separated", many=True, enum=SEVERITIES),
    OpenApiParameter("urgent", bool), OpenApiParameter("mine", bool, description="我负责的"),
    OpenApiParameter("disease"), OpenApiParameter("kind"), OpenApiParameter("rule"),
    OpenApiParameter("org_unit", description="org unit uuid (includes sub-units)"),
])  # fmt: skip
class AlertQueue(ListAPIView):
    """The doctor's work queue: most severe first, then oldest first."""

    required_permission = Perm.VIEW_ALERTS
    serializer_class = AlertSerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        return selectors.alert_queue(self.request.user, **_queue_filters(self.request))

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        uuids = {row["person"]["uuid"] for row in response.data["results"]}
        record_bulk_access(actor=request.user, action="alert.listed", person_uuids=sorted(uuids),
                           request=request)  # fmt: skip
        return response


class PersonAlerts(ListAPIView):
    """Every alert of one person (any state), newest first: the 360° view's alert tab."""

    required_permission = Perm.VIEW_ALERTS
    serializer_class = AlertSerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        person = access_person(self.request.user, self.kwargs["person_uuid"],
                               action="alert.person_listed", request=self.request)  # fmt: skip
        every = list(Alert.State.values)
        queue = selectors.alert_queue(self.request.user, states=every, person_uuid=str(person.uuid))
        return queue.order_by("-created_at", "-id")


class AlertDetail(APIView):
    required_permission = Perm.VIEW_ALERTS
    required_permissions = {"PATCH": Perm.REVIEW_ALERTS}

    @extend_schema(responses=AlertDetailSerializer)
    def get(self, request, alert_uuid):
        alert = access_alert(request.user, alert_uuid, request=request)
        return Response(AlertDetailSerializer(alert).data)

    @extend_schema(request=EditRequestSerializer, responses=AlertDetailSerializer,
                   summary="Edit the text before confirming")  # fmt: skip
    def patch(self, request, alert_uuid):
        body = EditRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = access_alert(request.user, alert_uuid, action="alert.accessed_for_review",
                             request=request)  # fmt: skip
        alert = services.edit_alert(alert=alert, actor=request.user, **body.validated_data)
        return Response(AlertDetailSerializer(alert).data)


class _ReviewAction(APIView):
    """POST one review step on one alert: parse the body, open the alert through the scoped
    door, run the service, answer with the alert."""

    required_permission = Perm.REVIEW_ALERTS
    body_class: type[serializers.Serializer]
    service: Callable[..., Alert]  # services.confirm_alert / dismiss_alert / close_alert

    def post(self, request, alert_uuid):
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        alert = access_alert(request.user, alert_uuid, action="alert.accessed_for_review",
                             request=request)  # fmt: skip
        alert = type(self).service(alert=alert, actor=request.user, **body.validated_data)
        return Response(AlertDetailSerializer(alert).data)


@extend_schema(request=ConfirmRequestSerializer, responses=AlertDetailSerializer,
               summary="Confirm (one click) or confirm an edited text")  # fmt: skip
class AlertConfirm(_ReviewAction):
    """Confirm the drafted text as it is, or an edited text; the person is then notified."""

    body_class = ConfirmRequestSerializer
    service = services.confirm_alert


@extend_schema(request=DismissRequestSerializer, responses=AlertDetailSerializer)
class AlertDismiss(_ReviewAction):
    """Dismiss the alert with a reason; nobody is notified."""

    body_class = DismissRequestSerializer
    service = services.dismiss_alert


@extend_schema(request=CloseRequestSerializer, responses=AlertDetailSerializer)
class AlertClose(_ReviewAction):
    """Close a reviewed alert (the loop is done), with an optional note."""

    body_class = CloseRequestSerializer
    service = services.close_alert


class AlertBulkConfirm(APIView):
    required_permission = Perm.REVIEW_ALERTS

    @extend_schema(request=BulkConfirmRequestSerializer, responses=BulkConfirmResponseSerializer,
                   summary="Confirm many low-severity alerts with their drafted texts")  # fmt: skip
    def post(self, request):
        body = BulkConfirmRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        uuids = body.validated_data["alerts"]
        alerts = access_alerts(request.user, uuids, action="alert.accessed_for_review",
                               request=request) if uuids else []  # fmt: skip
        done = services.bulk_confirm_alerts(alerts=alerts, actor=request.user)
        return Response({"confirmed": len(done), "alerts": [a.uuid for a in done]})


class StatsFilter(serializers.Serializer):
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class AlertStats(APIView):
    required_permission = Perm.VIEW_ALERT_STATS

    @extend_schema(
        parameters=[OpenApiParameter("since", dt.datetime, description="default: 30 days ago"),
                    OpenApiParameter("until", dt.datetime, description="default: now")],
        responses=AlertStatsSerializer,
    )  # fmt: skip
    def get(self, request):
        body = StatsFilter(data=request.query_params)
        body.is_valid(raise_exception=True)
        until = body.validated_data.get("until") or clock.now()
        since = body.validated_data.get("since") or until - dt.timedelta(days=30)
        stats = selectors.alert_stats(selectors.stats_alerts(request.user), since=since,
                                      until=until)  # fmt: skip
        return Response(AlertStatsSerializer(stats).data)
