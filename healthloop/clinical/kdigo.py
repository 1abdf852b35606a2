"""KDIGO CKD staging shared by the CKD-EPI equations: G and A categories and the heat map.

Source: KDIGO 2012 Clinical Practice Guideline for the Evaluation and Management of Chronic
Kidney Disease. Kidney Int Suppl 2013;3:1-150 (kept in the KDIGO 2024 update). Status: VERIFIED.

Bands are applied to the unrounded eGFR with half-open intervals (59.6 is G3a), consistent with
"compute in float64, round only for display". A2 is 30-300 mg/g inclusive; A3 is > 300 mg/g.
A stage of G1/G2 without markers of kidney damage is not CKD, and any abnormality must persist
for more than 3 months before CKD is diagnosed; `details` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, band_below, build_result
from healthloop.clinical.result import CalculatorResult, Color, JsonValue

SCR_UMOL_L_PER_MG_DL = 88.4

# Colours come from the heat map (`staging_details`), not from the G stage alone.
G_STAGES = (
    (15.0, Grade("G5", "G5 肾衰竭", None)),
    (30.0, Grade("G4", "G4 重度下降", None)),
    (45.0, Grade("G3b", "G3b 中到重度下降", None)),
    (60.0, Grade("G3a", "G3a 轻到中度下降", None)),
    (90.0, Grade("G2", "G2 轻度下降", None)),
)
G1 = Grade("G1", "G1 正常或升高", None)

A_STAGES = {"A1": "A1 正常至轻度增加", "A2": "A2 中度增加", "A3": "A3 重度增加"}

RISKS: dict[str, tuple[str, Color]] = {
    "low": ("低风险", "green"),
    "moderately_increased": ("中度增加", "yellow"),
    "high": ("高风险", "orange"),
    "very_high": ("极高风险", "red"),
}
# Rows G1/G2, G3a, G3b, G4/G5; columns A1, A2, A3.
HEAT_MAP: dict[str, tuple[str, str, str]] = {
    "G1": ("low", "moderately_increased", "high"),
    "G2": ("low", "moderately_increased", "high"),
    "G3a": ("moderately_increased", "high", "very_high"),
    "G3b": ("high", "very_high", "very_high"),
    "G4": ("very_high", "very_high", "very_high"),
    "G5": ("very_high", "very_high", "very_high"),
}

INPUT_SPEC = InputSpec(
    fields=(
        inputs.sex(),
        inputs.age(18.0, 120.0),
        inputs.number("scr"),
        inputs.number("acr", required=False),
    )
)


@dataclass(frozen=True)
class CkdEpiInput:
    """Inputs of both CKD-EPI creatinine equations."""

    sex: Literal["male", "female"]
    age_years: float
    scr_umol_l: float
    acr_mg_g: float | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def g_stage(egfr: float) -> Grade:
    return band_below(egfr, G_STAGES, G1)


def a_stage(acr_mg_g: float) -> str:
    if acr_mg_g < 30.0:
        return "A1"
    return "A2" if acr_mg_g <= 300.0 else "A3"


def kdigo_risk(g_code: str, a_code: str) -> str:
    return HEAT_MAP[g_code][int(a_code[1]) - 1]


def staging_details(egfr: float, acr_mg_g: float | None) -> tuple[Grade, dict[str, JsonValue]]:
    """The G grade (colour from the heat map) and the staging details."""
    grade = g_stage(egfr)
    code = grade.code or ""
    details: dict[str, JsonValue] = {"g_stage": code, "g_label": grade.label}
    if acr_mg_g is None:
        risk = kdigo_risk(code, "A1")
        details["note"] = "albuminuria not given: colour is the lowest risk for this G stage"
    else:
        a_code = a_stage(acr_mg_g)
        risk = kdigo_risk(code, a_code)
        details.update(
            a_stage=a_code,
            a_label=A_STAGES[a_code],
            kdigo_risk=risk,
            kdigo_risk_label=RISKS[risk][0],
            kdigo_color=RISKS[risk][1],
        )
    details["ckd_requires"] = "abnormality persisting > 3 months; G1/G2 without damage is not CKD"
    return Grade(code, grade.label, RISKS[risk][1]), details


def ckd_epi_result(
    model: Model,
    inp: CkdEpiInput,
    equation: Callable[[float, float, bool], float],
    basis: list[str],
) -> CalculatorResult:
    """Run a CKD-EPI equation (Scr mg/dL, age, female) and stage the result."""
    scr_mg_dl = inp.scr_umol_l / SCR_UMOL_L_PER_MG_DL
    egfr = equation(scr_mg_dl, inp.age_years, inp.sex == "female")
    grade, details = staging_details(egfr, inp.acr_mg_g)
    details["scr_mg_dl"] = scr_mg_dl
    basis = [
        *basis,
        f"Scr {inp.scr_umol_l:g} µmol/L = {scr_mg_dl:.3f} mg/dL (÷ {SCR_UMOL_L_PER_MG_DL})",
        f"eGFR {egfr:.2f} mL/min/1.73 m²: {grade.code}",
    ]
    return build_result(
        model, value=egfr, unit="mL/min/1.73 m²", grade=grade, basis=basis, details=details
    )
