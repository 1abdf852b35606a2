"""Calculator API: GET /api/v1/calculators, POST /api/v1/calculators/{name}."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.assessment.calculators import (
    CalculatorNotFound,
    InputError,
    calculator_specs,
    run_calculator,
)


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
