"""Cross-field input rules, each expressed both as a check and as a JSON Schema fragment."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from healthloop.clinical.errors import ClinicalInputError
from healthloop.clinical.result import JsonObject


class Constraint(ABC):
    """A rule across several inputs, checked after each field is valid."""

    @abstractmethod
    def check(self, values: Mapping[str, object]) -> None:
        """Raise `ClinicalInputError` naming the input at fault."""

    @abstractmethod
    def schema(self) -> JsonObject:
        """The JSON Schema fragment expressing the same rule."""


@dataclass(frozen=True)
class RequiredWhen(Constraint):
    """`field` is required when input `when` equals `equals` (e.g. urban for men)."""

    field: str
    when: str
    equals: str

    def check(self, values: Mapping[str, object]) -> None:
        if values.get(self.when) == self.equals and values.get(self.field) is None:
            raise ClinicalInputError(
                self.field, f"{self.field} is required when {self.when} is {self.equals}"
            )

    def schema(self) -> JsonObject:
        return {
            "if": {"properties": {self.when: {"const": self.equals}}, "required": [self.when]},
            "then": {"required": [self.field]},
        }


@dataclass(frozen=True)
class RequiredWith(Constraint):
    """`field` is required whenever `trigger` is given (e.g. sex with waist)."""

    field: str
    trigger: str

    def check(self, values: Mapping[str, object]) -> None:
        if values.get(self.trigger) is not None and values.get(self.field) is None:
            raise ClinicalInputError(self.field, f"{self.field} is required with {self.trigger}")

    def schema(self) -> JsonObject:
        return {"dependentRequired": {self.trigger: [self.field]}}


@dataclass(frozen=True)
class AtLeastOne(Constraint):
    """At least one of the listed inputs must be given."""

    names: tuple[str, ...]

    def check(self, values: Mapping[str, object]) -> None:
        if all(values.get(name) is None for name in self.names):
            raise ClinicalInputError(
                self.names[0], f"at least one of {', '.join(self.names)} is required"
            )

    def schema(self) -> JsonObject:
        return {"anyOf": [{"required": [name]} for name in self.names]}


class BmiOrHeightWeight(Constraint):
    """Either `bmi`, or `height_cm` together with `weight_kg` — exactly one way."""

    def check(self, values: Mapping[str, object]) -> None:
        has_height = values.get("height_cm") is not None
        has_weight = values.get("weight_kg") is not None
        if values.get("bmi") is not None:
            if has_height or has_weight:
                raise ClinicalInputError("bmi", "give bmi or height_cm + weight_kg, not both")
            return
        if not has_height:
            raise ClinicalInputError("height_cm", "bmi, or height_cm with weight_kg, is required")
        if not has_weight:
            raise ClinicalInputError("weight_kg", "weight_kg is required with height_cm")

    def schema(self) -> JsonObject:
        return {
            "oneOf": [
                {
                    "required": ["bmi"],
                    "not": {"anyOf": [{"required": ["height_cm"]}, {"required": ["weight_kg"]}]},
                },
                {"required": ["height_cm", "weight_kg"], "not": {"required": ["bmi"]}},
            ]
        }
