"""DiagnosticReport ↔ an exam Encounter (体检) with its results.

In: a report becomes an Encounter of kind ``exam``: ``code`` text → exam package, ``conclusion``
→ summary (总检结论), ``effective[x]`` (else ``issued``) → time, the first performer's display →
facility. Its ``result`` Observations sent in the same request are filed under it. Attachments
(``presentedForm``), images and coded conclusions are not kept.
Out: every exam Encounter reads as a DiagnosticReport (same id), its results as references.
"""

from typing import Any

from healthloop.interop.fhir.context import Entry, IngestContext, encounter_source, entry_errors
from healthloop.interop.fhir.datatypes import Token, concept_text, format_datetime, format_instant
from healthloop.interop.fhir.errors import invalid
from healthloop.interop.fhir.mapping import encounter as encounters
from healthloop.interop.fhir.mapping.common import subject_ref
from healthloop.interop.fhir.mapping.observation import effective_of
from healthloop.records.models import Encounter

JSON = dict[str, Any]
REPORT_STATUSES = frozenset(
    {
        "registered", "partial", "preliminary", "final", "amended", "corrected", "appended",
        "cancelled", "entered-in-error", "unknown",
    }
)  # fmt: skip
PACKAGE_MAX = 100


def ingest(ctx: IngestContext, entries: list[Entry]) -> None:
    planned = []
    for entry in entries:
        with entry_errors(entry):
            data = entry.resource
            if data.get("status") not in REPORT_STATUSES:
                raise invalid(
                    f"DiagnosticReport.status: {data.get('status')!r} is not a report status",
                    entry.where("status"),
                )
            person = ctx.subject(entry)
            source_system, source_id = encounter_source(entry)
            when = effective_of(data, entry.where())
            if when is None:
                entry.outcome.warn(f"{entry.where()}: no effective[x] or issued; time of receipt")
            performers: list[JSON] = data.get("performer") or []
            performer = next((p for p in performers if p.get("display")), {})
            row = Encounter(
                person=person,
                kind=Encounter.Kind.EXAM,
                occurred_at=when or ctx.now,
                facility=str(performer.get("display", ""))[:100],
                exam_package=concept_text(data.get("code"))[:PACKAGE_MAX],
                summary=str(data.get("conclusion") or ""),
                source_system=source_system,
                source_id=source_id,
            )
            if data.get("presentedForm"):
                entry.outcome.warn(f"{entry.where('presentedForm')}: attachments are not kept")
            planned.append((entry, row))
    encounters.write_encounters(ctx, planned)
    for entry, _ in planned:
        for result in entry.resource.get("result") or []:
            reference = str(result.get("reference") or "")
            if reference:
                ctx.result_of_report[ctx.absolute(reference, entry)] = entry.row


def find_existing(token: Token) -> list[Encounter]:
    return [row for row in encounters.find_existing(token) if row.kind == Encounter.Kind.EXAM]


def to_fhir(row: Encounter, results: list[str]) -> JSON:
    """``results``: the public ids of the report's observations."""
    resource: JSON = {
        "resourceType": "DiagnosticReport",
        "id": str(row.uuid),
        "meta": {"lastUpdated": format_instant(row.updated_at)},
    }
    if ids := encounters.identifiers(row):
        resource["identifier"] = ids
    resource.update(
        {
            "status": "final",
            "code": {"text": row.exam_package or Encounter.Kind.EXAM.label},
            "subject": subject_ref(row),
            "encounter": {"reference": f"Encounter/{row.uuid}"},
            "effectiveDateTime": format_datetime(row.occurred_at),
            "issued": format_instant(row.created_at),
        }
    )
    if row.facility:
        resource["performer"] = [{"display": row.facility}]
    if results:
        resource["result"] = [{"reference": f"Observation/{uuid}"} for uuid in results]
    if row.summary:
        resource["conclusion"] = row.summary
    return resource
