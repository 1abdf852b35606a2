"""Feed administration API: interface status, the dead-letter store, code mapping."""

from django.db.models import Count, Max
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound
from healthloop.interop import feed_serializers as s
from healthloop.interop.feed_models import InboundMessage, InterfaceAlert, QuarantinedResult
from healthloop.interop.feeds import reprocess_message
from healthloop.interop.hl7_ingest import map_local_code
from healthloop.interop.monitoring import feed_statuses


class FeedStatusList(APIView):
    required_permission = Perm.MANAGE_INTERFACES

    @extend_schema(responses=s.FeedStatusSerializer(many=True))
    def get(self, request):
        alerts = InterfaceAlert.objects.filter(resolved_at__isnull=True).order_by("-opened_at")
        return Response(
            {
                "feeds": [status.to_dict() for status in feed_statuses()],
                "open_alerts": s.InterfaceAlertSerializer(alerts, many=True).data,
            }
        )


@extend_schema(parameters=[OpenApiParameter("status"), OpenApiParameter("sending_facility")])
class MessageList(ListAPIView):
    required_permission = Perm.MANAGE_INTERFACES
    serializer_class = s.InboundMessageSerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        params = self.request.query_params
        messages = InboundMessage.objects.defer("raw").order_by("-received_at", "-id")
        if params.get("status"):
            messages = messages.filter(status=params["status"])
        if params.get("sending_facility"):
            messages = messages.filter(sending_facility=params["sending_facility"])
        return messages


def _message(request, message_uuid) -> InboundMessage:
    message = InboundMessage.objects.filter(uuid=message_uuid).first()
    if message is None:
        raise NotFound("message")
    record_event(
        actor=request.user,
        action="interop.message_viewed",
        request=request,
        person_uuid=message.person_uuid,
        object_type="inbound_message",
        object_id=str(message.uuid),
    )
    return message


class MessageDetail(APIView):
    required_permission = Perm.MANAGE_INTERFACES

    @extend_schema(responses=s.InboundMessageDetailSerializer)
    def get(self, request, message_uuid):
        return Response(s.InboundMessageDetailSerializer(_message(request, message_uuid)).data)


class MessageReprocess(APIView):
    required_permission = Perm.MANAGE_INTERFACES

    @extend_schema(request=None, responses=s.InboundMessageSerializer)
    def post(self, request, message_uuid):
        message = reprocess_message(_message(request, message_uuid))
        return Response(s.InboundMessageSerializer(message).data)


class HeldCodeList(APIView):
    """Local codes waiting for a mapping, with how many results each holds."""

    required_permission = Perm.MANAGE_INTERFACES

    @extend_schema(responses=s.HeldCodeSerializer(many=True))
    def get(self, request):
        rows = (
            QuarantinedResult.objects.filter(status=QuarantinedResult.Status.HELD)
            .values("sending_facility", "local_code")
            .annotate(held=Count("id"), local_text=Max("local_text"))
            .order_by("-held", "sending_facility", "local_code")
        )
        return Response(s.HeldCodeSerializer(rows, many=True).data)


class CodeMappingCreate(APIView):
    required_permission = Perm.MANAGE_INTERFACES

    @extend_schema(request=s.CodeMappingRequestSerializer, responses={201: None})
    def post(self, request):
        body = s.CodeMappingRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _, released = map_local_code(
            facility=data["sending_facility"],
            local_code=data["local_code"],
            item_code=data["item_code"],
            local_text=data["local_text"],
            actor=request.user,
        )
        return Response({"released": released}, status=201)
