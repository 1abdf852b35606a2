"""ACC/AHA 2013 Pooled Cohort Equations (PCE), 10-year hard ASCVD risk.

Source: Goff DC Jr, Lloyd-Jones DM, et al. 2013 ACC/AHA Guideline on the Assessment of
Cardiovascular Risk. Circulation 2014;129(25 Suppl 2):S49-S73, Appendix 7 Table A
(coefficients, worked example). Categories: 2018 AHA/ACC cholesterol guideline (Grundy SM et
al., Circulation 2019;139:e1082-e1143). Status: VERIFIED (coefficients identical in CRAN
CVrisk data-raw/score_coef.R).

The equations were derived for ages 40-79, TC 130-320 mg/dL, HDL-C 20-100 mg/dL and SBP
90-200 mmHg; values outside are rejected, not clamped. The mmol/L limits below are those
mg/dL limits divided by 38.67 and rounded to 2 decimals. Race "other" uses the white equations,
as the guideline directs. Low results are not floored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.fields import ChoiceField, InputSpec, Model
from healthloop.clinical.grading import Grade, band_below, build_result, cox_risk_percent
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

CHOLESTEROL_MG_DL_PER_MMOL_L = 38.67
STATIN_BENEFIT_THRESHOLD_PERCENT = 7.5  # 2013 guideline


@dataclass(frozen=True)
class Coefficients:
    ln_age: float
    ln_age_squared: float
    ln_tc: float
    ln_age_x_ln_tc: float
    ln_hdl: float
    ln_age_x_ln_hdl: float
    ln_sbp_treated: float
    ln_age_x_ln_sbp_treated: float
    ln_sbp_untreated: float
    ln_age_x_ln_sbp_untreated: float
    smoker: float
    ln_age_x_smoker: float
    diabetes: float
    mean: float
    baseline_survival: float


EQUATIONS: dict[str, Coefficients] = {
    "white_women": Coefficients(
        ln_age=-29.799, ln_age_squared=4.884, ln_tc=13.540, ln_age_x_ln_tc=-3.114,
        ln_hdl=-13.578, ln_age_x_ln_hdl=3.149, ln_sbp_treated=2.019, ln_age_x_ln_sbp_treated=0.0,
        ln_sbp_untreated=1.957, ln_age_x_ln_sbp_untreated=0.0, smoker=7.574,
        ln_age_x_smoker=-1.665, diabetes=0.661, mean=-29.18, baseline_survival=0.9665,
    ),
    "african_american_women": Coefficients(
        ln_age=17.114, ln_age_squared=0.0, ln_tc=0.940, ln_age_x_ln_tc=0.0, ln_hdl=-18.920,
        ln_age_x_ln_hdl=4.475, ln_sbp_treated=29.291, ln_age_x_ln_sbp_treated=-6.432,
        ln_sbp_untreated=27.820, ln_age_x_ln_sbp_untreated=-6.087, smoker=0.691,
        ln_age_x_smoker=0.0, diabetes=0.874, mean=86.61, baseline_survival=0.9533,
    ),
    "white_men": Coefficients(
        ln_age=12.344, ln_age_squared=0.0, ln_tc=11.853, ln_age_x_ln_tc=-2.664, ln_hdl=-7.990,
        ln_age_x_ln_hdl=1.769, ln_sbp_treated=1.797, ln_age_x_ln_sbp_treated=0.0,
        ln_sbp_untreated=1.764, ln_age_x_ln_sbp_untreated=0.0, smoker=7.837,
        ln_age_x_smoker=-1.795, diabetes=0.658, mean=61.18, baseline_survival=0.9144,
    ),
    "african_american_men": Coefficients(
        ln_age=2.469, ln_age_squared=0.0, ln_tc=0.302, ln_age_x_ln_tc=0.0, ln_hdl=-0.307,
        ln_age_x_ln_hdl=0.0, ln_sbp_treated=1.916, ln_age_x_ln_sbp_treated=0.0,
        ln_sbp_untreated=1.809, ln_age_x_ln_sbp_untreated=0.0, smoker=0.549,
        ln_age_x_smoker=0.0, diabetes=0.645, mean=19.54, baseline_survival=0.8954,
    ),
}  # fmt: skip

GRADES = (
    (5.0, Grade("low", "低危", "green")),
    (7.5, Grade("borderline", "临界风险", "yellow")),
    (20.0, Grade("intermediate", "中危", "orange")),
)
HIGH = Grade("high", "高危", "red")

INPUT_SPEC = InputSpec(
    fields=(
        inputs.sex(),
        inputs.age(40.0, 79.0),
        ChoiceField(
            name="race",
            attr="race",
            description="Race; other uses the white equations",
            choices=("white", "african_american", "other"),
        ),
        inputs.number("tc", minimum=3.36, maximum=8.28),
        inputs.number("hdl_c", minimum=0.52, maximum=2.59),
        inputs.number("sbp", minimum=90.0, maximum=200.0),
        inputs.flag("bp_treated"),
        inputs.flag("smoker"),
        inputs.flag("diabetes"),
    ),
)

MODEL = Model(
    name="pce",
    version="1.0.0",
    title=Title(
        zh="汇总队列方程（PCE）10年ASCVD风险", en="Pooled Cohort Equations 10-year ASCVD risk"
    ),
    citation=(
        "Goff DC Jr, et al. 2013 ACC/AHA Guideline on the Assessment of Cardiovascular Risk. "
        "Circulation 2014;129(25 Suppl 2):S49-S73, Appendix 7; categories 2018 AHA/ACC "
        "cholesterol guideline"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class PceInput:
    sex: Literal["male", "female"]
    age_years: float
    race: Literal["white", "african_american", "other"]
    tc_mmol_l: float
    hdl_c_mmol_l: float
    sbp_mmhg: float
    bp_treated: bool
    smoker: bool
    diabetes: bool

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def equation_key(inp: PceInput) -> str:
    group = "african_american" if inp.race == "african_american" else "white"
    return f"{group}_{'men' if inp.sex == 'male' else 'women'}"


def linear_sum(inp: PceInput) -> float:
    c = EQUATIONS[equation_key(inp)]
    ln_age = math.log(inp.age_years)
    ln_tc = math.log(inp.tc_mmol_l * CHOLESTEROL_MG_DL_PER_MMOL_L)
    ln_hdl = math.log(inp.hdl_c_mmol_l * CHOLESTEROL_MG_DL_PER_MMOL_L)
    ln_sbp = math.log(inp.sbp_mmhg)
    smoker = float(inp.smoker)
    if inp.bp_treated:
        sbp_terms = (c.ln_sbp_treated + c.ln_age_x_ln_sbp_treated * ln_age) * ln_sbp
    else:
        sbp_terms = (c.ln_sbp_untreated + c.ln_age_x_ln_sbp_untreated * ln_age) * ln_sbp
    return (
        c.ln_age * ln_age
        + c.ln_age_squared * ln_age**2
        + (c.ln_tc + c.ln_age_x_ln_tc * ln_age) * ln_tc
        + (c.ln_hdl + c.ln_age_x_ln_hdl * ln_age) * ln_hdl
        + sbp_terms
        + (c.smoker + c.ln_age_x_smoker * ln_age) * smoker
        + c.diabetes * float(inp.diabetes)
    )


def risk_grade(risk_percent: float) -> Grade:
    """< 5 low, 5-< 7.5 borderline, 7.5-< 20 intermediate, ≥ 20 high (2018 AHA/ACC)."""
    return band_below(risk_percent, GRADES, HIGH)


def pce(inp: PceInput) -> CalculatorResult:
    """10-year hard ASCVD risk (%) and its 2018 AHA/ACC category."""
    key = equation_key(inp)
    c = EQUATIONS[key]
    total = linear_sum(inp)
    risk = cox_risk_percent(total, c.mean, c.baseline_survival)
    basis = [
        f"PCE {key.replace('_', ' ')} equation",
        f"{'treated' if inp.bp_treated else 'untreated'} SBP coefficients",
        f"cholesterol converted to mg/dL with × {CHOLESTEROL_MG_DL_PER_MMOL_L}",
        f"Σβx = {total:.3f}, mean {c.mean}, S10 {c.baseline_survival}",
        "categories: < 5 % low, 5-<7.5 % borderline, 7.5-<20 % intermediate, ≥ 20 % high",
    ]
    if inp.race == "other":
        basis.append('race "other" uses the white equations')
    details: dict[str, JsonValue] = {
        "equation": key,
        "linear_sum": total,
        "statin_benefit_threshold_2013": risk >= STATIN_BENEFIT_THRESHOLD_PERCENT,
    }
    grade = risk_grade(risk)
    return build_result(MODEL, value=risk, unit="%", grade=grade, basis=basis, details=details)
