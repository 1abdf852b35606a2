"""Rules API (administrators): list, versions, new draft, dry run, publish, retire; and the
population runs (start, progress)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.assessment import selectors, serializers, services
from healthloop.assessment.models import ScreeningRun
from healthloop.assessment.rules import services as rule_services
from healthloop.audit.services import record_bulk_access
from healthloop.core.errors import NotFound

P_RULES = Perm.MANAGE_USERS  # → assessment.manage_rules (administrators only)


def _params(*names: str, **enums: list[str]) -> list[OpenApiParameter]:
    return [OpenApiParameter(n, enum=enums.get(n)) for n in names]


class RuleList(APIView):
    required_permission = P_RULES

    @extend_schema(
        parameters=_params("status", "kind", status=["published", "retired"]),
        responses=serializers.RuleLineSerializer(many=True),
    )
    def get(self, request):
        lines = selectors.rule_list(
            status=request.query_params.get("status", ""), kind=request.query_params.get("kind", "")
        )
        return Response(serializers.RuleLineSerializer(lines, many=True).data)

    @extend_schema(
        request=serializers.NewRuleSerializer, responses={201: serializers.RuleSerializer}
    )
    def post(self, request):
        body = serializers.NewRuleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        code = changes.pop("code")
        rule = rule_services.create_rule_draft(code=code, changes=changes, actor=request.user)
        return Response(serializers.RuleSerializer(rule).data, status=201)


class RuleDetail(APIView):
    required_permission = P_RULES

    @extend_schema(
        responses=serializers.RuleSerializer(many=True),
        description="Every version of the rule, newest first.",
    )
    def get(self, request, code):
        versions = rule_services.rule_versions(code)
        if not versions:
            raise NotFound("rule")
        return Response(serializers.RuleSerializer(versions, many=True).data)


class RuleVersionCreate(APIView):
    required_permission = P_RULES

    @extend_schema(
        request=serializers.RuleDraftSerializer, responses={201: serializers.RuleSerializer}
    )
    def post(self, request, code):
        body = serializers.RuleDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not rule_services.rule_versions(code):
            raise NotFound("rule")
        rule = rule_services.create_rule_draft(
            code=code, changes=dict(body.validated_data), actor=request.user
        )
        return Response(serializers.RuleSerializer(rule).data, status=201)


class RuleDryRun(APIView):
    required_permission = P_RULES

    @extend_schema(
        request=None,
        responses=OpenApiTypes.OBJECT,
        description="Impact of the draft on the current population: newly / no "
        "longer flagged, with pseudonymous examples.",
    )
    def post(self, request, code, version):
        result = rule_services.dry_run_rule(
            rule=rule_services.rule_version(code, version), actor=request.user
        )
        examples = [e["person"] for group in result["examples"].values() for e in group]
        record_bulk_access(
            actor=request.user,
            action="rule.dry_run_examples",
            person_uuids=examples,
            request=request,
        )
        return Response(result)


class RulePublish(APIView):
    required_permission = P_RULES

    @extend_schema(request=None, responses=serializers.RuleSerializer)
    def post(self, request, code, version):
        rule = rule_services.publish_rule(
            rule=rule_services.rule_version(code, version), actor=request.user
        )
        return Response(serializers.RuleSerializer(rule).data)


class RuleRetire(APIView):
    required_permission = P_RULES

    @extend_schema(request=serializers.RetireSerializer, responses=serializers.RuleSerializer)
    def post(self, request, code):
        body = serializers.RetireSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = rule_services.retire_rule(
            code=code, actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(serializers.RuleSerializer(rule).data)


class ScreeningRunList(ListAPIView):
    required_permissions = {"GET": P_RULES, "POST": P_RULES}
    serializer_class = serializers.ScreeningRunSerializer
    filter_backends: list[type] = []
    queryset = ScreeningRun.objects.order_by("-created_at")

    @extend_schema(
        request=serializers.ScreeningRunStartSerializer,
        responses={202: serializers.ScreeningRunSerializer},
    )
    def post(self, request):
        body = serializers.ScreeningRunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.start_population_screening(actor=request.user, **body.validated_data)
        run.refresh_from_db()
        return Response(serializers.ScreeningRunSerializer(run).data, status=202)


class ScreeningRunDetail(APIView):
    required_permission = P_RULES

    @extend_schema(responses=serializers.ScreeningRunSerializer)
    def get(self, request, pk):
        run = get_object_or_404(ScreeningRun, pk=pk)
        return Response(serializers.ScreeningRunSerializer(run).data)
