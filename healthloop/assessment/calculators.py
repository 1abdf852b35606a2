"""The calculator entry points shared by the HTTP API and the ``calc`` command.

Both speak calculator-api.md exactly: a result object on success; ``{"error", "field"}`` for a
missing, unknown, mistyped or out-of-range input.
"""

import json
from typing import Any

from healthloop import clinical


class CalculatorNotFound(LookupError):
    pass


class MalformedInput(ValueError):
    """The request body is not a JSON object at all: no single input is to blame."""

    def to_dict(self) -> dict[str, str | None]:
        return {"error": str(self), "field": None}


InputError = (clinical.ClinicalInputError, MalformedInput)


def run_calculator(name: str, inputs: object) -> dict[str, Any]:
    """Run one calculator; raises one of InputError (bad input) or CalculatorNotFound."""
    if not isinstance(inputs, dict):
        raise MalformedInput("输入必须是JSON对象 (input must be a JSON object)")
    try:
        return clinical.calculate(name, inputs).to_dict()
    except clinical.UnknownCalculator as exc:
        raise CalculatorNotFound(name) from exc


def calculator_specs() -> list[dict[str, Any]]:
    return [spec.to_dict() for spec in clinical.list_calculators()]


def parse_json_input(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInput(f"输入不是合法JSON: {exc.msg}") from exc
