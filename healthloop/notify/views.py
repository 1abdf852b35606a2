"""notify API: the staff inbox, delivery statistics and list, resend, preferences."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.audit.services import record_bulk_access
from healthloop.notify import selectors, services
from healthloop.notify.models import NotificationPreference
from healthloop.notify.serializers import (
    DeliverySerializer,
    InboxItemSerializer,
    PreferenceSerializer,
    ResendSerializer,
    StatsQuerySerializer,
)
from healthloop.people.access import access_person, visible_persons


@extend_schema(parameters=[OpenApiParameter("unread", bool)])
class StaffInbox(ListAPIView):
    """The signed-in staff member's messages, newest first; ``unread_count`` beside the page."""

    required_permission = Perm.VIEW_INBOX
    serializer_class = InboxItemSerializer
    filter_backends: list[type] = []

    def list(self, request, *args, **kwargs):
        inbox = selectors.staff_inbox(request.user)
        shown = inbox.filter(read_at__isnull=True) if request.query_params.get("unread") else inbox
        response = self.get_paginated_response(
            InboxItemSerializer(self.paginate_queryset(shown), many=True).data
        )
        response.data["unread_count"] = selectors.unread_count(inbox)
        return response


class StaffInboxRead(APIView):
    required_permission = Perm.VIEW_INBOX

    @extend_schema(request=None, responses=InboxItemSerializer)
    def post(self, request, uuid):
        notification = get_object_or_404(selectors.staff_inbox(request.user), uuid=uuid)
        row = services.mark_read(notification, by_user=request.user)
        return Response(InboxItemSerializer(row).data)


class DeliveryStats(APIView):
    """Counts by day × channel × status and the success rate per channel."""

    required_permission = Perm.VIEW_DELIVERIES

    @extend_schema(parameters=[StatsQuerySerializer])
    def get(self, request):
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tz = timezone.get_current_timezone()
        since = dt.datetime.combine(query.validated_data["since"], dt.time(), tz)
        until = dt.datetime.combine(query.validated_data["until"], dt.time(), tz)
        stats = selectors.delivery_stats(since=since, until=until + dt.timedelta(days=1))
        return Response(stats)


@extend_schema(parameters=[OpenApiParameter("status"), OpenApiParameter("channel")])
class DeliveryList(ListAPIView):
    """Notifications to persons in the caller's scope and to staff, newest first."""

    required_permission = Perm.VIEW_DELIVERIES
    serializer_class = DeliverySerializer
    filter_backends: list[type] = []

    def list(self, request, *args, **kwargs):
        rows = selectors.visible_deliveries(request.user, visible_persons(request.user))
        for name in ("status", "channel"):
            if request.query_params.get(name):
                rows = rows.filter(**{name: request.query_params[name]})
        page = self.paginate_queryset(rows)
        record_bulk_access(
            actor=request.user,
            action="notification.listed",
            person_uuids={n.recipient_person.uuid for n in page if n.recipient_person_id},
            request=request,
        )
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class ResendFailed(APIView):
    """One-click resend of failed notifications (chosen ones, or all failed in scope)."""

    required_permission = Perm.RESEND_NOTIFICATIONS

    @extend_schema(request=ResendSerializer, responses={200: dict})
    def post(self, request):
        body = ResendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = selectors.visible_deliveries(request.user, visible_persons(request.user)).filter(
            status="failed"
        )
        if body.validated_data.get("uuids"):
            rows = rows.filter(uuid__in=body.validated_data["uuids"])
        if body.validated_data.get("channel"):
            rows = rows.filter(channel=body.validated_data["channel"])
        queued = services.resend_failed(notifications=list(rows[:1000]), actor=request.user)
        return Response({"queued": queued})


class PersonPreference(APIView):
    """How a person in the caller's scope is reached (GET, PUT)."""

    required_permission = Perm.MANAGE_NOTIFY_PREFERENCES

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request, person_uuid):
        person = access_person(
            request.user, person_uuid, action="notify_preference.viewed", request=request
        )
        pref = NotificationPreference.objects.filter(person=person).first()
        return Response(PreferenceSerializer(pref or NotificationPreference(person=person)).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request, person_uuid):
        person = access_person(
            request.user, person_uuid, action="notify_preference.viewed", request=request
        )
        body = PreferenceSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        pref = services.set_preference(person=person, actor=request.user, **body.validated_data)
        return Response(PreferenceSerializer(pref).data)


class MyPreference(APIView):
    """The signed-in staff member's own channels, quiet hours and addresses (GET, PUT)."""

    required_permission = Perm.VIEW_INBOX

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        pref = NotificationPreference.objects.filter(user=request.user).first()
        return Response(PreferenceSerializer(pref or NotificationPreference()).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        body = PreferenceSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        pref = services.set_preference(user=request.user, actor=request.user, **body.validated_data)
        return Response(PreferenceSerializer(pref).data)
