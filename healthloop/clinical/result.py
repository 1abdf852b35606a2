"""Result and specification objects shared by every calculator (see calculator-api.md)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
JsonObject: TypeAlias = dict[str, JsonValue]

# The four-colour warning (四色预警); None where a colour is not meaningful.
Color: TypeAlias = Literal["red", "orange", "yellow", "green"]


def json_object(mapping: Mapping[str, JsonValue]) -> JsonObject:
    """A JSON object copy of a mapping (lets a `dict[str, int]` stand where JSON is expected)."""
    return dict(mapping)


@dataclass(frozen=True)
class CalculatorResult:
    """The outcome of one calculator run. `value` is never rounded (float64 throughout)."""

    name: str
    version: str
    value: float | None
    unit: str | None
    category: str | None
    label: str
    color: Color | None
    basis: tuple[str, ...]
    citation: str
    details: Mapping[str, JsonValue] = field(default_factory=dict)

    def to_dict(self) -> JsonObject:
        """The result object of calculator-api.md, ready for `json.dumps`."""
        return {
            "name": self.name,
            "version": self.version,
            "value": self.value,
            "unit": self.unit,
            "category": self.category,
            "label": self.label,
            "color": self.color,
            "basis": list(self.basis),
            "citation": self.citation,
            "details": copy.deepcopy(dict(self.details)),
        }


@dataclass(frozen=True)
class Title:
    """A display title in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True)
class CalculatorSpec:
    """What `GET /api/v1/calculators` lists for one calculator."""

    name: str
    version: str
    title: Title
    citation: str
    input_schema: Mapping[str, JsonValue]

    def to_dict(self) -> JsonObject:
        return {
            "name": self.name,
            "version": self.version,
            "title": {"zh": self.title.zh, "en": self.title.en},
            "citation": self.citation,
            "input_schema": copy.deepcopy(dict(self.input_schema)),
        }
