"""Writers of the health record. Every ingestion path (import, HL7, FHIR, portal) ends here.

Each writer validates against the catalog, writes in one transaction together with the
``PendingAssessment`` rows for the persons it touched, and nudges the screening engine on
commit.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthloop.audit.services import record_event
from healthloop.core.clock import age_on, local_day
from healthloop.core.errors import ServiceError
from healthloop.core.handoff import nudge
from healthloop.people.models import Person
from healthloop.records.bulk import insert_rows, uuid7s
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
    value_code, ref_low, ref_high = "", None, None
    if item is None:
        if not allow_uncatalogued:
            raise CatalogError("code", f"未知的检查项目代码“{data.code}”")
        value_num, value_text, unit, flag = _uncatalogued_values(data)
    else:
        rule = catalog.rule(item)
        age = None
        if rule.numeric and person.birth_date:
            age = age_on(person.birth_date, local_day(when))
        value_num, value_text, value_code, unit, ref_low, ref_high, flag = rule.prepare(
            data.value, data.unit, person.sex, age, data.flag
        )
    return _unsaved_observation(
        person,
        item_id=item.id if item else None,
        code_system=data.code_system or "local",
        code=data.code,
        code_display=data.display or (item.name_zh if item else data.code),
        value_num=value_num,
        value_text=value_text,
        value_code=value_code,
        unit=unit,
        ref_low=ref_low,
        ref_high=ref_high,
        ref_text=data.ref_text,
        flag=flag,
        effective_at=when,
        status=data.status,
        source_key=data.source_key,
    )


def _uncatalogued_values(data: ObservationInput) -> tuple[Decimal | None, str, str, str]:
    """(value_num, value_text, unit, flag) of a result kept as sent."""
    raw = data.value
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        number = None
    if isinstance(raw, int | float | Decimal) or (number is not None and number.is_finite()):
        return round(Decimal(str(raw)), 4), "", data.unit[:30], data.flag
    return None, str(raw), data.unit[:30], data.flag


# Observation's columns in model order with their defaults, for positional construction; a
# callable default (the uuid's) is called per row.
_OBSERVATION_FIELDS = tuple(
    (f.attname, None if f.has_default() and callable(f.default) else f.get_default())
    for f in Observation._meta.concrete_fields
)
_OBSERVATION_MADE = tuple(
    (f.attname, f.default)
    for f in Observation._meta.concrete_fields
    if f.has_default() and callable(f.default)
)
_OBSERVATION_ATTNAMES = frozenset(name for name, _ in _OBSERVATION_FIELDS)
_OBSERVATION_PERSON = Observation._meta.get_field("person")


def _unsaved_observation(person: Person, **values: Any) -> Observation:
    """``Observation(person=person, **values)`` (``values`` by attname), built the way Django
    builds the rows it reads, with the values in field order: about half the CPU of keyword
    construction, which counts at thousands of results per request."""
    if unknown := values.keys() - _OBSERVATION_ATTNAMES:
        raise TypeError(f"Observation has no field {sorted(unknown)}")
    for name, make in _OBSERVATION_MADE:
        if name not in values:
            values[name] = make()
    values["person_id"] = person.pk
    get = values.get
    obs = Observation(*[get(name, default) for name, default in _OBSERVATION_FIELDS])
    _OBSERVATION_PERSON.set_cached_value(obs, person)
    return obs


# The lean form of a validated result for the bulk path: a tuple in RESULT_COLUMNS order, built
# by ``prepare_result`` with the catalog's precomputed ItemRule; ``insert_results`` adds the
# row's person, encounter and time and writes it through records.bulk (COPY on PostgreSQL).
RESULT_COLUMNS = (
    "item_id", "code", "code_display", "ref_text", "source_key",
    "value_num", "value_text", "value_code", "unit", "ref_low", "ref_high", "flag",
)  # fmt: skip
PreparedResult = tuple[Any, ...]
RESULT_VALUE_CODE = RESULT_COLUMNS.index("value_code")
_ROW_COLUMNS = (
    "uuid", "created_at", "updated_at", "person_id", "encounter_id", "effective_at", "status",
    "code_system", "source_message_id", *RESULT_COLUMNS,
)  # fmt: skip


def prepare_result(
    catalog: Catalog,
    item: CatalogItem,
    value: Any,
    *,
    unit: str = "",
    sex: str = "unknown",
    age: int | None = None,
    code: str = "",
    display: str = "",
    ref_text: str = "",
    source_key: str | None = None,
    flag: str = "",
) -> PreparedResult:
    """Validate one catalogued result (as ``prepare_observation`` does, same errors) into the
    lean tuple the bulk path writes. ``age`` is the person's age on the result's date."""
    values = catalog.rule(item).prepare(value, unit, sex, age, flag)
    return (item.id, code or item.code, display or item.name_zh, ref_text, source_key, *values)


def insert_results(
    groups: Iterable[tuple[int, int | None, dt.datetime, Sequence[PreparedResult]]],
    *,
    status: str = Observation.Status.FINAL,
    code_system: str = "local",
    source_message_id: str = "",
) -> int:
    """Write prepared results in bulk; each group is (person id, encounter id or None, effective
    time, results). The caller holds the transaction and calls ``mark_pending``."""
    status = str(status)
    return _insert_rows(
        (person_id, encounter_id, effective_at, status, code_system, source_message_id, *result)
        for person_id, encounter_id, effective_at, results in groups
        for result in results
    )


def _insert_rows(rows: Iterable[tuple[Any, ...]]) -> int:
    """Rows in _ROW_COLUMNS order without the uuid and timestamps, which are added here."""
    rows = list(rows)
    now = timezone.now()
    ids = uuid7s(len(rows))
    return insert_rows(
        Observation, _ROW_COLUMNS, [(u, now, now, *row) for u, row in zip(ids, rows, strict=True)]
    )


def _prepared_row(
    catalog: Catalog,
    person: Person,
    data: ObservationInput,
    occurred_at: dt.datetime,
    allow_uncatalogued: bool,
) -> tuple[dt.datetime, str, str, PreparedResult]:
    """(effective time, status, code system, prepared result): prepare_observation's rules."""
    item = catalog.resolve(data.code)
    when = data.effective_at or occurred_at
    if item is None:
        if not allow_uncatalogued:
            raise CatalogError("code", f"未知的检查项目代码“{data.code}”")
        num, text, unit, flag = _uncatalogued_values(data)
        head = (None, data.code, data.display or data.code, data.ref_text, data.source_key)
        result: PreparedResult = (*head, num, text, "", unit, None, None, flag)
    else:
        age = None
        if person.birth_date and catalog.rule(item).numeric:
            age = age_on(person.birth_date, local_day(when))
        result = prepare_result(
            catalog, item, data.value, unit=data.unit, sex=person.sex, age=age, code=data.code,
            display=data.display, ref_text=data.ref_text, source_key=data.source_key,
            flag=data.flag,
        )  # fmt: skip
    return when, str(data.status), data.code_system or "local", result


def mark_pending(person_ids: Iterable[int], *, reason: str) -> int:
    now = timezone.now()
    rows = [(pid, reason, now) for pid in set(person_ids)]
    if rows:
        insert_rows(PendingAssessment, ("person_id", "reason", "created_at"), rows)
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
        encounter = _encounter(
            person, kind, occurred_at, facility, source_system, source_id, exam_package
        )
        seen = _stored_keys([o.source_key for o in prepared if o.source_key])
        new = [o for o in prepared if not o.source_key or o.source_key not in seen]
        for obs in new:
            obs.encounter = encounter
        Observation.objects.bulk_create(new)
        _recorded(actor, person, encounter, len(new), len(prepared) - len(new))
    return encounter, new


def store_encounter_results(
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
) -> tuple[Encounter, int]:
    """``record_encounter_results`` through the bulk path, for feeds that need no Observation
    objects back (HL7): the same validation, errors, duplicate skipping, hand-off and audit;
    returns the encounter and the number of results stored."""
    catalog = get_catalog()
    try:
        prepared = [
            _prepared_row(catalog, person, r, occurred_at, allow_uncatalogued) for r in results
        ]
    except CatalogError as exc:
        raise ServiceError(RecordError.INVALID_VALUE, exc.message, field=exc.field) from exc
    # No savepoint of its own (two round trips per call): a failure rolls back the caller's.
    with transaction.atomic(savepoint=False):
        encounter = _encounter(
            person, kind, occurred_at, facility, source_system, source_id, exam_package
        )
        seen = _stored_keys([key for *_, r in prepared if (key := r[_RESULT_KEY])])
        new = [
            (person.pk, encounter.pk, when, status, system, "", *result)
            for when, status, system, result in prepared
            if not result[_RESULT_KEY] or result[_RESULT_KEY] not in seen
        ]
        _insert_rows(new)
        _recorded(actor, person, encounter, len(new), len(prepared) - len(new))
    return encounter, len(new)


_RESULT_KEY = RESULT_COLUMNS.index("source_key")


def _encounter(
    person: Person,
    kind: str,
    occurred_at: dt.datetime,
    facility: str,
    source_system: str,
    source_id: str,
    exam_package: str,
) -> Encounter:
    """The encounter with this source id, or a new one."""
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
    return encounter


def _stored_keys(keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(Observation.objects.filter(source_key__in=keys).values_list("source_key", flat=True))


def _recorded(actor: Any, person: Person, encounter: Encounter, count: int, skipped: int) -> None:
    if count:
        mark_pending([person.pk], reason="observations")
    record_event(
        actor=actor,
        action="record.results_recorded",
        person_uuid=person.uuid,
        object_type="encounter",
        object_id=str(encounter.uuid),
        detail={"count": count, "skipped_duplicates": skipped},
    )


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
