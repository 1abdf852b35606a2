"""HL7 v2 messages into the person index and the health record.

- ADT^A01/A04/A08 (and the other accepted ADT events): create or update the person from PID.
- ADT^A40: merge the person known by MRG-1 into the person of PID.
- ORU^R01: the person from PID (created when unknown — flagged for identity review without a
  resident ID number, never rejected for it), one encounter per OBR, one observation per OBX.
  OBX codes map through the sending facility's CodeMapping table, then the catalog (local code,
  alias or LOINC). A LOINC code outside the catalog is stored as sent; a local code nobody has
  mapped is held in quarantine until it is mapped. Result status F/P stores, C amends the
  earlier value (its history is kept), X cancels it, I (pending) stores nothing.

Data errors raise HL7ParseError with the HL7 table 0357 code and the segment/field, so the
listener answers AE with an ERR segment and nothing is written.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError
from healthloop.interop.feed_models import CodeMapping, InboundMessage, QuarantinedResult
from healthloop.interop.hl7v2 import (
    CodedValue,
    ErrorCode,
    HL7ParseError,
    ObservationResult,
    Order,
    ParsedMessage,
    PatientIdentity,
    StructuredNumeric,
)
from healthloop.people.identity import IdentityError, parse_resident_id
from healthloop.people.models import Person, PersonIdentifier
from healthloop.people.services import (
    PersonInput,
    attach_identifiers,
    find_person_by_id_number,
    find_person_by_identifier,
    merge_persons,
    upsert_person,
)
from healthloop.records.catalog import get_catalog
from healthloop.records.models import Encounter, Observation
from healthloop.records.services import (
    ObservationInput,
    amend_observation,
    cancel_observation,
    record_encounter_results,
    store_encounter_results,
)

_SEX = {"M": "male", "F": "female"}
_FLAGS = {"N": "N", "L": "L", "H": "H", "LL": "LL", "HH": "HH", "A": "A", "AA": "A"}
_VERB = {"C": "correct", "X": "cancel"}
LOINC_SYSTEMS = frozenset({"LN", "LOINC", "HTTP://LOINC.ORG"})


@dataclass
class IngestOutcome:
    person: Person | None = None
    results: int = 0
    quarantined: list[QuarantinedResult] = field(default_factory=list)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """HL7 times without an offset are the sender's local time: the configured zone."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _facility(message: ParsedMessage) -> str:
    return message.header.sending_facility or message.header.sending_app or "unknown"


def _resident_id(patient: PatientIdentity) -> str:
    for ident in patient.identifiers:
        try:
            return parse_resident_id(ident.id).number
        except IdentityError:
            continue
    return ""


def _identifiers(patient: PatientIdentity, facility: str) -> list[tuple[str, str, str]]:
    """(authority, value, type) as people.PersonIdentifier stores them (100/100/20 chars)."""
    return [
        ((i.assigning_authority or facility)[:100], i.id[:100], i.id_type[:20])
        for i in patient.identifiers
    ]


def resolve_person(message: ParsedMessage, patient: PatientIdentity | None) -> Person:
    """The person a PID describes: by source identifier, then resident ID; else created."""
    if patient is None:
        raise HL7ParseError(ErrorCode.REQUIRED_FIELD_MISSING, "PID segment is required", "PID")
    facility = _facility(message)
    resident_id = _resident_id(patient)
    identifiers = _identifiers(patient, facility)
    known = _linked_persons(identifiers)
    person = next((known[(a, v)] for a, v, _ in identifiers if (a, v) in known), None)
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into
    if person is None and resident_id:
        person = find_person_by_id_number(resident_id)
    name = (patient.family + patient.given).strip() if patient.name else ""
    if person is None:
        data = PersonInput(
            name=name or "未知姓名",
            id_number=resident_id,
            sex=_SEX.get(patient.sex, "unknown"),
            birth_date=None if resident_id else patient.birth_date,
        )
        try:
            person, _ = upsert_person(
                data=data, actor=None, source=f"hl7:{facility}", review_without_id=True
            )
        except ServiceError as exc:
            raise HL7ParseError(ErrorCode.DATA_TYPE_ERROR, exc.message, "PID") from exc
    missing = [i for i in identifiers if (i[0], i[1]) not in known]
    if missing:
        attach_identifiers(person, missing)
    return person


def _linked_persons(identifiers: list[tuple[str, str, str]]) -> dict[tuple[str, str], Person]:
    """The persons already linked to these (authority, value) pairs: one query."""
    wanted = Q()
    for authority, value, _ in identifiers:
        if authority and value:
            wanted |= Q(authority=authority, value=value)
    if not wanted:
        return {}
    links = PersonIdentifier.objects.filter(wanted).select_related("person")
    return {(link.authority, link.value): link.person for link in links}


def _value_and_unit(obx: ObservationResult) -> tuple[Any, str]:
    value = obx.value
    unit = obx.units_code or obx.units_text
    if isinstance(value, StructuredNumeric):
        return (value.number if value.number is not None else obx.raw_value), unit
    if isinstance(value, CodedValue):
        return (value.code or value.text), unit
    if isinstance(value, Decimal):
        return value, unit
    return (value or "").strip(), unit


def _mappings(facility: str, orders: list[Order]) -> dict[str, tuple[int, str]]:
    """The facility's mappings for every OBX code of the message: local code → (mapping id,
    catalog item code), in one query."""
    codes = {c for order in orders for obx in order.results for c in (obx.code, obx.alt_code) if c}
    if not codes:
        return {}
    rows = CodeMapping.objects.filter(sending_facility=facility, local_code__in=codes)
    return {
        code: (pk, item) for pk, code, item in rows.values_list("pk", "local_code", "item__code")
    }


def _catalog_code(
    facility: str, obx: ObservationResult, mappings: dict[str, tuple[int, str]]
) -> tuple[str | None, bool]:
    """(code to resolve in the catalog or None, is LOINC) for one OBX."""
    mapped = [mappings[c] for c in (obx.code, obx.alt_code) if c in mappings]
    if mapped:
        return min(mapped)[1], False  # the earliest mapping, when both codes are mapped
    catalog = get_catalog()
    for code, system in ((obx.code, obx.coding_system), (obx.alt_code, obx.alt_system)):
        if code and catalog.resolve(code) is not None:
            return code, system.upper() in LOINC_SYSTEMS
    is_loinc = obx.coding_system.upper() in LOINC_SYSTEMS or obx.alt_system.upper() in LOINC_SYSTEMS
    return None, is_loinc


def _source_key(facility: str, encounter_id: str, obx: ObservationResult) -> str:
    return f"hl7|{facility}|{encounter_id}|{obx.code or obx.alt_code}|{obx.sub_id}"[:200]


def _result_input(
    facility: str,
    encounter_id: str,
    order: Order,
    obx: ObservationResult,
    code: str,
    is_loinc: bool,
) -> ObservationInput:
    value, unit = _value_and_unit(obx)
    flags = [_FLAGS[f] for f in obx.abnormal_flags if f in _FLAGS]
    return ObservationInput(
        code=code,
        value=value,
        unit=unit,
        effective_at=_aware(obx.observed_at or order.observed_at),
        code_system="http://loinc.org" if is_loinc else facility,
        display=obx.text,
        flag=flags[0] if flags else "",
        ref_text=obx.reference_range.raw if obx.reference_range else "",
        status=Observation.Status.PRELIMINARY
        if obx.result_status == "P"
        else Observation.Status.FINAL,
        source_key=_source_key(facility, encounter_id, obx),
    )


def _encounter_id(message: ParsedMessage, order: Order) -> str:
    return (
        order.filler_number or order.placer_number or f"{message.header.control_id}/{order.set_id}"
    )


def ingest_results(message: ParsedMessage, inbound: InboundMessage) -> IngestOutcome:
    """ORU^R01: every order of the message into the record (caller holds the transaction)."""
    person = resolve_person(message, message.patient)
    outcome = IngestOutcome(person=person)
    facility = _facility(message)
    mappings = _mappings(facility, message.orders)
    for order in message.orders:
        outcome.results += _ingest_order(
            message, inbound, person, facility, order, outcome, mappings
        )
    return outcome


def _ingest_order(
    message: ParsedMessage,
    inbound: InboundMessage,
    person: Person,
    facility: str,
    order: Order,
    outcome: IngestOutcome,
    mappings: dict[str, tuple[int, str]],
) -> int:
    encounter_id = _encounter_id(message, order)
    fresh: list[ObservationInput] = []
    for position, obx in enumerate(order.results, start=1):
        if obx.result_status in ("I", "D") or (obx.value is None and obx.result_status != "X"):
            continue
        code, is_loinc = _catalog_code(facility, obx, mappings)
        if code is None and not is_loinc:
            outcome.quarantined.append(_hold(inbound, person, facility, encounter_id, order, obx))
            continue
        data = _result_input(facility, encounter_id, order, obx, code or obx.code, is_loinc)
        if obx.result_status in ("C", "X"):
            _correct(data, obx, position, inbound)
        else:
            fresh.append(data)
    if not fresh:
        return 0
    when = _aware(order.observed_at or message.header.timestamp) or timezone.now()
    try:
        _, stored = store_encounter_results(
            person=person,
            kind=Encounter.Kind.EXAM,
            occurred_at=when,
            results=fresh,
            actor=None,
            facility=facility,
            source_system=f"hl7:{facility}",
            source_id=encounter_id,
            allow_uncatalogued=True,
        )
    except ServiceError as exc:
        raise HL7ParseError(ErrorCode.DATA_TYPE_ERROR, exc.message, "OBX", 5) from exc
    return stored


def _correct(
    data: ObservationInput, obx: ObservationResult, position: int, inbound: InboundMessage
) -> None:
    earlier = Observation.objects.filter(source_key=data.source_key).first()
    if earlier is None:
        raise HL7ParseError(
            ErrorCode.UNKNOWN_KEY_IDENTIFIER,
            f"OBX {position}: no earlier result to {_VERB[obx.result_status]}",
            "OBX",
            11,
        )
    try:
        if obx.result_status == "X":
            cancel_observation(
                observation=earlier,
                actor=None,
                reason="HL7 result status X",
                source_message_id=inbound.control_id,
            )
        else:
            amend_observation(
                observation=earlier,
                correction=data,
                actor=None,
                reason="HL7 result status C",
                source_message_id=inbound.control_id,
            )
    except ServiceError as exc:
        raise HL7ParseError(ErrorCode.DATA_TYPE_ERROR, exc.message, "OBX", 5) from exc


def _hold(
    inbound: InboundMessage,
    person: Person,
    facility: str,
    encounter_id: str,
    order: Order,
    obx: ObservationResult,
) -> QuarantinedResult:
    value, unit = _value_and_unit(obx)
    when = _aware(obx.observed_at or order.observed_at)
    return QuarantinedResult(
        message=inbound,
        person=person,
        sending_facility=facility,
        local_code=obx.code or obx.alt_code,
        local_text=obx.text[:200],
        coding_system=obx.coding_system[:60],
        payload={
            "value": str(value),
            "unit": unit,
            "flags": list(obx.abnormal_flags),
            "ref_text": obx.reference_range.raw if obx.reference_range else "",
            "effective_at": when.isoformat() if when else None,
            "encounter_id": encounter_id,
            "display": obx.text,
            "source_key": _source_key(facility, encounter_id, obx),
        },
    )


def ingest_patient(message: ParsedMessage) -> IngestOutcome:
    """ADT: create or update the person from PID."""
    person = resolve_person(message, message.patient)
    patient = message.patient
    assert patient is not None
    if person.name in ("", "未知姓名") and patient.name:
        person.name = (patient.family + patient.given).strip() or person.name
        person.save(update_fields=["name", "updated_at"])
    return IngestOutcome(person=person)


def ingest_merge(message: ParsedMessage) -> IngestOutcome:
    """ADT^A40: the person known by MRG-1 merges into the person of PID."""
    facility = _facility(message)
    survivor = None
    for merge in message.merges:
        survivor = resolve_person(message, merge.patient or message.patient)
        duplicate = None
        for ident in merge.prior_identifiers:
            duplicate = find_person_by_identifier(ident.assigning_authority or facility, ident.id)
            if duplicate:
                break
        if duplicate is None:
            raise HL7ParseError(
                ErrorCode.UNKNOWN_KEY_IDENTIFIER, "MRG-1: the prior patient is not known", "MRG", 1
            )
        if duplicate.pk != survivor.pk:
            merge_persons(
                survivor=survivor,
                duplicate=duplicate,
                actor=None,
                reason=f"HL7 ADT^A40 {message.header.control_id}",
            )
    return IngestOutcome(person=survivor)


def release_held_results(*, facility: str, local_code: str) -> int:
    """After a mapping is made: move the held results of (facility, code) into the record."""
    released = 0
    held = QuarantinedResult.objects.filter(
        sending_facility=facility, local_code=local_code, status=QuarantinedResult.Status.HELD
    ).select_related("person")
    mapping = CodeMapping.objects.select_related("item").get(
        sending_facility=facility, local_code=local_code
    )
    for row in held:
        p = row.payload
        when = (
            dt.datetime.fromisoformat(p["effective_at"])
            if p.get("effective_at")
            else row.created_at
        )
        flags = [_FLAGS[f] for f in p.get("flags", []) if f in _FLAGS]
        result = ObservationInput(
            code=mapping.item.code,
            value=p["value"],
            unit=p.get("unit", ""),
            effective_at=when,
            code_system=facility,
            display=p.get("display", ""),
            flag=flags[0] if flags else "",
            ref_text=p.get("ref_text", ""),
            source_key=p.get("source_key"),
        )
        record_encounter_results(
            person=row.person,
            kind=Encounter.Kind.EXAM,
            occurred_at=when,
            results=[result],
            actor=None,
            facility=facility,
            source_system=f"hl7:{facility}",
            source_id=p.get("encounter_id", ""),
        )
        row.status, row.released_at = QuarantinedResult.Status.RELEASED, timezone.now()
        row.save(update_fields=["status", "released_at"])
        released += 1
    return released


@transaction.atomic
def map_local_code(
    *, facility: str, local_code: str, item_code: str, local_text: str = "", actor: Any
) -> tuple[CodeMapping, int]:
    """Map a facility's local code to a catalog item and release the results held for it."""
    catalog_item = get_catalog().resolve(item_code)
    if catalog_item is None:
        raise ServiceError("unknown_item", f"未知的检查项目代码“{item_code}”", field="item_code")
    mapping, _ = CodeMapping.objects.update_or_create(
        sending_facility=facility,
        local_code=local_code,
        defaults={
            "item_id": catalog_item.id,
            "local_text": local_text,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    released = release_held_results(facility=facility, local_code=local_code)
    record_event(
        actor=actor,
        action="interop.code_mapped",
        object_type="code_mapping",
        object_id=f"{facility}|{local_code}",
        detail={"item": item_code, "released": released},
    )
    return mapping, released
