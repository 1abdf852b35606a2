"""Rows (read through selectors) → FHIR JSON: resources, searchset and response Bundles."""

from typing import Any
from urllib.parse import urlencode

from healthloop.interop.fhir.errors import Issue, operation_outcome
from healthloop.interop.fhir.mapping import (
    condition,
    diagnostic_report,
    encounter,
    medication_statement,
    observation_out,
    patient,
    questionnaire_response,
)
from healthloop.interop.fhir.selectors import Page
from healthloop.records.catalog import get_catalog

JSON = dict[str, Any]
REASONS = {
    200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
    409: "Conflict", 412: "Precondition Failed", 422: "Unprocessable Entity",
}  # fmt: skip


def resource(page: Page, row: Any) -> JSON:
    kind = page.resource_type
    if kind == "Patient":
        return patient.to_fhir(row, list(row.identifiers.all()))
    if kind == "Observation":
        parts = page.components.get(f"Observation/{row.uuid}", [])
        return observation_out.to_fhir(row, get_catalog(), parts)
    if kind == "DiagnosticReport":
        return diagnostic_report.to_fhir(row, page.results.get(row.pk, []))
    if kind == "Encounter":
        return encounter.to_fhir(row)
    if kind == "Condition":
        return condition.to_fhir(row)
    if kind == "QuestionnaireResponse":
        return questionnaire_response.to_fhir(row)
    return medication_statement.to_fhir(row)


def status_line(status: int) -> str:
    return f"{status} {REASONS.get(status, '')}".strip()


def searchset(page: Page, *, base: str, path: str) -> JSON:
    """A searchset Bundle with self/first/previous/next links (absolute URLs)."""
    assert page.request is not None
    request = page.request

    def link(relation: str, offset: int) -> JSON:
        params = [*request.params, ("_count", str(request.count)), ("_offset", str(offset))]
        return {"relation": relation, "url": f"{base}/{path}?{urlencode(params)}"}

    links = [link("self", request.offset), link("first", 0)]
    if request.offset > 0:
        links.append(link("previous", max(0, request.offset - request.count)))
    more = (
        request.offset + len(page.rows) < page.total
        if page.total is not None
        else len(page.rows) == request.count and request.count > 0
    )
    if more:
        links.append(link("next", request.offset + request.count))
    bundle: JSON = {"resourceType": "Bundle", "type": "searchset"}
    if page.total is not None:
        bundle["total"] = page.total
    bundle["link"] = links
    entries = [
        {
            "fullUrl": f"{base}/{page.resource_type}/{row.uuid}",
            "resource": resource(page, row),
            "search": {"mode": "match"},
        }
        for row in page.rows
    ]
    if entries:  # FHIR JSON has no empty arrays
        bundle["entry"] = entries
    return bundle


def outcome(issues: list[Issue]) -> JSON:
    return operation_outcome(issues)
