"""People API: search, detail, merge, org tree. Views: parse → access → service → serialize."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.audit.services import record_bulk_access
from healthloop.people import grants, selectors, services
from healthloop.people.access import access_person
from healthloop.people.serializers import (
    AccessGrantCreateSerializer,
    AccessGrantSerializer,
    BreakGlassCreateSerializer,
    BreakGlassReviewSerializer,
    BreakGlassSerializer,
    MergeRequestSerializer,
    OrgTreeNodeSerializer,
    PersonDetailSerializer,
    PersonListSerializer,
    UnmaskedSerializer,
    UnmaskRequestSerializer,
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
        unit = selectors.org_unit_param(params.get("org_unit"))
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


class AccessGrants(ListAPIView):
    """Time-limited access grants: administrators see all, department heads their own."""

    required_permission = Perm.GRANT_ACCESS
    serializer_class = AccessGrantSerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        return grants.grants_for(self.request.user)

    @extend_schema(request=AccessGrantCreateSerializer, responses={201: AccessGrantSerializer})
    def post(self, request):
        body = AccessGrantCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        grantee = get_user_model().objects.filter(username=data["grantee"]).first()
        grant = grants.grant_access(
            actor=request.user,
            grantee=grantee,
            reason=data["reason"],
            valid_until=data["valid_until"],
            person_uuid=data.get("person"),
            org_unit_uuid=data.get("org_unit"),
            request=request,
        )
        return Response(AccessGrantSerializer(grant).data, status=201)


class AccessGrantRevoke(APIView):
    required_permission = Perm.GRANT_ACCESS

    @extend_schema(request=None, responses=AccessGrantSerializer)
    def post(self, request, grant_uuid):
        grant = grants.revoke_grant(actor=request.user, grant_uuid=grant_uuid, request=request)
        return Response(AccessGrantSerializer(grant).data)


@extend_schema(
    parameters=[OpenApiParameter("review", enum=["pending", "justified", "unjustified"])]
)
class BreakGlass(ListAPIView):
    """GET: administrators list break-the-glass accesses for review. POST: declare one."""

    required_permissions = {"GET": Perm.REVIEW_BREAK_GLASS, "POST": Perm.BREAK_GLASS}
    serializer_class = BreakGlassSerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        return grants.break_glass_list(review=self.request.query_params.get("review", ""))

    @extend_schema(request=BreakGlassCreateSerializer, responses={201: BreakGlassSerializer})
    def post(self, request):
        body = BreakGlassCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        access = grants.break_glass(
            actor=request.user,
            person_uuid=body.validated_data["person"],
            reason=body.validated_data["reason"],
            request=request,
        )
        return Response(BreakGlassSerializer(access).data, status=201)


class BreakGlassReview(APIView):
    required_permission = Perm.REVIEW_BREAK_GLASS

    @extend_schema(request=BreakGlassReviewSerializer, responses=BreakGlassSerializer)
    def post(self, request, access_uuid):
        body = BreakGlassReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        access = grants.review_break_glass(
            actor=request.user, access_uuid=access_uuid, request=request, **body.validated_data
        )
        return Response(BreakGlassSerializer(access).data)


class PersonUnmask(APIView):
    """The full resident ID number and/or phone of one person, for a stated purpose; audited as
    ``person.unmasked`` with the fields and the purpose. Lists and exports stay masked."""

    required_permission = Perm.UNMASK_IDENTIFIERS

    @extend_schema(request=UnmaskRequestSerializer, responses=UnmaskedSerializer)
    def post(self, request, person_uuid):
        body = UnmaskRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = sorted(set(body.validated_data["fields"]))
        person = access_person(
            request.user,
            person_uuid,
            action="person.unmasked",
            purpose=body.validated_data["purpose"],
            request=request,
            fields=fields,
        )
        return Response({"uuid": str(person.uuid), **{f: getattr(person, f) for f in fields}})
