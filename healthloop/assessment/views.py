"""Assessment API: calculators; findings, risk levels, report, trends per person; registers;
rules (administrators); population runs. Views: parse → access → service/selector → serialize.

Permissions: the ``assessment.*`` permissions proposed in docs/screening.md are not yet in
``accounts.permissions``; until they are, each view declares the closest existing one
(``P_*`` below), so changing them is a one-line edit here.
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.assessment import (
    indicators,
    registers,
    report,
    selectors,
    serializers,
    services,
    trends,
)
from healthloop.assessment.calculators import (
    CalculatorNotFound,
    InputError,
    calculator_specs,
    run_calculator,
)
from healthloop.assessment.errors import AssessmentError
from healthloop.audit.services import record_bulk_access
from healthloop.core.errors import ServiceError
from healthloop.people.access import access_person
from healthloop.people.selectors import org_unit_param

P_VIEW = Perm.VIEW_RECORD  # → assessment.view_assessment
P_REGISTER_EDIT = Perm.IMPORT_RESULTS  # → assessment.manage_registers
P_QUESTIONNAIRE = Perm.IMPORT_RESULTS  # → assessment.record_questionnaire


class CalculatorList(APIView):
    required_permission = Perm.RUN_CALCULATOR

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(calculator_specs())


class CalculatorRun(APIView):
    required_permission = Perm.RUN_CALCULATOR

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request, name):
        try:
            return Response(run_calculator(name, request.data))
        except InputError as exc:
            return Response(exc.to_dict(), status=400)
        except CalculatorNotFound:
            return Response({"error": f"unknown calculator: {name}", "field": None}, status=404)


def _params(*names: str, **enums: list[str]) -> list[OpenApiParameter]:
    return [OpenApiParameter(n, enum=enums.get(n)) for n in names]


@extend_schema(
    parameters=_params(
        "person",
        "severity",
        "rule",
        "status",
        "major_class",
        "disease",
        severity=["critical", "high", "medium", "low"],
        status=["open", "resolved"],
        major_class=["A", "B"],
    )
)
class FindingList(ListAPIView):
    """Findings (one per rule hit) of the persons the user may see, newest first."""

    required_permission = P_VIEW
    serializer_class = serializers.FindingSerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        q = self.request.query_params
        person = None
        if q.get("person"):
            person = access_person(
                self.request.user, q["person"], action="finding.viewed", request=self.request
            )
        return selectors.findings_list(
            self.request.user, person=person, severity=q.get("severity", ""),
            rule=q.get("rule", ""), status=q.get("status", ""),
            major_class=q.get("major_class", ""), disease=q.get("disease", ""),
        )  # fmt: skip

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        uuids = {row["person"] for row in response.data["results"]}
        record_bulk_access(
            actor=request.user, action="finding.listed", person_uuids=uuids, request=request
        )
        return response


class PersonRiskLevels(APIView):
    required_permission = P_VIEW

    @extend_schema(responses=serializers.RiskLevelSerializer(many=True))
    def get(self, request, person_uuid):
        person = access_person(
            request.user, person_uuid, action="risk_level.viewed", request=request
        )
        levels = selectors.person_risk_levels(person)
        return Response(serializers.RiskLevelSerializer(levels, many=True).data)


class PersonAssessments(APIView):
    required_permission = P_VIEW

    @extend_schema(
        responses=serializers.AssessmentSerializer(many=True),
        description="The current result of each model, with its inputs snapshot "
        "and what was missing.",
    )
    def get(self, request, person_uuid):
        person = access_person(
            request.user, person_uuid, action="assessment.viewed", request=request
        )
        rows = selectors.person_assessments(person)
        return Response(serializers.AssessmentSerializer(rows, many=True).data)


class PersonReport(APIView):
    required_permission = P_VIEW

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        description="个人健康评估报告: summary, abnormal_items (with reference "
        "ranges), models (result and basis), risk_levels, comparison "
        "(year over year with trend), findings, advice.",
    )
    def get(self, request, person_uuid):
        person = access_person(request.user, person_uuid, action="report.viewed", request=request)
        return Response(report.person_report(person))


class PersonTrends(APIView):
    required_permission = P_VIEW

    @extend_schema(
        parameters=_params("item"),
        responses=OpenApiTypes.OBJECT,
        description="Trend status per numeric item across yearly exams.",
    )
    def get(self, request, person_uuid):
        person = access_person(request.user, person_uuid, action="trend.viewed", request=request)
        return Response(
            trends.person_trends(person, item_code=request.query_params.get("item", ""))
        )


class PersonRegisters(APIView):
    required_permissions = {"GET": P_VIEW, "POST": P_REGISTER_EDIT}

    @extend_schema(responses=serializers.PersonRegisterEntrySerializer(many=True))
    def get(self, request, person_uuid):
        person = access_person(request.user, person_uuid, action="register.viewed", request=request)
        entries = selectors.person_register_entries(person)
        return Response(serializers.PersonRegisterEntrySerializer(entries, many=True).data)

    @extend_schema(
        request=serializers.RegisterChangeSerializer, responses=serializers.RegisterEntrySerializer
    )
    def post(self, request, person_uuid):
        body = serializers.RegisterChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = access_person(
            request.user,
            person_uuid,
            action="register.accessed_for_change",
            request=request,
            lock=True,
        )
        entry = registers.set_register_status(
            person=person, actor=request.user, **body.validated_data
        )
        return Response(serializers.RegisterEntrySerializer(entry).data)


class PersonQuestionnaires(APIView):
    required_permission = P_QUESTIONNAIRE

    @extend_schema(
        request=serializers.QuestionnaireSerializer,
        responses={201: serializers.QuestionnaireResultSerializer},
    )
    def post(self, request, person_uuid):
        body = serializers.QuestionnaireSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = access_person(
            request.user, person_uuid, action="questionnaire.accessed", request=request
        )
        response = services.record_questionnaire_response(
            person=person, actor=request.user, **body.validated_data
        )
        return Response(serializers.QuestionnaireResultSerializer(response).data, status=201)


_REGISTER_FILTERS = _params(
    "disease",
    "level",
    "org_unit",
    "age_band",
    "sex",
    "status",
    level=["red", "orange", "yellow", "green"],
    sex=["male", "female"],
    status=["included", "excluded"],
)


def _register_query(request):
    q = request.query_params
    unit = org_unit_param(q.get("org_unit"))
    return registers.register_entries(
        request.user, disease=q.get("disease", ""), level=q.get("level", ""), org_unit=unit,
        age_band=q.get("age_band", ""), sex=q.get("sex", ""), status=q.get("status", ""),
    )  # fmt: skip


@extend_schema(parameters=_REGISTER_FILTERS)
class RegisterList(ListAPIView):
    required_permission = P_VIEW
    serializer_class = serializers.RegisterEntrySerializer
    filter_backends: list[type] = []

    def get_queryset(self):
        return _register_query(self.request)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        uuids = {row["person"] for row in response.data["results"]}
        record_bulk_access(
            actor=request.user, action="register.listed", person_uuids=uuids, request=request
        )
        return response


class RegisterSummary(APIView):
    required_permission = P_VIEW

    @extend_schema(parameters=_REGISTER_FILTERS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(selectors.register_summary(_register_query(request)))


class KeyIndicators(APIView):
    """Key indicators across years (dashboard): per exam year, persons examined and persons
    beyond a guideline threshold, over the persons the user may see."""

    required_permission = P_VIEW

    @extend_schema(
        parameters=[
            OpenApiParameter("years", int, description=f"1–{indicators.MAX_YEARS}, default 5")
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        raw = request.query_params.get("years", "5")
        try:
            years = int(raw)
            if not 1 <= years <= indicators.MAX_YEARS:
                raise ValueError
        except ValueError:
            raise ServiceError(
                AssessmentError.BAD_YEARS,
                f"years 必须是 1 到 {indicators.MAX_YEARS} 之间的整数",
                field="years",
            ) from None
        return Response(indicators.key_indicators(request.user, years=years))


class RegisterExport(APIView):
    required_permission = P_VIEW

    @extend_schema(
        parameters=_REGISTER_FILTERS,
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY
        },
    )
    def get(self, request):
        entries = _register_query(request)
        rows = registers.export_rows(entries)
        record_bulk_access(
            actor=request.user,
            action="register.exported",
            request=request,
            person_uuids=set(entries.values_list("person__uuid", flat=True)),
        )
        response = HttpResponse(
            registers.export_workbook(rows),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
        response["Content-Disposition"] = 'attachment; filename="register.xlsx"'
        return response
