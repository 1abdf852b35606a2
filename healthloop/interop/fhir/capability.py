"""The CapabilityStatement served at /fhir/R4/metadata: what this facade really does."""

from typing import Any

from django.utils import timezone

from healthloop.interop.fhir.search_params import FILTERS, SORTS
from healthloop.interop.fhir.services import NOT_YET, SUPPORTED

JSON = dict[str, Any]
SOFTWARE_VERSION = "0.1.0"
PARAM_TYPES = {
    "_id": "token", "identifier": "token", "code": "token", "category": "token",
    "status": "token", "gender": "token", "class": "token", "clinical-status": "token",
    "verification-status": "token", "patient": "reference", "subject": "reference",
    "encounter": "reference", "name": "string", "date": "date", "birthdate": "date",
    "onset-date": "date", "effective": "date", "authored": "date", "questionnaire": "reference",
}  # fmt: skip
CONDITIONAL_CREATE = frozenset(
    {"Patient", "Observation", "Encounter", "DiagnosticReport", "QuestionnaireResponse"}
)


def _resource(resource_type: str) -> JSON:
    interactions = [{"code": "read"}, {"code": "search-type"}, {"code": "create"}]
    return {
        "type": resource_type,
        "interaction": interactions,
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "conditionalCreate": resource_type in CONDITIONAL_CREATE,
        "conditionalUpdate": False,
        "conditionalDelete": "not-supported",
        "searchParam": [
            {"name": name, "type": PARAM_TYPES[name]} for name in FILTERS[resource_type]
        ],
        "documentation": "Sort keys: " + ", ".join(SORTS[resource_type]) + " (prefix - for "
        "descending). Paging: _count (max 500) and _offset.",
    }


def capability_statement(base_url: str) -> JSON:
    not_yet = "; ".join(NOT_YET.values()) or "nothing listed"
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": "HealthLoop",
        "kind": "instance",
        "software": {"name": "HealthLoop FHIR facade", "version": SOFTWARE_VERSION},
        "implementation": {
            "description": "FHIR R4 facade over the HealthLoop health record",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read and search are limited to the persons the caller looks "
                "after (others answer 404). Create, batch and transaction need the "
                f"interop.import_results permission. Not yet supported: {not_yet}.",
                "security": {
                    "cors": False,
                    "description": "Session or 'Authorization: Token <key>' as for /api/v1/",
                },
                "resource": [_resource(t) for t in SUPPORTED],
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
            }
        ],
    }
