"""Writes of the FHIR facade: create (optionally conditional) and the entries of batch and
transaction Bundles, mapped into people and records through their services.

Preconditions: the caller holds ``interop.import_results``. Ingestion matches persons over the
whole index, like the other feeds (``matching.py``); what the response shows goes through
the caller's read scope (``selectors.written_resources``).
"""

from collections import Counter
from types import ModuleType
from typing import Any

from django.db import transaction

from healthloop.audit.services import record_event
from healthloop.interop.fhir import matching
from healthloop.interop.fhir.context import (
    Entry,
    IngestContext,
    entry_errors,
    identifier_criteria,
    source_key,
)
from healthloop.interop.fhir.datatypes import Token
from healthloop.interop.fhir.errors import FHIRError, Issue, IssueType, invalid, not_supported
from healthloop.interop.fhir.mapping import (
    condition,
    diagnostic_report,
    encounter,
    medication_statement,
    observation,
    patient,
    questionnaire_response,
)
from healthloop.records.models import Observation

# Written in this order, so that a reference always points at a row already written.
MAPPINGS: dict[str, ModuleType] = {
    "Patient": patient,
    "Encounter": encounter,
    "DiagnosticReport": diagnostic_report,
    "Observation": observation,
    "Condition": condition,
    "MedicationStatement": medication_statement,
    "QuestionnaireResponse": questionnaire_response,
}
SUPPORTED = tuple(MAPPINGS)
NOT_YET: dict[str, str] = {}


def out_of_scope_note(resource_type: str, resource_id: Any) -> Issue:
    return Issue(
        IssueType.INFORMATIONAL,
        f"{resource_type}/{resource_id} was written; it is outside your read scope, so it is "
        "not shown",
        severity="information",
    )


def check_supported(resource_type: str, *, status: int = 404) -> None:
    if resource_type not in MAPPINGS:
        reason = NOT_YET.get(resource_type, f"{resource_type!r} is not supported by this server")
        raise not_supported(reason, status=status)


def _existing(resource_type: str, query: str) -> list[Any]:
    """What an If-None-Exist ``identifier=system|value`` finds (over the whole index)."""
    token = identifier_criteria(query, resource_type)
    if resource_type == "Patient":
        return matching.persons_with_identifier(token.system or "", token.code)
    if resource_type == "Observation":
        key = source_key(f"{token.system}|{token.code}")
        return list(Observation.objects.filter(source_key=key).select_related("person"))
    if resource_type in ("Encounter", "DiagnosticReport", "QuestionnaireResponse"):
        return MAPPINGS[resource_type].find_existing(token)
    raise FHIRError(
        400,
        IssueType.NOT_SUPPORTED,
        f"conditional create is not supported for {resource_type}: we keep no identifier for it",
    )


def _existing_in_bulk(resource_type: str, entries: list[Entry]) -> dict[str, list[Any]]:
    """``_existing`` for the If-None-Exist of many entries, looked up together (a few queries
    instead of one per entry), by query. Criteria that do not parse are left out: ``_matched``
    reports them, in entry order."""
    tokens: dict[str, Token] = {}
    for entry in entries:
        try:
            tokens[entry.if_none_exist] = identifier_criteria(entry.if_none_exist, resource_type)
        except FHIRError:
            continue
    if resource_type == "Patient":
        persons = matching.persons_with_identifiers(
            (t.system or "", t.code) for t in tokens.values()
        )
        return {q: persons[(t.system or "", t.code)] for q, t in tokens.items()}
    if resource_type == "Observation":
        keys = {q: source_key(f"{t.system}|{t.code}") for q, t in tokens.items()}
        stored = matching.observations_with_keys(keys.values())
        return {q: [stored[key]] if key in stored else [] for q, key in keys.items()}
    return {}


def _matched(entry: Entry, prefetched: dict[str, list[Any]]) -> bool:
    with entry_errors(entry):
        found = prefetched.get(entry.if_none_exist)
        if found is None:
            found = _existing(entry.resource_type, entry.if_none_exist)
        if len(found) > 1:
            raise FHIRError(
                412,
                IssueType.MULTIPLE_MATCHES,
                f"If-None-Exist {entry.if_none_exist!r} matches {len(found)} resources",
            )
    if found:
        entry.row, entry.status = found[0], 200
        return True
    return False


def write_entries(ctx: IngestContext, entries: list[Entry]) -> None:
    """Write validated entries type by type. The caller holds the transaction."""
    for resource_type, mapping in MAPPINGS.items():
        group = [e for e in entries if e.resource_type == resource_type]
        conditional = [e for e in group if e.if_none_exist]
        prefetched = _existing_in_bulk(resource_type, conditional) if len(conditional) > 1 else {}
        todo = [e for e in group if not (e.if_none_exist and _matched(e, prefetched))]
        if todo:
            mapping.ingest(ctx, todo)
        for entry in group:
            if entry.full_url and entry.row is not None:
                ctx.written[entry.full_url] = entry


def audit_write(ctx: IngestContext, entries: list[Entry], *, interaction: str) -> None:
    """One ``fhir.received`` event per person touched, with what the request did."""
    counts = Counter(f"{e.resource_type}:{e.status}" for e in entries if e.status)
    for person in ctx.persons_touched.values():
        record_event(
            actor=ctx.actor,
            action="fhir.received",
            person_uuid=person.uuid,
            object_type=interaction,
            detail={"entries": dict(sorted(counts.items()))},
        )


def parse_body(body: Any, resource_type: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object holding one FHIR resource", resource_type)
    return body


def create_resource(
    *, actor: Any, resource_type: str, body: Any, if_none_exist: str, base_url: str
) -> Entry:
    """Create one resource (or match it: If-None-Exist, or an identifier already held)."""
    check_supported(resource_type)
    data = parse_body(body, resource_type)
    ctx = IngestContext(actor=actor, base_url=base_url)
    ctx.validator.validate(data, resource_type)
    entry = Entry(resource_type, data, if_none_exist=if_none_exist)
    with transaction.atomic():
        write_entries(ctx, [entry])
        audit_write(ctx, [entry], interaction=resource_type)
    return entry
