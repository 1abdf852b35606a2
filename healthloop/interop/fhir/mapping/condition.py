"""Condition ↔ records' Condition (ICD-10 code, name, onset date, status).

In: an ICD-10 coding (any of the ICD-10 system URIs we know) → ``icd10``; the name from the
coding's display or the text. A code from another system (SNOMED CT …) has no column: the
condition keeps its name only (gap noted in docs/interop.md). ``clinicalStatus`` active /
recurrence / relapse → active, inactive / remission / resolved → resolved; verificationStatus
entered-in-error → entered-in-error. ``onsetString`` is not a date and is not kept.
Re-sending: a condition with the same person, code, name and onset date is the stored one
(records has no source id for conditions yet).
"""

from typing import Any

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.context import Entry, IngestContext, entry_errors
from healthloop.interop.fhir.datatypes import (
    codings,
    concept_text,
    format_date,
    format_instant,
    parse_date,
)
from healthloop.interop.fhir.errors import unprocessable
from healthloop.interop.fhir.mapping.common import subject_ref
from healthloop.records.models import Condition

JSON = dict[str, Any]
ACTIVE, RESOLVED, ENTERED_IN_ERROR = "active", "resolved", "entered-in-error"
CLINICAL_IN = {
    "active": ACTIVE, "recurrence": ACTIVE, "relapse": ACTIVE,
    "inactive": RESOLVED, "remission": RESOLVED, "resolved": RESOLVED,
}  # fmt: skip
SOURCE_SYSTEM = "fhir"


def _code(data: JSON) -> tuple[str, str]:
    concept = data.get("code")
    for c in codings(concept):
        if c.get("system") in systems.ICD10_SYSTEMS and c.get("code"):
            return str(c["code"])[:20], str(c.get("display") or concept_text(concept))[:200]
    return "", concept_text(concept)[:200]


def _status(data: JSON) -> str:
    verification = codings(data.get("verificationStatus"))
    if any(c.get("code") == ENTERED_IN_ERROR for c in verification):
        return ENTERED_IN_ERROR
    for c in codings(data.get("clinicalStatus")):
        if c.get("code") in CLINICAL_IN:
            return CLINICAL_IN[str(c["code"])]
    return ACTIVE


def _onset(entry: Entry) -> Any:
    data = entry.resource
    period = data.get("onsetPeriod") or {}
    value = data.get("onsetDateTime") or period.get("start")
    if not value and data.get("onsetString"):
        entry.outcome.warn(f"{entry.where('onsetString')}: not a date; not kept")
    return parse_date(value, entry.where("onset[x]"))


def ingest(ctx: IngestContext, entries: list[Entry]) -> None:
    for entry in entries:
        with entry_errors(entry):
            person = ctx.subject(entry)
            icd10, name = _code(entry.resource)
            if not (icd10 or name):
                where = entry.where("code")
                raise unprocessable(f"{where}: a condition needs a code or a name", where)
            onset = _onset(entry)
            fields = {"person": person, "icd10": icd10, "name": name, "onset_date": onset}
            stored = Condition.objects.filter(**fields).first()
            if stored is not None:
                entry.row, entry.status = stored, 200
                update_status(entry, stored, _status(entry.resource))
                continue
            entry.row = Condition.objects.create(
                **fields,
                encounter=ctx.encounter(entry, person),
                status=_status(entry.resource),
                source_system=SOURCE_SYSTEM,
            )
            entry.status = 201


def update_status(entry: Entry, stored: Any, status: str) -> None:
    """A re-sent condition or statement whose status changed (resolved, stopped, entered in
    error) updates the stored row's status; nothing else is changed."""
    if stored.status == status:
        return
    entry.outcome.warn(f"{entry.where('status')}: {stored.status} → {status}")
    stored.status = status
    stored.save(update_fields=["status", "updated_at"])


def to_fhir(row: Condition) -> JSON:
    resource: JSON = {
        "resourceType": "Condition",
        "id": str(row.uuid),
        "meta": {"lastUpdated": format_instant(row.updated_at)},
    }
    if row.status == ENTERED_IN_ERROR:
        resource["verificationStatus"] = {
            "coding": [{"system": systems.CONDITION_VERIFICATION, "code": ENTERED_IN_ERROR}]
        }
    else:
        code = RESOLVED if row.status == RESOLVED else ACTIVE
        resource["clinicalStatus"] = {
            "coding": [{"system": systems.CONDITION_CLINICAL, "code": code}]
        }
    concept: JSON = {"text": row.name or row.icd10}
    if row.icd10:
        concept["coding"] = [{"system": systems.ICD10, "code": row.icd10, "display": row.name}]
    resource["code"] = concept
    resource["subject"] = subject_ref(row)
    encounter_uuid = getattr(row, "encounter_uuid", None)
    if encounter_uuid:
        resource["encounter"] = {"reference": f"Encounter/{encounter_uuid}"}
    if row.onset_date:
        resource["onsetDateTime"] = format_date(row.onset_date)
    resource["recordedDate"] = format_date(row.created_at.date())
    return resource
