"""The two exceptions of the clinical core.

`ClinicalInputError` is the only error a calculator raises for bad input: missing, unknown,
mistyped or out-of-range. It names the offending input (`field`) exactly as the caller spelled
it, so the HTTP API can answer 400 with `{"error": ..., "field": ...}` without translation.
"""

from __future__ import annotations


class ClinicalInputError(ValueError):
    """An input to a calculator is missing, unknown, mistyped or out of range."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The error object of calculator-api.md."""
        return {"error": self.message, "field": self.field}


class UnknownCalculator(LookupError):
    """No calculator is registered under the requested name."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown calculator {name!r}; known: {', '.join(known)}")
        self.name = name
