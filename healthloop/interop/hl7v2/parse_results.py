"""ORC/OBR/OBX/NTE segments to Orders and ObservationResults.

Grouping is by position, as in every ORU/OUL/ERP structure: an OBX belongs to the OBR before it;
an NTE annotates the OBX (or, before any OBX, the OBR) before it. OBX outside any OBR (ADT, or
the v2.7+ patient-level observations) are returned separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .datatypes import (
    Warnings,
    is_valid_loinc,
    parse_coded,
    parse_numeric,
    parse_reference_range,
    parse_structured_numeric,
    parse_timestamp,
)
from .model import ObservationResult, ObservationValue, Order
from .parse_patient import provider_from_xcn
from .tokenizer import Segment, Value

_CODED_TYPES = frozenset({"CE", "CWE", "CNE", "CF"})
_TEXT_TYPES = frozenset({"ST", "TX", "FT", "TN"})
_LOINC_SYSTEMS = frozenset({"LN", "LOINC", "2.16.840.1.113883.6.1"})


@dataclass
class _ResultGroup:
    obx: Segment
    notes: list[str] = field(default_factory=list)


@dataclass
class _OrderGroup:
    obr: Segment
    orc: Segment | None
    results: list[_ResultGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Groups:
    orders: list[_OrderGroup] = field(default_factory=list)
    loose: list[_ResultGroup] = field(default_factory=list)


def _note_text(nte: Segment) -> str:
    return "\n".join(rep.full_text() for rep in nte.repetitions(3))


def group_results(segments: list[Segment]) -> _Groups:
    """Assign OBX and NTE segments to their OBR by position."""
    groups = _Groups()
    order: _OrderGroup | None = None
    orc: Segment | None = None
    last: _ResultGroup | _OrderGroup | None = None
    for seg in segments:
        if seg.id == "ORC":
            orc, order, last = seg, None, None
        elif seg.id == "OBR":
            order = _OrderGroup(seg, orc)
            groups.orders.append(order)
            last = order
        elif seg.id == "OBX":
            last = _ResultGroup(seg)
            (order.results if order else groups.loose).append(last)
        elif seg.id == "NTE" and last is not None:
            last.notes.append(_note_text(seg))
        elif seg.id in ("PID", "PV1", "SPM"):
            last = None
    return groups


def build_orders(
    groups: _Groups, warnings: Warnings
) -> tuple[tuple[Order, ...], tuple[ObservationResult, ...]]:
    orders = tuple(_build_order(g, warnings) for g in groups.orders)
    loose = tuple(_build_result(r, warnings) for r in groups.loose)
    return orders, loose


def _build_order(group: _OrderGroup, warnings: Warnings) -> Order:
    obr, orc = group.obr, group.orc
    where = f"OBR[{obr.sequence}]"
    service = obr.first(4)
    placer = obr.text(2) or (orc.text(2) if orc else "")
    filler = obr.text(3) or (orc.text(3) if orc else "")
    results = tuple(_build_result(r, warnings) for r in group.results)
    _warn_duplicate_set_ids(results, where, warnings)
    return Order(
        set_id=obr.text(1),
        placer_number=placer,
        filler_number=filler,
        service_code=service.text(1),
        service_text=service.text(2),
        service_system=service.text(3),
        observed_at=parse_timestamp(obr.text(7), f"{where}-7", warnings),
        reported_at=parse_timestamp(obr.text(22), f"{where}-22", warnings),
        result_status=obr.text(25),
        ordering_provider=provider_from_xcn(obr.first(16)),
        results=results,
        notes=tuple(group.notes),
    )


def _warn_duplicate_set_ids(
    results: tuple[ObservationResult, ...], where: str, warnings: Warnings
) -> None:
    seen: set[str] = set()
    for result in results:
        if result.set_id and result.set_id in seen:
            warnings.append(f"{where}: duplicate OBX set ID {result.set_id!r}")
        seen.add(result.set_id)


def _build_result(group: _ResultGroup, warnings: Warnings) -> ObservationResult:
    obx = group.obx
    where = f"OBX[{obx.sequence}]"
    value_type = obx.text(2).upper()
    ident = parse_coded(obx.first(3))
    _check_loinc(ident.code, ident.system, f"{where}-3", warnings)
    _check_loinc(ident.alt_code, ident.alt_system, f"{where}-3", warnings)
    units = obx.first(6)
    return ObservationResult(
        set_id=obx.text(1),
        value_type=value_type,
        code=ident.code,
        text=ident.text,
        coding_system=ident.system,
        alt_code=ident.alt_code,
        alt_text=ident.alt_text,
        alt_system=ident.alt_system,
        sub_id=obx.first(4).full_text().strip(),
        values=_values(obx, value_type, f"{where}-5", warnings),
        raw_value=Value(obx.raw(5), obx.delimiters).full_text(),
        units_code=units.text(1),
        units_text=units.text(2),
        units_system=units.text(3),
        reference_range=parse_reference_range(obx.first(7).full_text()),
        abnormal_flags=tuple(rep.text(1) for rep in obx.repetitions(8) if rep.text(1)),
        result_status=obx.text(11),
        observed_at=parse_timestamp(obx.text(14), f"{where}-14", warnings),
        notes=tuple(group.notes),
    )


def _check_loinc(code: str, system: str, where: str, warnings: Warnings) -> None:
    if code and system.upper() in _LOINC_SYSTEMS and not is_valid_loinc(code):
        warnings.append(f"{where}: {code!r} is coded as LOINC but is not a valid LOINC code")


def _values(
    obx: Segment, value_type: str, where: str, warnings: Warnings
) -> tuple[ObservationValue, ...]:
    values: list[ObservationValue] = []
    for rep in obx.repetitions(5):
        value = _typed_value(rep, value_type, where, warnings)
        if value is not None:
            values.append(value)
    return tuple(values)


def _typed_value(
    rep: Value, value_type: str, where: str, warnings: Warnings
) -> ObservationValue | None:
    if value_type == "NM":
        return parse_numeric(rep.full_text(), where, warnings)
    if value_type == "SN":
        return parse_structured_numeric(rep, where, warnings)
    if value_type in _CODED_TYPES:
        return parse_coded(rep)
    if value_type in _TEXT_TYPES:
        return rep.full_text()
    if value_type == "ED" and len(rep.components()) < 5:
        warnings.append(f"{where}: value of type ED lacks the 5 ED components: {rep.raw[:40]!r}")
    return rep.full_text()
