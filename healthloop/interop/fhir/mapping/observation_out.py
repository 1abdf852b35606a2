"""records' Observation rows → FHIR Observation, with LOINC and UCUM where we know them.

The code lists the catalog item's LOINC, the source's own coding as it was sent, and our exam
item code; a catalog item's value is in its UCUM catalog unit. A result outside the catalog keeps
the unit it was sent with, marked UCUM only when it is a unit our catalog knows as UCUM.
"""

from typing import Any

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.datatypes import (
    coding,
    fhir_number,
    format_datetime,
    format_instant,
    output_system,
)
from healthloop.interop.fhir.mapping.common import subject_ref
from healthloop.interop.fhir.mapping.values import value_to_fhir
from healthloop.records.catalog import Catalog
from healthloop.records.models import ExamItem, Observation

JSON = dict[str, Any]
STATUS_OUT = {
    Observation.Status.FINAL: "final",
    Observation.Status.AMENDED: "amended",
    Observation.Status.PRELIMINARY: "preliminary",
    Observation.Status.CANCELLED: "entered-in-error",
}
FLAG_DISPLAY = {
    "N": "Normal", "L": "Low", "H": "High", "LL": "Critical low", "HH": "Critical high",
    "A": "Abnormal",
}  # fmt: skip
CATEGORY_OF = {
    **dict.fromkeys(("anthropometry", "vitals"), ("vital-signs", "Vital Signs")),
    **dict.fromkeys(("imaging", "bone"), ("imaging", "Imaging")),
    **dict.fromkeys(("ecg", "lung_function", "hearing"), ("procedure", "Procedure")),
    **dict.fromkeys(("eye", "gynaecology", "summary", "other"), ("exam", "Exam")),
}
LABORATORY = ("laboratory", "Laboratory")


def category_code(item_category: str) -> str:
    return CATEGORY_OF.get(item_category, LABORATORY)[0]


def item_categories(code: str, all_categories: set[str]) -> list[str]:
    """The catalog categories shown as the FHIR category ``code`` (for search)."""
    return sorted(c for c in all_categories if category_code(c) == code)


_known: tuple[Catalog, frozenset[str]] | None = None


def is_known_ucum(unit: str, catalog: Catalog) -> bool:
    """Whether the catalog uses ``unit`` (a catalog or alternate unit: all UCUM codes)."""
    global _known
    if _known is None or _known[0] is not catalog:
        units = {item.unit for item in catalog.by_id.values()}
        units.update(u for item in catalog.by_id.values() for u in item.units)
        _known = (catalog, frozenset(u for u in units if u))
    return unit in _known[1] or unit.lower() in _known[1]


def _code(obs: Observation, item: ExamItem | None) -> JSON:
    items: list[JSON] = []
    if item is not None and item.loinc:
        items.append(coding(systems.LOINC, item.loinc, item.name_en))
    system = output_system(obs.code_system)
    same_as_item = item is not None and (
        (system == systems.LOINC and obs.code == item.loinc)
        or (obs.code_system == "local" and obs.code == item.code)
    )
    if obs.code and not same_as_item:
        items.append(coding(system, obs.code, obs.code_display))
    if item is not None:
        items.append(coding(systems.EXAM_ITEM, item.code, item.name_zh))
    concept: JSON = {"coding": items} if items else {}
    concept["text"] = obs.code_display or (item.name_zh if item else obs.code) or "unknown"
    return concept


def _part(obs: Observation, catalog: Catalog) -> JSON:
    """What a row says that a component says too: code, value, interpretation, range."""
    item = obs.item
    unit = item.unit if item is not None else obs.unit
    ucum = item is not None or (bool(unit) and is_known_ucum(unit, catalog))
    out: JSON = {"code": _code(obs, item)}
    out.update(value_to_fhir(obs, unit, ucum))
    if obs.flag:
        out["interpretation"] = [
            {"coding": [coding(systems.INTERPRETATION, obs.flag, FLAG_DISPLAY.get(obs.flag, ""))]}
        ]
    ref: JSON = {}
    for side, value in (("low", obs.ref_low), ("high", obs.ref_high)):
        if value is not None:
            ref[side] = {"value": fhir_number(value)}
            if unit:
                ref[side]["unit"] = unit
                if ucum:
                    ref[side].update(system=systems.UCUM, code=unit)
    if obs.ref_text:
        ref["text"] = obs.ref_text
    if ref:
        out["referenceRange"] = [ref]
    return out


def _identifier(obs: Observation) -> JSON | None:
    key = obs.source_key or ""
    if not key.startswith("fhir:") or key.startswith("fhir:sha256:") or "|" not in key:
        return None  # not an identifier: a urn:uuid fullUrl, a hashed key, another feed's key
    if obs.source_message_id.startswith("Observation/"):
        return None  # a component's key is its panel's, suffixed
    system, _, value = key[len("fhir:") :].partition("|")
    return {"system": system, "value": value} if system else {"value": value}


def to_fhir(obs: Observation, catalog: Catalog, components: list[Observation]) -> JSON:
    resource: JSON = {
        "resourceType": "Observation",
        "id": str(obs.uuid),
        "meta": {"lastUpdated": format_instant(obs.updated_at)},
    }
    if identifier := _identifier(obs):
        resource["identifier"] = [identifier]
    resource["status"] = STATUS_OUT.get(Observation.Status(obs.status), "unknown")
    if obs.item is not None:
        code, display = CATEGORY_OF.get(obs.item.category, LABORATORY)
        resource["category"] = [
            {"coding": [coding(systems.OBSERVATION_CATEGORY, code, display)], "text": display}
        ]
    part = _part(obs, catalog)
    resource["code"] = part.pop("code")
    resource["subject"] = subject_ref(obs)
    encounter_uuid = getattr(obs, "encounter_uuid", None)
    if encounter_uuid:
        resource["encounter"] = {"reference": f"Encounter/{encounter_uuid}"}
    resource["effectiveDateTime"] = format_datetime(obs.effective_at)
    resource["issued"] = format_instant(obs.created_at)
    resource.update(part)
    if components:
        resource["component"] = [_part(c, catalog) for c in components]
    return resource
