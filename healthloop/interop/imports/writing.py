"""The write of a validated import: one transaction, set-based except for new persons.

Order: new persons (``people.services.upsert_person``, one at a time: it checks duplicates and
audits the creation), then encounters (``records.bulk.bulk_insert``) and the prepared results
(``records.services.insert_results``: COPY on PostgreSQL), then ``records.services.mark_pending``
for the persons touched and one audit event per person touched. A failure anywhere rolls
everything back.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from healthloop.audit.services import record_bulk_access
from healthloop.interop.imports.persons import PersonPlan
from healthloop.interop.imports.validation import PreparedRow
from healthloop.people.services import upsert_person
from healthloop.records.bulk import bulk_insert
from healthloop.records.models import Encounter
from healthloop.records.services import insert_results, mark_pending

_CHUNK = 500
PENDING_REASON = "import"
AUDIT_ACTION = "record.results_imported"


@dataclass(frozen=True)
class WriteResult:
    rows_imported: int
    observations_created: int
    encounters_created: int
    persons_created: int
    persons_touched: int


def write_results(
    *,
    rows: list[PreparedRow],
    new_plans: list[PersonPlan],
    actor: Any,
    source_system: str,
    job_uuid: uuid.UUID,
) -> WriteResult:
    """Write the rows' new results. Preconditions: the rows came from ``validate_rows`` (each
    result prepared by ``prepare_result``, duplicates dropped) and the caller decided
    they may be written (all-or-nothing: no row failed)."""
    rows = [r for r in rows if r.observations]
    with transaction.atomic():
        for plan in new_plans:
            assert plan.new_input is not None
            plan.person, _ = upsert_person(
                data=plan.new_input, actor=actor, source=f"import:{job_uuid}"
            )
        encounter_ids, encounters_created = _encounters(rows, source_system)
        observations = insert_results(
            (row.plan.person.pk, encounter_ids[row.exam_no], row.exam_at, row.observations)
            for row in rows
        )
        persons = {row.plan.person.pk: row.plan.person.uuid for row in rows}
        mark_pending(persons.keys(), reason=PENDING_REASON)
        record_bulk_access(actor=actor, action=AUDIT_ACTION, person_uuids=persons.values())
    return WriteResult(
        rows_imported=len(rows),
        observations_created=observations,
        encounters_created=encounters_created,
        persons_created=len(new_plans),
        persons_touched=len(persons),
    )


def _encounters(rows: list[PreparedRow], source_system: str) -> tuple[dict[str, int], int]:
    """Encounter ids by exam number: the stored ones, plus the new ones inserted in bulk."""
    exam_nos = sorted({row.exam_no for row in rows})
    ids = _encounter_ids(source_system, exam_nos)
    new: dict[str, Encounter] = {}
    for row in rows:
        if row.exam_no not in ids and row.exam_no not in new:
            new[row.exam_no] = Encounter(
                person=row.plan.person,
                kind=Encounter.Kind.EXAM,
                occurred_at=row.exam_at,
                exam_package=row.exam_package,
                source_system=source_system,
                source_id=row.exam_no,
            )
    bulk_insert(Encounter, list(new.values()))
    ids.update(_encounter_ids(source_system, sorted(new)))
    return ids, len(new)


def _encounter_ids(source_system: str, exam_nos: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(exam_nos), _CHUNK):
        query = Encounter.objects.filter(
            source_system=source_system, source_id__in=exam_nos[start : start + _CHUNK]
        )
        ids.update(query.values_list("source_id", "id"))
    return ids
