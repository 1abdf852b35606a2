"""People API: search, detail, merge, org tree. Views: parse → access → service → serialize."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.audit.services import record_bulk_access
from healthloop.people import selectors, services
from healthloop.people.access import access_person
from healthloop.people.models import OrgUnit
from healthloop.people.serializers import (
    MergeRequestSerializer,
    OrgTreeNodeSerializer,
    PersonDetailSerializer,
    PersonListSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter("q", description="姓名、拼音、拼音首字母、身份证后4位、工号、手机号"),
        OpenApiParameter("org_unit", description="org unit uuid (includes sub-units)"),
        OpenApiParameter("status", enum=["active", "retired", "left"]),
    ]
)
class PersonSearch(ListAPIView):
    required_permission = Perm.SEARCH_PERSONS
    serializer_class = PersonListSerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        params = self.request.query_params
        unit = None
        if params.get("org_unit"):
            unit = get_object_or_404(OrgUnit, uuid=params["org_unit"])
        return selectors.person_search(
            self.request.user,
            q=params.get("q", ""),
            org_unit=unit,
            status=params.get("status", ""),
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        uuids = [row["uuid"] for row in response.data["results"]]
        record_bulk_access(
            actor=request.user, action="person.listed", person_uuids=uuids, request=request
        )
        return response


class PersonDetail(APIView):
    required_permission = Perm.VIEW_PERSON

    @extend_schema(responses=PersonDetailSerializer)
    def get(self, request, person_uuid):
        person = access_person(request.user, person_uuid, request=request)
        return Response(PersonDetailSerializer(person).data)


class PersonMerge(APIView):
    required_permission = Perm.MERGE_PERSONS

    @extend_schema(request=MergeRequestSerializer, responses=PersonDetailSerializer)
    def post(self, request, person_uuid):
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        survivor = access_person(
            request.user,
            person_uuid,
            action="person.accessed_for_merge",
            request=request,
            lock=True,
        )
        duplicate = access_person(
            request.user,
            body.validated_data["duplicate"],
            action="person.accessed_for_merge",
            request=request,
            lock=True,
        )
        services.merge_persons(
            survivor=survivor,
            duplicate=duplicate,
            actor=request.user,
            reason=body.validated_data["reason"],
        )
        return Response(PersonDetailSerializer(survivor).data)


class OrgTree(APIView):
    required_permission = Perm.VIEW_ORG_TREE

    @extend_schema(responses=OrgTreeNodeSerializer(many=True))
    def get(self, request):
        return Response(selectors.org_tree())
