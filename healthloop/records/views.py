"""Records API: a person's timeline, one item's history, the catalog."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.people.access import access_person
from healthloop.records import selectors
from healthloop.records.models import ExamItem
from healthloop.records.serializers import (
    ExamItemSerializer,
    HistoryPointSerializer,
    TimelineEntrySerializer,
)


class PersonTimeline(ListAPIView):
    """Encounters newest first, each with its observations; paginated by encounter."""

    required_permission = Perm.VIEW_RECORD
    serializer_class = TimelineEntrySerializer

    def list(self, request, *args, **kwargs):
        person = access_person(
            request.user, kwargs["person_uuid"], action="record.viewed", request=request
        )
        page = self.paginate_queryset(selectors.person_timeline(person))
        return self.get_paginated_response(TimelineEntrySerializer(page, many=True).data)


class ItemHistory(APIView):
    required_permission = Perm.VIEW_RECORD

    @extend_schema(responses=HistoryPointSerializer(many=True))
    def get(self, request, person_uuid, item_code):
        person = access_person(
            request.user, person_uuid, action="record.item_history_viewed", request=request
        )
        item = get_object_or_404(ExamItem, code=item_code)
        points = selectors.item_history(person, item)
        return Response(
            {
                "item": ExamItemSerializer(item).data,
                "points": HistoryPointSerializer(points, many=True).data,
            }
        )


@extend_schema(parameters=[OpenApiParameter("category")])
class CatalogList(ListAPIView):
    required_permission = Perm.VIEW_CATALOG
    serializer_class = ExamItemSerializer
    filter_backends: list[type] = []
    pagination_class = None

    def get_queryset(self):
        return selectors.catalog_items(category=self.request.query_params.get("category", ""))
