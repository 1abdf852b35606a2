"""HealthLoop clinical core: pure-Python calculators, instruments and trend rules.

No Django, no other HealthLoop app, no I/O. Every calculator is a pure function over a frozen
input dataclass with explicit units; bad input raises `ClinicalInputError` naming the input.
This module is the small public surface used by the screening engine, the HTTP API and the CLI:

    calculate("ckd_epi_2021", {"sex": "male", "age": 55, "scr": 106.08}).to_dict()
    [spec.to_dict() for spec in list_calculators()]

Names, input names, units and the result object follow shared/reference/calculator-api.md.
Trend classification lives in `healthloop.clinical.trend`.
"""

from __future__ import annotations

from collections.abc import Mapping

from healthloop.clinical import registry
from healthloop.clinical.criteria import Criteria
from healthloop.clinical.errors import ClinicalInputError, UnknownCalculator
from healthloop.clinical.result import CalculatorResult, CalculatorSpec

__all__ = [
    "CalculatorResult",
    "CalculatorSpec",
    "ClinicalInputError",
    "Criteria",
    "UnknownCalculator",
    "calculate",
    "list_calculators",
]


def calculate(
    name: str, inputs: Mapping[str, object], *, criteria: Criteria | None = None
) -> CalculatorResult:
    """Validate `inputs` (API names and units) and run the calculator registered as `name`.

    `criteria` replaces the calculator's configurable rule table (only for calculators that
    have one; see docs/clinical.md). Raises `UnknownCalculator` for an unknown name and
    `ClinicalInputError` for any missing, unknown, mistyped or out-of-range input.
    """
    return registry.get(name).run(inputs, criteria)


def list_calculators() -> list[CalculatorSpec]:
    """Specifications of every calculator, in a stable order."""
    return [calculator.spec() for calculator in registry.CALCULATORS.values()]
