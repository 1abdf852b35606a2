"""Observation values: read a FHIR value[x] into what records stores, and write it back.

records keeps one value per row: ``value_num`` + ``unit`` (UCUM for catalog items), ``value_code``
(+ ``value_text`` as its display), or ``value_text``. FHIR types without a column of their own
(Range, Ratio, Period, SampledData, dateTime, time) are kept as text and read back as
valueString; ``valueQuantity.comparator`` ("<0.5") is kept as text and read back as a Quantity
with its comparator.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.datatypes import (
    concept_text,
    decimal_or_none,
    fhir_number,
    first_coding,
)
from healthloop.records.models import Observation

JSON = dict[str, Any]
_MAX_NUMBER = Decimal("1e10")  # value_num is NUMERIC(14, 4)
_COMPARED = re.compile(r"^(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)$")
_INT32 = 2**31


@dataclass(frozen=True)
class SourceValue:
    kind: str  # quantity | integer | codeable | string | boolean | other | none
    value: Any = ""
    unit: str = ""
    code: str = ""
    text: str = ""

    @property
    def is_number(self) -> bool:
        return self.kind in ("quantity", "integer")


def _quantity_unit(quantity: JSON) -> str:
    if quantity.get("system") == systems.UCUM and quantity.get("code"):
        return str(quantity["code"])
    return str(quantity.get("unit") or quantity.get("code") or "")


def _number(raw: Any, kind: str, unit: str = "") -> SourceValue:
    number = decimal_or_none(raw)
    if number is None:
        return SourceValue("none")
    if abs(number) >= _MAX_NUMBER:
        return SourceValue("string", value=f"{raw} {unit}".strip())
    return SourceValue(kind, value=number, unit=unit)


def _range_text(value: JSON) -> str:
    low, high = value.get("low") or {}, value.get("high") or {}
    unit = _quantity_unit(high) or _quantity_unit(low)
    return f"{low.get('value', '')}–{high.get('value', '')} {unit}".strip()


def read_value(holder: JSON) -> SourceValue:
    """The value[x] of an Observation or of one of its components."""
    if isinstance(quantity := holder.get("valueQuantity"), dict):
        unit = _quantity_unit(quantity)
        if quantity.get("comparator") and quantity.get("value") is not None:
            return SourceValue(
                "string", value=f"{quantity['comparator']}{quantity['value']}", unit=unit
            )
        return _number(quantity.get("value"), "quantity", unit)
    if "valueInteger" in holder:
        return _number(holder["valueInteger"], "integer")
    if isinstance(concept := holder.get("valueCodeableConcept"), dict):
        coding = next((c for c in concept.get("coding") or [] if c.get("code")), None)
        text = concept_text(concept)
        code = str(coding["code"]) if coding else text
        display = str(coding.get("display") or concept.get("text") or "") if coding else text
        return SourceValue("codeable", value=code, code=code[:60], text=display)
    if "valueBoolean" in holder:
        flag = "true" if holder["valueBoolean"] else "false"
        return SourceValue("boolean", value=flag, code=flag)
    for name in ("valueString", "valueDateTime", "valueTime"):
        if holder.get(name) is not None:
            return SourceValue("string", value=str(holder[name]))
    if isinstance(holder.get("valueRange"), dict):
        return SourceValue("other", value=_range_text(holder["valueRange"]))
    if isinstance(ratio := holder.get("valueRatio"), dict):
        num, den = ratio.get("numerator") or {}, ratio.get("denominator") or {}
        return SourceValue("other", value=f"{num.get('value', '')}/{den.get('value', '')}")
    if isinstance(period := holder.get("valuePeriod"), dict):
        return SourceValue("other", value=f"{period.get('start', '')}/{period.get('end', '')}")
    if isinstance(sampled := holder.get("valueSampledData"), dict):
        return SourceValue("other", value=str(sampled.get("data") or ""))
    return SourceValue("none")


def fill_reference_range(obs: Observation, holder: JSON) -> None:
    """The sender's first reference range, for a result outside our catalog."""
    ranges = [r for r in holder.get("referenceRange") or [] if isinstance(r, dict)]
    if not ranges:
        return
    first = ranges[0]
    for attr, side in (("ref_low", "low"), ("ref_high", "high")):
        number = decimal_or_none((first.get(side) or {}).get("value"))
        if number is not None and abs(number) < _MAX_NUMBER:
            setattr(obs, attr, round(number, 4))
    if first.get("text"):
        obs.ref_text = " ".join(str(first["text"]).split())[:100]


def _quantity(value: Decimal, unit: str, is_ucum: bool) -> JSON:
    out: JSON = {"value": fhir_number(value)}
    if unit:
        out["unit"] = unit
        if is_ucum:
            out["system"], out["code"] = systems.UCUM, unit
    return out


def value_to_fhir(obs: Observation, unit: str, is_ucum: bool) -> JSON:
    """The value[x] element(s) of a stored row, in a dict to merge into the resource."""
    if obs.value_num is not None:
        number = obs.value_num
        if (
            not unit
            and obs.item_id is None
            and number == number.to_integral_value()
            and (abs(number) < _INT32)
        ):
            return {"valueInteger": int(number)}
        return {"valueQuantity": _quantity(number, unit, is_ucum)}
    if obs.value_code:
        if obs.value_code in ("true", "false") and not obs.value_text and obs.item_id is None:
            return {"valueBoolean": obs.value_code == "true"}
        concept: JSON = {"coding": [{"code": obs.value_code}]}
        if obs.value_text:
            concept["coding"][0]["display"] = obs.value_text
        concept["text"] = obs.value_text or obs.value_code
        return {"valueCodeableConcept": concept}
    if obs.value_text:
        compared = _COMPARED.match(obs.value_text.strip())
        if compared:
            quantity = _quantity(Decimal(compared[2]), unit, is_ucum)
            return {"valueQuantity": {"comparator": compared[1], **quantity}}
        return {"valueString": obs.value_text}
    return {}


def interpretation_flag(holder: JSON, table: dict[str, str]) -> str:
    for concept in holder.get("interpretation") or []:
        coding = first_coding(concept, systems.INTERPRETATION) or first_coding(concept)
        if coding and str(coding.get("code")) in table:
            return table[str(coding["code"])]
    return ""
