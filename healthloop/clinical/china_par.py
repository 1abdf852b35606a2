"""China-PAR 10-year ASCVD risk.

Source: Yang X, Li J, Hu D, et al. Predicting the 10-Year Risks of Atherosclerotic
Cardiovascular Disease in Chinese Population: The China-PAR Project. Circulation
2016;134:1430-1440, doi:10.1161/CIRCULATIONAHA.116.022367 (Data Supplement Tables 1-2).
Three-decimal coefficients: T/JPMA 024-2024 Appendix C/D. Women's S10 0.9851 reproduces the
paper's worked example (the main text prints 0.99). Risk categories: 中国心血管病风险评估和管理
指南, 中国循环杂志 2019;34(1), Figure 1. Status: VERIFIED.

Cholesterol enters the equation in mg/dL, converted with the paper's factor (mmol/L = mg/dL ×
0.0259, i.e. × 38.61). The cohort was aged 35-74; ages 20-34 and 75-85 are accepted (the
guideline scores adults ≥ 20) but flagged as extrapolation. The lifetime-risk equation is not
implemented: its coefficients are not published in a form we could verify.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.constraints import RequiredWhen
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, band_below, build_result, cox_risk_percent
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

CHOLESTEROL_MG_DL_PER_MMOL_L = 38.61
DERIVATION_AGE_RANGE = (35.0, 74.0)


@dataclass(frozen=True)
class Coefficients:
    ln_age: float
    ln_sbp_treated: float
    ln_sbp_untreated: float
    ln_tc: float
    ln_hdl: float
    ln_waist: float
    smoker: float
    diabetes: float
    north: float
    urban: float
    family_history: float
    ln_age_x_ln_sbp_treated: float
    ln_age_x_ln_sbp_untreated: float
    ln_age_x_smoker: float
    ln_age_x_family_history: float
    mean: float
    baseline_survival: float


MEN = Coefficients(
    ln_age=31.967, ln_sbp_treated=27.388, ln_sbp_untreated=26.148, ln_tc=0.621,
    ln_hdl=-0.695, ln_waist=-0.712, smoker=3.955, diabetes=0.357, north=0.475, urban=-0.164,
    family_history=6.221, ln_age_x_ln_sbp_treated=-6.018, ln_age_x_ln_sbp_untreated=-5.731,
    ln_age_x_smoker=-0.939, ln_age_x_family_history=-1.534, mean=140.68, baseline_survival=0.9707,
)  # fmt: skip
WOMEN = Coefficients(
    ln_age=24.874, ln_sbp_treated=20.709, ln_sbp_untreated=19.982, ln_tc=0.058,
    ln_hdl=-0.217, ln_waist=1.475, smoker=0.495, diabetes=0.567, north=0.544, urban=0.0,
    family_history=0.0, ln_age_x_ln_sbp_treated=-4.528, ln_age_x_ln_sbp_untreated=-4.360,
    ln_age_x_smoker=0.0, ln_age_x_family_history=0.0, mean=117.26, baseline_survival=0.9851,
)  # fmt: skip

GRADES = (
    (5.0, Grade("low", "低危", "green")),
    (10.0, Grade("medium", "中危", "yellow")),
)
HIGH = Grade("high", "高危", "red")

INPUT_SPEC = InputSpec(
    fields=(
        inputs.sex(),
        inputs.age(20.0, 85.0),
        inputs.number("sbp"),
        inputs.flag("bp_treated"),
        inputs.number("tc"),
        inputs.number("hdl_c"),
        inputs.number("waist_cm"),
        inputs.flag("smoker"),
        inputs.flag("diabetes"),
        inputs.flag("north"),
        inputs.flag("urban", required=False, description="Urban residence (men only)"),
        inputs.flag(
            "family_history_ascvd",
            required=False,
            description="Parent or sibling with MI or stroke (men only)",
        ),
    ),
    constraints=(
        RequiredWhen("urban", "sex", "male"),
        RequiredWhen("family_history_ascvd", "sex", "male"),
    ),
)

MODEL = Model(
    name="china_par",
    version="1.0.0",
    title=Title(zh="China-PAR 10年动脉粥样硬化性心血管病风险", en="China-PAR 10-year ASCVD risk"),
    citation=(
        "Yang X, et al. Predicting the 10-Year Risks of Atherosclerotic Cardiovascular Disease "
        "in Chinese Population: The China-PAR Project. Circulation 2016;134:1430-1440; "
        "coefficients T/JPMA 024-2024; categories 中国心血管病风险评估和管理指南 2019"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class ChinaParInput:
    sex: Literal["male", "female"]
    age_years: float
    sbp_mmhg: float
    bp_treated: bool
    tc_mmol_l: float
    hdl_c_mmol_l: float
    waist_cm: float
    smoker: bool
    diabetes: bool
    north: bool
    urban: bool | None = None
    family_history_ascvd: bool | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def linear_sum(inp: ChinaParInput) -> float:
    """Σβx of the sex-specific equation (treated or untreated SBP pair, never both)."""
    is_male = inp.sex == "male"
    c = MEN if is_male else WOMEN
    ln_age = math.log(inp.age_years)
    ln_sbp = math.log(inp.sbp_mmhg)
    tc_mg_dl = inp.tc_mmol_l * CHOLESTEROL_MG_DL_PER_MMOL_L
    hdl_mg_dl = inp.hdl_c_mmol_l * CHOLESTEROL_MG_DL_PER_MMOL_L
    smoker = float(inp.smoker)
    family = float(is_male and bool(inp.family_history_ascvd))
    if inp.bp_treated:
        sbp_terms = c.ln_sbp_treated * ln_sbp + c.ln_age_x_ln_sbp_treated * ln_age * ln_sbp
    else:
        sbp_terms = c.ln_sbp_untreated * ln_sbp + c.ln_age_x_ln_sbp_untreated * ln_age * ln_sbp
    return (
        c.ln_age * ln_age
        + sbp_terms
        + c.ln_tc * math.log(tc_mg_dl)
        + c.ln_hdl * math.log(hdl_mg_dl)
        + c.ln_waist * math.log(inp.waist_cm)
        + c.smoker * smoker
        + c.diabetes * float(inp.diabetes)
        + c.north * float(inp.north)
        + c.urban * float(is_male and bool(inp.urban))
        + c.family_history * family
        + c.ln_age_x_smoker * ln_age * smoker
        + c.ln_age_x_family_history * ln_age * family
    )


def direct_high_risk_reasons(inp: ChinaParInput) -> list[JsonValue]:
    """2019 guideline flow chart: people classed 高危 without scoring (checkable inputs only).

    LDL-C ≥ 4.9 mmol/L and CKD stage 3-4 also qualify but are not inputs of this calculator.
    """
    reasons: list[JsonValue] = []
    if inp.diabetes and inp.age_years >= 40.0:
        reasons.append("diabetes_age_40_or_older")
    if inp.tc_mmol_l >= 7.2:
        reasons.append("tc_7_2_mmol_l_or_higher")
    return reasons


def risk_grade(risk_percent: float) -> Grade:
    """< 5.0 low, 5.0-< 10.0 medium, ≥ 10.0 high (2019 guideline, Figure 1)."""
    return band_below(risk_percent, GRADES, HIGH)


def china_par(inp: ChinaParInput) -> CalculatorResult:
    """10-year ASCVD risk (%) by the China-PAR equation and its 2019 guideline category."""
    c = MEN if inp.sex == "male" else WOMEN
    total = linear_sum(inp)
    risk = cox_risk_percent(total, c.mean, c.baseline_survival)
    grade = risk_grade(risk)
    low, high = DERIVATION_AGE_RANGE
    extrapolated = not low <= inp.age_years <= high
    basis = [
        f"China-PAR equation for {'men' if inp.sex == 'male' else 'women'}",
        f"{'treated' if inp.bp_treated else 'untreated'} SBP coefficients",
        f"cholesterol converted to mg/dL with × {CHOLESTEROL_MG_DL_PER_MMOL_L}",
        f"Σβx = {total:.3f}, mean {c.mean}, S10 {c.baseline_survival}",
        "categories: < 5.0 % low, 5.0-9.9 % medium, ≥ 10.0 % high (2019 guideline)",
    ]
    if inp.sex == "female":
        basis.append("urban and family history are not terms of the women's equation")
    details: dict[str, JsonValue] = {
        "linear_sum": total,
        "extrapolated_age": extrapolated,
        "guideline_direct_high_risk": direct_high_risk_reasons(inp),
    }
    if extrapolated:
        details["warning"] = (
            f"age {inp.age_years:g} is outside the derivation cohort's 35-74 years; "
            "the risk is an extrapolation"
        )
    if details["guideline_direct_high_risk"]:
        basis.append("the 2019 guideline flow chart classes this person 高危 without scoring")
    return build_result(MODEL, value=risk, unit="%", grade=grade, basis=basis, details=details)
