"""Small helpers shared by calculators: category bands, Cox risk, result assembly."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from healthloop.clinical.fields import Model
from healthloop.clinical.result import CalculatorResult, Color, JsonValue

T = TypeVar("T")


@dataclass(frozen=True)
class Grade:
    """A result category: stable code, Chinese label, four-colour warning colour."""

    code: str | None
    label: str
    color: Color | None


def band_below(value: float, bands: Sequence[tuple[float, T]], otherwise: T) -> T:
    """The first item whose limit the value is strictly below (half-open bands [a, b))."""
    for limit, item in bands:
        if value < limit:
            return item
    return otherwise


def band_at_most(value: float, bands: Sequence[tuple[float, T]], otherwise: T) -> T:
    """The first item whose limit the value does not exceed (bands (a, b])."""
    for limit, item in bands:
        if value <= limit:
            return item
    return otherwise


def cox_risk_percent(linear_sum: float, mean: float, baseline_survival: float) -> float:
    """10-year risk in percent: 100 × (1 − S10 ^ exp(Σβx − mean))."""
    return 100.0 * (1.0 - math.pow(baseline_survival, math.exp(linear_sum - mean)))


def build_result(
    model: Model,
    *,
    value: float | None,
    unit: str | None,
    grade: Grade,
    basis: Sequence[str],
    details: Mapping[str, JsonValue] | None = None,
) -> CalculatorResult:
    return CalculatorResult(
        name=model.name,
        version=model.version,
        value=value,
        unit=unit,
        category=grade.code,
        label=grade.label,
        color=grade.color,
        basis=tuple(basis),
        citation=model.citation,
        details=dict(details or {}),
    )
