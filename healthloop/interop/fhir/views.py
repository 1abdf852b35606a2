"""FHIR R4 endpoints. Views: parse → access/service → render; no rule lives here."""

from rest_framework.response import Response

from healthloop.accounts.drf import PUBLIC
from healthloop.accounts.permissions import Perm
from healthloop.interop.fhir import selectors, services
from healthloop.interop.fhir.api import FHIRView
from healthloop.interop.fhir.bundles import process_bundle
from healthloop.interop.fhir.capability import capability_statement
from healthloop.interop.fhir.render import outcome, resource, searchset

READ_WRITE = {"GET": Perm.VIEW_RECORD, "POST": Perm.IMPORT_RESULTS}


class Metadata(FHIRView):
    """GET [base]/metadata — the CapabilityStatement (public, as the spec expects)."""

    required_permission = PUBLIC

    def get(self, request):
        return Response(capability_statement(self.base_url()))


class System(FHIRView):
    """POST [base] — a batch or transaction Bundle."""

    required_permission = Perm.IMPORT_RESULTS

    def post(self, request):
        status, body = process_bundle(
            actor=request.user,
            bundle=request.data,
            base_url=self.base_url(),
            lenient=self.prefer("handling") == "lenient",
            representation=self.prefer("return") == "representation",
            request=request,
        )
        return Response(body, status=status)


class Type(FHIRView):
    """GET [base]/[type] — search; POST [base]/[type] — create (If-None-Exist honoured)."""

    required_permissions = READ_WRITE

    def get(self, request, resource_type):
        services.check_supported(resource_type)
        page = selectors.search_resources(
            request.user,
            resource_type,
            _pairs(request.query_params),
            strict=self.prefer("handling") == "strict",
            request=request,
        )
        return Response(searchset(page, base=self.base_url(), path=resource_type))

    def post(self, request, resource_type):
        entry = services.create_resource(
            actor=request.user,
            resource_type=resource_type,
            body=request.data,
            if_none_exist=request.headers.get("If-None-Exist", ""),
            base_url=self.base_url(),
        )
        location = f"{self.base_url()}/{resource_type}/{entry.row.uuid}"
        headers = {"Location": location}
        if self.prefer("return") == "minimal":
            return Response(None, status=entry.status, headers=headers)
        shown = selectors.written_resources(request.user, resource_type, [str(entry.row.uuid)])
        if self.prefer("return") == "OperationOutcome" or not shown["by_id"]:
            issues = entry.outcome.issues
            if not shown["by_id"]:
                issues = [*issues, services.out_of_scope_note(resource_type, entry.row.uuid)]
            return Response(outcome(issues), status=entry.status, headers=headers)
        body = resource(shown["page"], shown["page"].rows[0])
        return Response(body, status=entry.status, headers=headers)


class TypeSearch(FHIRView):
    """POST [base]/[type]/_search — search with form-encoded parameters."""

    required_permission = Perm.VIEW_RECORD

    def post(self, request, resource_type):
        services.check_supported(resource_type)
        query = _pairs(request.query_params) + _pairs(request.data)
        page = selectors.search_resources(
            request.user,
            resource_type,
            query,
            strict=self.prefer("handling") == "strict",
            request=request,
        )
        return Response(searchset(page, base=self.base_url(), path=resource_type))


class Instance(FHIRView):
    """GET [base]/[type]/[id] — read."""

    required_permission = Perm.VIEW_RECORD

    def get(self, request, resource_type, resource_id):
        services.check_supported(resource_type)
        page = selectors.read_resource(request.user, resource_type, resource_id, request=request)
        return Response(resource(page, page.rows[0]))


def _pairs(params) -> list[tuple[str, str]]:
    if not hasattr(params, "lists"):
        return []
    return [(name, value) for name, values in params.lists() for value in values]
