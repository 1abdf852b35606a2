"""Encounter ↔ records' Encounter (exam, outpatient, inpatient, follow-up, self-report).

In: the kind from our own type coding when present (a round trip), else from ``class``
(IMP/ACUTE/NONAC → inpatient, anything else → outpatient); the time from ``period``; the
facility from ``serviceProvider``/``location`` display. Identifier (else urn:uuid fullUrl) →
(source_system, source_id): a re-sent Encounter is the stored one.
Out: status ``finished`` (we keep no status: our rows record visits that took place).
"""

import datetime as dt
from typing import Any

from healthloop.interop.fhir import matching, systems
from healthloop.interop.fhir.context import Entry, IngestContext, encounter_source, entry_errors
from healthloop.interop.fhir.datatypes import (
    Token,
    authority_system,
    coding,
    first_coding,
    format_datetime,
    format_instant,
    parse_datetime,
)
from healthloop.interop.fhir.mapping.common import subject_ref
from healthloop.records.bulk import bulk_insert
from healthloop.records.models import Encounter

JSON = dict[str, Any]
Kind = Encounter.Kind
INPATIENT_CLASSES = frozenset({"IMP", "ACUTE", "NONAC"})
CLASS_OUT = {
    Kind.INPATIENT: ("IMP", "inpatient encounter"),
    Kind.SELF_REPORT: ("VR", "virtual"),
}
_AMBULATORY = ("AMB", "ambulatory")
_NO_IDENTIFIER_SYSTEMS = ("fhir", "urn:uuid")


def _kind(data: JSON) -> str:
    for concept in data.get("type") or []:
        own = first_coding(concept, systems.ENCOUNTER_KIND)
        if own and own.get("code") in Kind.values:
            return str(own["code"])
    klass = data.get("class") or {}
    return Kind.INPATIENT if klass.get("code") in INPATIENT_CLASSES else Kind.OUTPATIENT


def _facility(data: JSON) -> str:
    provider = data.get("serviceProvider") or {}
    if provider.get("display"):
        return str(provider["display"])[:100]
    for place in data.get("location") or []:
        display = (place.get("location") or {}).get("display")
        if display:
            return str(display)[:100]
    return ""


def _when(ctx: IngestContext, entry: Entry, period: Any) -> dt.datetime:
    period = period if isinstance(period, dict) else {}
    value = period.get("start") or period.get("end")
    if value:
        moment = parse_datetime(value, entry.where("period"))
        if moment is not None:
            return moment
    entry.outcome.warn(f"{entry.where('period')}: no start; the time of receipt is kept")
    return ctx.now


def write_encounters(ctx: IngestContext, planned: list[tuple[Entry, Encounter]]) -> None:
    """Store the planned rows, or match the ones already stored with the same source id."""
    new: list[Encounter] = []
    sources = [(row.source_system, row.source_id) for _, row in planned if row.source_id]
    seen = matching.encounters_by_source(sources)
    for entry, row in planned:
        source = (row.source_system, row.source_id)
        stored = seen.get(source) if row.source_id else None
        if stored is not None:
            entry.row, entry.status = stored, 200
            continue
        if row.source_id:
            seen[source] = row
        new.append(row)
        entry.row, entry.status = row, 201
    bulk_insert(Encounter, new)
    ids = matching.encounter_ids_by_uuid([row.uuid for row in new])
    for row in new:
        row.pk = ids[row.uuid]
        row._state.adding = False


def ingest(ctx: IngestContext, entries: list[Entry]) -> None:
    planned = []
    for entry in entries:
        with entry_errors(entry):
            data = entry.resource
            person = ctx.subject(entry)
            source_system, source_id = encounter_source(entry)
            row = Encounter(
                person=person,
                kind=_kind(data),
                occurred_at=_when(ctx, entry, data.get("period")),
                facility=_facility(data),
                source_system=source_system,
                source_id=source_id,
            )
            planned.append((entry, row))
    write_encounters(ctx, planned)


def find_existing(token: Token) -> list[Encounter]:
    entry = Entry("Encounter", {"identifier": [{"system": token.system, "value": token.code}]})
    return matching.encounters_with_source(*encounter_source(entry))


def identifiers(row: Encounter) -> list[JSON]:
    if not row.source_id or row.source_system in _NO_IDENTIFIER_SYSTEMS:
        return []
    return [{"system": authority_system(row.source_system), "value": row.source_id}]


def to_fhir(row: Encounter) -> JSON:
    klass, label = CLASS_OUT.get(Kind(row.kind), _AMBULATORY)
    resource: JSON = {
        "resourceType": "Encounter",
        "id": str(row.uuid),
        "meta": {"lastUpdated": format_instant(row.updated_at)},
    }
    if ids := identifiers(row):
        resource["identifier"] = ids
    resource.update(
        {
            "status": "finished",
            "class": coding(systems.ACT_CODE, klass, label),
            "type": [
                {
                    "coding": [coding(systems.ENCOUNTER_KIND, row.kind, Kind(row.kind).label)],
                    "text": row.exam_package or Kind(row.kind).label,
                }
            ],
            "subject": subject_ref(row),
            "period": {"start": format_datetime(row.occurred_at)},
        }
    )
    if row.facility:
        resource["serviceProvider"] = {"display": row.facility}
    return resource
