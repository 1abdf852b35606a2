"""Writers of the health record. Every ingestion path (import, HL7, FHIR, portal) ends here.

Each writer validates against the catalog, writes in one transaction together with the
``PendingAssessment`` rows for the persons it touched, and nudges the screening engine on
commit.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthloop.audit.services import record_event
from healthloop.core.clock import age_on
from healthloop.core.errors import ServiceError
from healthloop.core.handoff import nudge
from healthloop.people.models import Person
from healthloop.records.catalog import Catalog, CatalogError, CatalogItem, get_catalog
from healthloop.records.errors import RecordError
from healthloop.records.models import (
    Encounter,
    Observation,
    ObservationRevision,
    PendingAssessment,
)

ASSESSMENT_DRAIN = "assessment"


@dataclass(frozen=True)
class ObservationInput:
    """One result as a source sent it. ``code`` is a local code, alias or LOINC."""

    code: str
    value: Any
    unit: str = ""
    effective_at: dt.datetime | None = None
    code_system: str = ""
    display: str = ""
    flag: str = ""
    ref_text: str = ""
    status: str = Observation.Status.FINAL
    source_key: str | None = None


def prepare_observation(
    catalog: Catalog,
    person: Person,
    data: ObservationInput,
    *,
    effective_at: dt.datetime,
    allow_uncatalogued: bool = False,
) -> Observation:
    """Validate one result against the catalog and build (not save) its Observation.

    Raises CatalogError naming the field: unknown item, unknown unit, not a number, impossible.
    With ``allow_uncatalogued`` a code outside the catalog (e.g. a FHIR LOINC we do not screen
    on) is kept as sent, with no item, conversion or computed flag.
    """
    item = catalog.resolve(data.code)
    when = data.effective_at or effective_at
    obs = Observation(
        person=person,
        item_id=item.id if item else None,
        code_system=data.code_system or "local",
        code=data.code,
        code_display=data.display or (item.name_zh if item else data.code),
        effective_at=when,
        status=data.status,
        source_key=data.source_key,
        ref_text=data.ref_text,
        uuid=uuid.uuid4(),
    )
    if item is None:
        if not allow_uncatalogued:
            raise CatalogError("code", f"未知的检查项目代码“{data.code}”")
        _fill_uncatalogued(obs, data)
    elif item.value_type == "numeric":
        _fill_numeric(catalog, item, obs, data, person)
    else:
        text = str(data.value).strip()
        if not text:
            raise CatalogError("value", f"{item.name_zh}的结果为空")
        if item.value_type in ("coded", "ordinal"):
            obs.value_code = text
            obs.flag = data.flag or catalog.flag_coded(item, text)
        else:
            obs.value_text = text
            obs.flag = data.flag
    return obs


def _fill_numeric(
    catalog: Catalog, item: CatalogItem, obs: Observation, data: ObservationInput, person: Person
) -> None:
    value = catalog.parse_number(item, data.value)
    value = catalog.to_catalog_unit(item, value, data.unit)
    catalog.check_plausible(item, value)
    obs.value_num = round(value, 4)
    obs.unit = item.unit
    age = age_on(person.birth_date, obs.effective_at.date()) if person.birth_date else None
    flag, ref = catalog.flag(item, value, person.sex, age)
    obs.flag = data.flag or flag
    if ref is not None:
        obs.ref_low, obs.ref_high = ref.low, ref.high


def _fill_uncatalogued(obs: Observation, data: ObservationInput) -> None:
    raw = data.value
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        number = None
    if isinstance(raw, int | float | Decimal) or (number is not None and number.is_finite()):
        obs.value_num = round(Decimal(str(raw)), 4)
    else:
        obs.value_text = str(raw)
    obs.unit = data.unit[:30]
    obs.flag = data.flag


def mark_pending(person_ids: Iterable[int], *, reason: str) -> int:
    rows = [PendingAssessment(person_id=pid, reason=reason) for pid in set(person_ids)]
    PendingAssessment.objects.bulk_create(rows)
    if rows:
        nudge(ASSESSMENT_DRAIN)
    return len(rows)


def record_encounter_results(
    *,
    person: Person,
    kind: str,
    occurred_at: dt.datetime,
    results: Sequence[ObservationInput],
    actor: Any,
    facility: str = "",
    source_system: str = "",
    source_id: str = "",
    exam_package: str = "",
    allow_uncatalogued: bool = False,
) -> tuple[Encounter, list[Observation]]:
    """Record one encounter (an exam, a visit) with its results, all or nothing.

    Preconditions: ``person`` came through people.access or a trusted feed. A result that
    fails validation raises ServiceError naming the field and nothing is written. Results
    whose ``source_key`` was already stored are skipped (a re-sent message changes nothing).
    """
    catalog = get_catalog()
    try:
        prepared = [
            prepare_observation(
                catalog, person, r, effective_at=occurred_at, allow_uncatalogued=allow_uncatalogued
            )
            for r in results
        ]
    except CatalogError as exc:
        raise ServiceError(RecordError.INVALID_VALUE, exc.message, field=exc.field) from exc
    with transaction.atomic():
        encounter = None
        if source_id:
            encounter = Encounter.objects.filter(
                source_system=source_system, source_id=source_id
            ).first()
        if encounter is None:
            encounter = Encounter.objects.create(
                person=person,
                kind=kind,
                occurred_at=occurred_at,
                facility=facility,
                source_system=source_system,
                source_id=source_id,
                exam_package=exam_package,
            )
        keys = [o.source_key for o in prepared if o.source_key]
        seen = set(
            Observation.objects.filter(source_key__in=keys).values_list("source_key", flat=True)
        )
        new = [o for o in prepared if not o.source_key or o.source_key not in seen]
        for obs in new:
            obs.encounter = encounter
        Observation.objects.bulk_create(new)
        if new:
            mark_pending([person.pk], reason="observations")
        record_event(
            actor=actor,
            action="record.results_recorded",
            person_uuid=person.uuid,
            object_type="encounter",
            object_id=str(encounter.uuid),
            detail={"count": len(new), "skipped_duplicates": len(prepared) - len(new)},
        )
    return encounter, new


_REVISED_FIELDS = (
    "value_num", "value_text", "value_code", "unit", "ref_low", "ref_high", "ref_text", "flag",
    "effective_at", "status", "source_message_id",
)  # fmt: skip


def _snapshot(obs: Observation) -> dict[str, Any]:
    return {name: str(getattr(obs, name)) for name in _REVISED_FIELDS}


@transaction.atomic
def amend_observation(
    *,
    observation: Observation,
    correction: ObservationInput,
    actor: Any,
    reason: str,
    source_message_id: str = "",
) -> Observation:
    """Replace an observation's value with a corrected one, keeping the old value as a
    revision (HL7 result status C, FHIR status amended/corrected)."""
    catalog = get_catalog()
    try:
        fresh = prepare_observation(
            catalog,
            observation.person,
            correction,
            effective_at=observation.effective_at,
            allow_uncatalogued=observation.item_id is None,
        )
    except CatalogError as exc:
        raise ServiceError(RecordError.INVALID_VALUE, exc.message, field=exc.field) from exc
    ObservationRevision.objects.create(
        observation=observation,
        revised_at=timezone.now(),
        previous=_snapshot(observation),
        reason=reason,
        source_message_id=source_message_id,
    )
    for name in (
        "value_num",
        "value_text",
        "value_code",
        "unit",
        "ref_low",
        "ref_high",
        "ref_text",
        "flag",
        "effective_at",
    ):
        setattr(observation, name, getattr(fresh, name))
    observation.status = Observation.Status.AMENDED
    observation.source_message_id = source_message_id or observation.source_message_id
    observation.save()
    mark_pending([observation.person_id], reason="observation_amended")
    record_event(
        actor=actor,
        action="record.observation_amended",
        person_uuid=observation.person.uuid,
        object_type="observation",
        object_id=str(observation.uuid),
        purpose=reason,
    )
    return observation


@transaction.atomic
def cancel_observation(
    *, observation: Observation, actor: Any, reason: str, source_message_id: str = ""
) -> Observation:
    """Withdraw a result (HL7 status X, FHIR entered-in-error); its value is kept as history."""
    ObservationRevision.objects.create(
        observation=observation,
        revised_at=timezone.now(),
        previous=_snapshot(observation),
        reason=reason,
        source_message_id=source_message_id,
    )
    observation.status = Observation.Status.CANCELLED
    observation.save(update_fields=["status", "updated_at"])
    mark_pending([observation.person_id], reason="observation_cancelled")
    record_event(
        actor=actor,
        action="record.observation_cancelled",
        person_uuid=observation.person.uuid,
        object_type="observation",
        object_id=str(observation.uuid),
        purpose=reason,
    )
    return observation
