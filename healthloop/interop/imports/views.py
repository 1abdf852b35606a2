"""Import API. Views: parse → access → service → serialize."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from healthloop.accounts.permissions import Perm
from healthloop.interop.imports import services
from healthloop.interop.imports.access import access_import_job, visible_import_jobs
from healthloop.interop.imports.report import error_report_csv, error_report_file_name
from healthloop.interop.imports.serializers import (
    ImportJobDetailSerializer,
    ImportJobSerializer,
    ImportUploadSerializer,
)
from healthloop.interop.imports.template import TEMPLATE_FILE_NAME, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


class ImportJobListCreate(ListAPIView):
    """GET: the import history (newest first). POST: upload a file and import it."""

    required_permission = Perm.IMPORT_RESULTS
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list[type] = []

    def get_queryset(self):
        return visible_import_jobs(self.request.user)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: OpenApiResponse(ImportJobDetailSerializer, description="已同步处理完成"),
            202: OpenApiResponse(ImportJobDetailSerializer, description="大文件：已排队后台处理"),
            400: OpenApiResponse(description="文件级错误：{error, code, field: file}"),
        },
    )
    def post(self, request):
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        job = services.start_import(
            actor=request.user,
            file_name=upload.name,
            content=upload,
            mode=body.validated_data["mode"],
            source_system=body.validated_data.get("source_system", services.DEFAULT_SOURCE_SYSTEM),
        )
        code = status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED
        return Response(ImportJobDetailSerializer(job).data, status=code)


class ImportJobDetail(APIView):
    required_permission = Perm.IMPORT_RESULTS

    @extend_schema(responses=ImportJobDetailSerializer)
    def get(self, request, job_uuid):
        job = access_import_job(request.user, job_uuid)
        return Response(ImportJobDetailSerializer(job).data)


class ImportJobErrors(APIView):
    required_permission = Perm.IMPORT_RESULTS

    @extend_schema(
        operation_id="api_v1_interop_imports_errors_csv",
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    def get(self, request, job_uuid):
        job = access_import_job(
            request.user, job_uuid, action="import.error_report_downloaded", request=request
        )
        return _download(
            error_report_csv(job), "text/csv; charset=utf-8", error_report_file_name(job)
        )


class ImportTemplate(APIView):
    required_permission = Perm.IMPORT_RESULTS

    @extend_schema(
        operation_id="api_v1_interop_imports_template_xlsx",
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request):
        return _download(template_workbook(), XLSX, TEMPLATE_FILE_NAME)
