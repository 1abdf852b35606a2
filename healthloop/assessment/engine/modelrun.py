"""Running the calculators for one person: build inputs, call ``clinical.calculate``, hash.

The hash covers the model, its version, the inputs, where they came from and what is
missing: equal hashes mean an equal result (the calculators are pure), so the writer stores
a new Assessment only when the hash changes. That is what makes the engine idempotent.
"""

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from healthloop import clinical
from healthloop.assessment.engine.derived import Derived
from healthloop.assessment.engine.inputs import BUILDERS, MODEL_DEPENDS, QUESTIONNAIRE_MODELS


@dataclass
class ModelRun:
    model: str
    version: str
    status: str  # complete / incomplete / not_applicable
    snapshot: dict[str, Any]
    missing: list[str]
    result: dict[str, Any]
    input_hash: str

    @property
    def value(self) -> float | None:
        value = self.result.get("value")
        return float(value) if isinstance(value, int | float) else None

    @property
    def category(self) -> str:
        return self.result.get("category") or ""

    @property
    def colour(self) -> str:
        return self.result.get("color") or ""

    @property
    def details(self) -> dict[str, Any]:
        return self.result.get("details") or {}


@functools.cache
def model_versions() -> dict[str, str]:
    return {spec.name: spec.version for spec in clinical.list_calculators()}


def ordered_models(names: set[str] | list[str] | tuple[str, ...]) -> list[str]:
    """Models in run order: a model after those whose result its builder reads."""
    wanted = set(names)
    for name in list(wanted):
        wanted.update(MODEL_DEPENDS.get(name, ()))
    first = [m for m in wanted if any(m in deps for deps in MODEL_DEPENDS.values())]
    return sorted(first) + sorted(wanted - set(first))


def result_dict(result: clinical.CalculatorResult) -> dict[str, Any]:
    """calculator-api.md's result object, like ``to_dict()`` but without its deep copy (the
    engine only reads and serialises it)."""
    return {
        "name": result.name,
        "version": result.version,
        "value": result.value,
        "unit": result.unit,
        "category": result.category,
        "label": result.label,
        "color": result.color,
        "basis": list(result.basis),
        "citation": result.citation,
        "details": dict(result.details),
    }


def _hash(model: str, version: str, inputs: dict[str, Any], missing: list[str], why: str) -> str:
    """The identity of a run: model, version, inputs, what is missing. Where the inputs came
    from and how facts were derived (``sources``, ``notes``) is stored but not hashed: a new
    exam with the same values is the same assessment. repr is exact for the JSON-like values
    builders produce, and builders fill their dicts in a fixed order."""
    return hashlib.sha256(repr((model, version, inputs, missing, why)).encode()).hexdigest()


@functools.lru_cache(maxsize=200_000)
def _calculate_scalar(name: str, frozen: tuple[tuple[str, str, Any], ...]) -> dict[str, Any]:
    """Calculators are pure: equal inputs, equal result. Many persons share the inputs of the
    coarser models (uric acid, BMI class, glycaemic status), so a full run computes each
    distinct input set once. The returned dict is shared: read it, never change it."""
    return result_dict(clinical.calculate(name, {key: value for key, _, value in frozen}))


def calculate(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    if all(isinstance(v, str | int | float | bool) for v in inputs.values()):
        # the type is part of the key: True == 1 and 60 == 60.0 for a dict, not for a schema
        return _calculate_scalar(name, tuple((k, type(v).__name__, v) for k, v in inputs.items()))
    return result_dict(clinical.calculate(name, inputs))


# model → (input hash, status, result) of the person's stored current assessment
Known = dict[str, tuple[str, str, dict[str, Any]]]


def run_model(
    name: str, derived: Derived, done: dict[str, ModelRun], known: Known | None = None
) -> ModelRun:
    """Build the inputs and run the calculator — unless the stored current assessment has
    the same hash: then its result is the result (the calculators are pure)."""
    version = model_versions()[name]
    built = BUILDERS[name](derived, done)
    snapshot = {"inputs": built.inputs, "sources": built.sources, "notes": built.notes}
    input_hash = _hash(name, version, built.inputs, built.missing, built.not_applicable)
    stored = known.get(name) if known else None
    result: dict[str, Any]
    if stored is not None and stored[0] == input_hash:
        status, result = stored[1], stored[2]
    elif built.not_applicable:
        status, result = "not_applicable", {"reason": built.not_applicable}
    elif built.missing:
        status, result = "incomplete", {}
    else:
        try:
            status, result = "complete", calculate(name, built.inputs)
        except clinical.ClinicalInputError as exc:
            status, result = "not_applicable", {"error": exc.message, "field": exc.field}
    return ModelRun(
        model=name,
        version=version,
        status=status,
        snapshot=snapshot,
        missing=list(built.missing),
        result=result,
        input_hash=input_hash,
    )


def run_models(
    derived: Derived, names: list[str], known: Known | None = None
) -> dict[str, ModelRun]:
    """``names`` in run order (``ordered_models``). Questionnaire models without answers are
    skipped: a questionnaire nobody gave is not a missing input."""
    done: dict[str, ModelRun] = {}
    for name in names:
        if name in QUESTIONNAIRE_MODELS and name not in derived.f.questionnaires:
            continue
        done[name] = run_model(name, derived, done, known)
    return done
