"""MedicationStatement ↔ records' Medication (name, ATC code, dose, dates, status).

In: the medication from ``medicationCodeableConcept`` or a ``#contained`` Medication's code;
an ATC coding → ``atc_code``; the name from the text or a display; ``dosage[0].text`` (else its
dose quantity) → dose; ``effective[x]`` → start/end dates; the status as sent (R4 codes).
Re-sending: the same person, name, ATC code and start date is the stored one (no source id on
Medication yet, docs/interop.md).
"""

import datetime as dt
from typing import Any

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.context import Entry, IngestContext, entry_errors
from healthloop.interop.fhir.datatypes import (
    concept_text,
    first_coding,
    format_date,
    format_instant,
    parse_date,
)
from healthloop.interop.fhir.errors import invalid, unprocessable
from healthloop.interop.fhir.mapping.common import subject_ref
from healthloop.interop.fhir.mapping.condition import update_status
from healthloop.records.models import Medication

JSON = dict[str, Any]
STATUSES = frozenset(
    {
        "active",
        "completed",
        "entered-in-error",
        "intended",
        "stopped",
        "on-hold",
        "unknown",
        "not-taken",
    }
)


def _medication(entry: Entry) -> JSON:
    data = entry.resource
    if isinstance(data.get("medicationCodeableConcept"), dict):
        return data["medicationCodeableConcept"]
    reference = str((data.get("medicationReference") or {}).get("reference") or "")
    if reference.startswith("#"):
        wanted = ("Medication", reference[1:])
        for contained in data.get("contained") or []:
            if (contained.get("resourceType"), contained.get("id")) == wanted:
                return contained.get("code") or {}
    display = (data.get("medicationReference") or {}).get("display")
    if display:
        return {"text": display}
    where = entry.where("medication[x]")
    raise unprocessable(
        f"{where}: {reference or 'the medication'} cannot be read; send "
        "medicationCodeableConcept or a contained Medication",
        where,
    )


def _dose(data: JSON) -> str:
    dosage = next((d for d in data.get("dosage") or [] if isinstance(d, dict)), {})
    if dosage.get("text"):
        return str(dosage["text"])[:100]
    for rate in dosage.get("doseAndRate") or []:
        quantity = rate.get("doseQuantity") or {}
        if quantity.get("value") is not None:
            return f"{quantity['value']} {quantity.get('unit') or quantity.get('code') or ''}"
    return ""


def _dates(entry: Entry) -> tuple[dt.date | None, dt.date | None]:
    data = entry.resource
    if data.get("effectiveDateTime"):
        return parse_date(data["effectiveDateTime"], entry.where("effectiveDateTime")), None
    period = data.get("effectivePeriod") or {}
    where = entry.where("effectivePeriod")
    return parse_date(period.get("start"), where), parse_date(period.get("end"), where)


def ingest(ctx: IngestContext, entries: list[Entry]) -> None:
    for entry in entries:
        with entry_errors(entry):
            data = entry.resource
            if data.get("status") not in STATUSES:
                raise invalid(
                    f"MedicationStatement.status: {data.get('status')!r} is not a statement status",
                    entry.where("status"),
                )
            person = ctx.subject(entry)
            concept = _medication(entry)
            atc = first_coding(concept, systems.ATC) or {}
            name = concept_text(concept)[:200]
            if not name:
                where = entry.where("medication[x]")
                raise unprocessable(f"{where}: a medication needs a name or a code", where)
            start, end = _dates(entry)
            fields = {
                "person": person,
                "name": name,
                "atc_code": str(atc.get("code") or "")[:10],
                "start_date": start,
            }
            stored = Medication.objects.filter(**fields).first()
            if stored is not None:
                entry.row, entry.status = stored, 200
                update_status(entry, stored, data["status"])
                continue
            entry.row = Medication.objects.create(
                **fields, end_date=end, dose=_dose(data)[:100], status=data["status"]
            )
            entry.status = 201


def to_fhir(row: Medication) -> JSON:
    concept: JSON = {"text": row.name}
    if row.atc_code:
        concept["coding"] = [{"system": systems.ATC, "code": row.atc_code, "display": row.name}]
    resource: JSON = {
        "resourceType": "MedicationStatement",
        "id": str(row.uuid),
        "meta": {"lastUpdated": format_instant(row.updated_at)},
        "status": row.status if row.status in STATUSES else "unknown",
        "medicationCodeableConcept": concept,
        "subject": subject_ref(row),
    }
    if row.start_date and not row.end_date:
        resource["effectiveDateTime"] = format_date(row.start_date)
    elif row.start_date or row.end_date:
        period = {"start": format_date(row.start_date), "end": format_date(row.end_date)}
        resource["effectivePeriod"] = {k: v for k, v in period.items() if v}
    if row.dose:
        resource["dosage"] = [{"text": row.dose}]
    resource["dateAsserted"] = format_instant(row.created_at)
    return resource
