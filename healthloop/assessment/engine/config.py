"""The engine's configuration (rules/engine.yaml): window, site facts, code lists."""

import functools
from dataclasses import dataclass
from typing import Any

import yaml

from healthloop.assessment.rules import RULES_DIR


@dataclass(frozen=True)
class EngineConfig:
    window_days: int
    history_years: int
    site_north: bool | None
    site_urban: bool | None
    site_note: str
    models: tuple[str, ...]
    questionnaire_models: tuple[str, ...]
    icd10: dict[str, tuple[str, ...]]
    first_degree: frozenset[str]
    family_ascvd: tuple[str, ...]
    family_diabetes: tuple[str, ...]
    smoking_current: frozenset[str]
    smoking_not_current: frozenset[str]

    def codes(self, group: str) -> tuple[str, ...]:
        return self.icd10.get(group, ())


def _lower(values: list[Any]) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values)


@functools.cache
def engine_config() -> EngineConfig:
    raw = yaml.safe_load((RULES_DIR / "engine.yaml").read_text(encoding="utf-8"))
    site = raw.get("site") or {}
    family = raw["family_history"]
    return EngineConfig(
        window_days=int(raw["window_days"]),
        history_years=int(raw["history_years"]),
        site_north=site.get("north"),
        site_urban=site.get("urban"),
        site_note=str(site.get("note", "")),
        models=tuple(raw["models"]),
        questionnaire_models=tuple(raw["questionnaire_models"]),
        icd10={k: tuple(str(c).upper() for c in v) for k, v in raw["icd10"].items()},
        first_degree=_lower(family["first_degree"]),
        family_ascvd=tuple(str(c).upper() for c in family["ascvd_icd10"]),
        family_diabetes=tuple(str(c).upper() for c in family["diabetes_icd10"]),
        smoking_current=_lower(raw["smoking"]["current"]),
        smoking_not_current=_lower(raw["smoking"]["not_current"]),
    )
