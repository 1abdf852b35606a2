"""Declarative input fields: one declaration drives validation and the JSON Schema.

Every calculator declares its inputs once, as an `InputSpec` of `InputField`s and cross-field
`Constraint`s, and names itself with a `Model`. The same declaration

- validates an input dataclass in its `__post_init__` (`InputSpec.validate`), so Python callers
  who build the dataclass directly get the same checks as API callers;
- parses the JSON-ish mapping of the HTTP API and the CLI (`InputSpec.parse`), rejecting
  unknown keys and naming missing ones;
- renders the JSON Schema served by `GET /api/v1/calculators` (`InputSpec.json_schema`).

Nothing is guessed or clamped: a bool is not a number, a string is not a bool, and a value
outside the accepted range is an error naming the input.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from healthloop.clinical.constraints import Constraint
from healthloop.clinical.errors import ClinicalInputError
from healthloop.clinical.result import JsonObject, JsonValue, Title

T = TypeVar("T")

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _kind(raw: object) -> str:
    return "null" if raw is None else type(raw).__name__


def _fmt(number: float) -> str:
    return f"{number:g}"


@dataclass(frozen=True, kw_only=True)
class InputField(ABC):
    """One named input. `name` is the API name, `attr` the dataclass attribute."""

    name: str
    attr: str
    description: str
    required: bool = True

    @abstractmethod
    def coerce(self, raw: object) -> object:
        """Return the normalised value or raise `ClinicalInputError` naming this field."""

    def schema(self) -> JsonObject:
        return {"description": self.description}

    def error(self, message: str) -> ClinicalInputError:
        return ClinicalInputError(self.name, message)


@dataclass(frozen=True, kw_only=True)
class NumberField(InputField):
    """A real number with a unit and an inclusive accepted range."""

    unit: str
    minimum: float
    maximum: float

    def coerce(self, raw: object) -> float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.error(f"{self.name} must be a number in {self.unit}, got {_kind(raw)}")
        value = float(raw)
        if not math.isfinite(value):
            raise self.error(f"{self.name} must be a finite number, got {raw!r}")
        if not self.minimum <= value <= self.maximum:
            raise self.error(
                f"{self.name} = {_fmt(value)} {self.unit} is outside the accepted range "
                f"{_fmt(self.minimum)} to {_fmt(self.maximum)} {self.unit}"
            )
        return value

    def schema(self) -> JsonObject:
        return {
            "type": "number",
            "minimum": self.minimum,
            "maximum": self.maximum,
            "description": f"{self.description} (unit: {self.unit})",
        }


def _as_int(raw: object) -> int | None:
    """An int, or an integral float (JSON has one number type); None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return None


@dataclass(frozen=True, kw_only=True)
class IntegerField(InputField):
    """A whole number with an inclusive accepted range."""

    minimum: int
    maximum: int
    unit: str | None = None

    def coerce(self, raw: object) -> int:
        value = _as_int(raw)
        if value is None:
            raise self.error(f"{self.name} must be an integer, got {_kind(raw)} {raw!r}")
        if not self.minimum <= value <= self.maximum:
            raise self.error(
                f"{self.name} = {value} is outside the accepted range "
                f"{self.minimum} to {self.maximum}"
            )
        return value

    def schema(self) -> JsonObject:
        unit = f" (unit: {self.unit})" if self.unit else ""
        return {
            "type": "integer",
            "minimum": self.minimum,
            "maximum": self.maximum,
            "description": self.description + unit,
        }


@dataclass(frozen=True, kw_only=True)
class BoolField(InputField):
    """A JSON boolean; strings such as "true" and numbers such as 1 are rejected."""

    def coerce(self, raw: object) -> bool:
        if not isinstance(raw, bool):
            raise self.error(f"{self.name} must be true or false, got {_kind(raw)} {raw!r}")
        return raw

    def schema(self) -> JsonObject:
        return {"type": "boolean", "description": self.description}


@dataclass(frozen=True, kw_only=True)
class ChoiceField(InputField):
    """One string out of a fixed set."""

    choices: tuple[str, ...]

    def coerce(self, raw: object) -> str:
        if not isinstance(raw, str) or raw not in self.choices:
            raise self.error(f"{self.name} must be one of {', '.join(self.choices)}; got {raw!r}")
        return raw

    def schema(self) -> JsonObject:
        return {"type": "string", "enum": list(self.choices), "description": self.description}


def _coerce_items(name: str, raw: object, count: int, lowest: int, highest: int) -> tuple[int, ...]:
    if not isinstance(raw, list | tuple):
        raise ClinicalInputError(name, f"{name} must be a list of {count} answers")
    if len(raw) != count:
        raise ClinicalInputError(name, f"{name} must have {count} answers, got {len(raw)}")
    items: list[int] = []
    for position, answer in enumerate(raw, start=1):
        value = _as_int(answer)
        if value is None or not lowest <= value <= highest:
            raise ClinicalInputError(
                name,
                f"{name} item {position} must be an integer {lowest} to {highest}, got {answer!r}",
            )
        items.append(value)
    return tuple(items)


def _items_schema(count: int, lowest: int, highest: int) -> JsonObject:
    return {
        "type": "array",
        "items": {"type": "integer", "minimum": lowest, "maximum": highest},
        "minItems": count,
        "maxItems": count,
    }


@dataclass(frozen=True, kw_only=True)
class AnswersField(InputField):
    """A questionnaire's answers in item order, each an integer in [lowest, highest]."""

    count: int
    lowest: int
    highest: int

    def coerce(self, raw: object) -> tuple[int, ...]:
        return _coerce_items(self.name, raw, self.count, self.lowest, self.highest)

    def schema(self) -> JsonObject:
        return {**_items_schema(self.count, self.lowest, self.highest), **super().schema()}


@dataclass(frozen=True, kw_only=True)
class AnswerMapField(InputField):
    """Named groups of answers, e.g. the nine TCM constitutions, each of a fixed length."""

    groups: tuple[tuple[str, int], ...]
    lowest: int
    highest: int

    def coerce(self, raw: object) -> dict[str, tuple[int, ...]]:
        if not isinstance(raw, Mapping):
            raise self.error(f"{self.name} must be an object keyed by group")
        known = dict(self.groups)
        for key in raw:
            if key not in known:
                raise self.error(f"{self.name} has an unknown group {key!r}")
        result: dict[str, tuple[int, ...]] = {}
        for key, count in self.groups:
            if key not in raw:
                raise self.error(f"{self.name}.{key} is required")
            label = f"{self.name}.{key}"
            try:
                result[key] = _coerce_items(label, raw[key], count, self.lowest, self.highest)
            except ClinicalInputError as exc:
                raise self.error(exc.message) from exc
        return result

    def schema(self) -> JsonObject:
        properties: JsonObject = {
            key: _items_schema(count, self.lowest, self.highest) for key, count in self.groups
        }
        return {
            "type": "object",
            "properties": properties,
            "required": [key for key, _ in self.groups],
            "additionalProperties": False,
            "description": self.description,
        }


@dataclass(frozen=True, kw_only=True)
class ClockTimeField(InputField):
    """A clock time "HH:MM" (24-hour); normalised to two-digit hours."""

    def coerce(self, raw: object) -> str:
        match = _TIME.fullmatch(raw) if isinstance(raw, str) else None
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise self.error(f'{self.name} must be a 24-hour time "HH:MM", got {raw!r}')
        return f"{int(match[1]):02d}:{match[2]}"

    def schema(self) -> JsonObject:
        return {
            "type": "string",
            "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$",
            "description": self.description + ' (24-hour "HH:MM")',
        }


@dataclass(frozen=True)
class InputSpec:
    """The declared inputs of a calculator: fields plus cross-field constraints."""

    fields: tuple[InputField, ...]
    constraints: tuple[Constraint, ...] = ()

    def validate(self, instance: object) -> None:
        """Check and normalise a frozen input dataclass in place (call from `__post_init__`)."""
        values: dict[str, object] = {}
        for spec in self.fields:
            raw = getattr(instance, spec.attr)
            if raw is None:
                if spec.required:
                    raise ClinicalInputError(spec.name, f"{spec.name} is required")
                values[spec.name] = None
                continue
            value = spec.coerce(raw)
            object.__setattr__(instance, spec.attr, value)
            values[spec.name] = value
        for constraint in self.constraints:
            constraint.check(values)

    def parse(self, factory: Callable[..., T], inputs: object, owner: str) -> T:
        """Build the input dataclass from a JSON-ish mapping keyed by API input names."""
        if not isinstance(inputs, Mapping):
            raise ClinicalInputError("inputs", "inputs must be a JSON object")
        known = {spec.name for spec in self.fields}
        for key in inputs:
            if key not in known:
                raise ClinicalInputError(str(key), f"unknown input {key!r} for {owner}")
        for spec in self.fields:
            if spec.required and inputs.get(spec.name) is None:
                raise ClinicalInputError(spec.name, f"{spec.name} is required")
        return factory(**{spec.attr: inputs.get(spec.name) for spec in self.fields})

    def json_schema(self, title: str) -> JsonObject:
        """The JSON Schema (draft 2020-12) of the input object."""
        properties: JsonObject = {spec.name: spec.schema() for spec in self.fields}
        schema: JsonObject = {
            "$schema": JSON_SCHEMA_DIALECT,
            "title": title,
            "type": "object",
            "properties": properties,
            "required": [spec.name for spec in self.fields if spec.required],
            "additionalProperties": False,
        }
        fragments: list[JsonValue] = [constraint.schema() for constraint in self.constraints]
        if fragments:
            schema["allOf"] = fragments
        return schema


@dataclass(frozen=True)
class Model:
    """Identity of one calculator: stable name, version, title, citation, inputs."""

    name: str
    version: str
    title: Title
    citation: str
    inputs: InputSpec
