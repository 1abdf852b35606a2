"""Framingham 2008 general cardiovascular disease risk (laboratory version).

Source: D'Agostino RB Sr, Vasan RS, Pencina MJ, et al. General Cardiovascular Risk Profile for
Use in Primary Care: The Framingham Heart Study. Circulation 2008;117:743-753. Status:
coefficients VERIFIED (CRAN CVrisk and the MedCalc page agree); the worked example is COMPUTED.

Outcome: first CVD event (CHD, stroke, PAD, heart failure) within 10 years, ages 30-74 without
prior CVD. Bands < 10 % low, 10-20 % intermediate, > 20 % high are the commonly used ones. The
BMI (non-laboratory) version of the same paper is not exposed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, band_at_most, build_result, cox_risk_percent
from healthloop.clinical.result import CalculatorResult, Title

CHOLESTEROL_MG_DL_PER_MMOL_L = 38.67


@dataclass(frozen=True)
class Coefficients:
    ln_age: float
    ln_tc: float
    ln_hdl: float
    ln_sbp_untreated: float
    ln_sbp_treated: float
    smoker: float
    diabetes: float
    mean: float
    baseline_survival: float


MEN = Coefficients(
    ln_age=3.06117, ln_tc=1.12370, ln_hdl=-0.93263, ln_sbp_untreated=1.93303,
    ln_sbp_treated=1.99881, smoker=0.65451, diabetes=0.57367, mean=23.9802,
    baseline_survival=0.88936,
)  # fmt: skip
WOMEN = Coefficients(
    ln_age=2.32888, ln_tc=1.20904, ln_hdl=-0.70833, ln_sbp_untreated=2.76157,
    ln_sbp_treated=2.82263, smoker=0.52873, diabetes=0.69154, mean=26.1931,
    baseline_survival=0.95012,
)  # fmt: skip

# < 10 % low; 10-20 % (20 inclusive) intermediate; > 20 % high.
LOW = Grade("low", "低危", "green")
INTERMEDIATE = Grade("intermediate", "中危", "yellow")
HIGH = Grade("high", "高危", "red")

INPUT_SPEC = InputSpec(
    fields=(
        inputs.sex(),
        inputs.age(30.0, 74.0),
        inputs.number("tc"),
        inputs.number("hdl_c"),
        inputs.number("sbp"),
        inputs.flag("bp_treated"),
        inputs.flag("smoker"),
        inputs.flag("diabetes"),
    ),
)

MODEL = Model(
    name="framingham_2008",
    version="1.0.0",
    title=Title(zh="Framingham 2008 10年心血管病总风险", en="Framingham 2008 general CVD risk"),
    citation=(
        "D'Agostino RB Sr, et al. General Cardiovascular Risk Profile for Use in Primary Care: "
        "The Framingham Heart Study. Circulation 2008;117:743-753"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class FraminghamInput:
    sex: Literal["male", "female"]
    age_years: float
    tc_mmol_l: float
    hdl_c_mmol_l: float
    sbp_mmhg: float
    bp_treated: bool
    smoker: bool
    diabetes: bool

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def linear_sum(inp: FraminghamInput) -> float:
    c = MEN if inp.sex == "male" else WOMEN
    sbp_beta = c.ln_sbp_treated if inp.bp_treated else c.ln_sbp_untreated
    return (
        c.ln_age * math.log(inp.age_years)
        + c.ln_tc * math.log(inp.tc_mmol_l * CHOLESTEROL_MG_DL_PER_MMOL_L)
        + c.ln_hdl * math.log(inp.hdl_c_mmol_l * CHOLESTEROL_MG_DL_PER_MMOL_L)
        + sbp_beta * math.log(inp.sbp_mmhg)
        + c.smoker * float(inp.smoker)
        + c.diabetes * float(inp.diabetes)
    )


def risk_grade(risk_percent: float) -> Grade:
    """< 10 low, 10-20 (inclusive) intermediate, > 20 high."""
    if risk_percent < 10.0:
        return LOW
    return band_at_most(risk_percent, ((20.0, INTERMEDIATE),), HIGH)


def framingham_2008(inp: FraminghamInput) -> CalculatorResult:
    """10-year general CVD risk (%) and its band."""
    c = MEN if inp.sex == "male" else WOMEN
    total = linear_sum(inp)
    risk = cox_risk_percent(total, c.mean, c.baseline_survival)
    grade = risk_grade(risk)
    basis = [
        f"Framingham 2008 laboratory equation for {'men' if inp.sex == 'male' else 'women'}",
        f"{'treated' if inp.bp_treated else 'untreated'} SBP coefficient",
        f"cholesterol converted to mg/dL with × {CHOLESTEROL_MG_DL_PER_MMOL_L}",
        f"Σβx = {total:.3f}, mean {c.mean}, S10 {c.baseline_survival}",
        "bands: < 10 % low, 10-20 % intermediate, > 20 % high",
    ]
    details = {"linear_sum": total}
    return build_result(MODEL, value=risk, unit="%", grade=grade, basis=basis, details=details)
