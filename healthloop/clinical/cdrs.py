"""Chinese Diabetes Risk Score (中国糖尿病风险评分表, CDRS).

Source: Zhou X, Qiao Q, Ji L, et al. Nonlaboratory-based risk assessment algorithm for
undiagnosed type 2 diabetes developed on a nation-wide diabetes survey. Diabetes Care
2013;36:3944-3952; adopted in 中国2型糖尿病防治指南 (2013, 2017, 2020). Status: VERIFIED.

For adults 20-74 years without known diabetes; outside that range no score is given (the input
is rejected). Score 0-51; ≥ 25 is high risk (recommend OGTT). Bands are half-open on the real
value: "22.0-23.9" means 22.0 ≤ BMI < 24.0, "110-119" means 110 ≤ SBP < 120.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, band_below, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title, json_object

HIGH_RISK_FROM = 25

# (exclusive upper limit, points); above the last limit the *_OTHERWISE points apply.
AGE_POINTS = (
    (25.0, 0),  # 20-24
    (35.0, 4),  # 25-34
    (40.0, 8),  # 35-39
    (45.0, 11),  # 40-44
    (50.0, 12),  # 45-49
    (55.0, 13),  # 50-54
    (60.0, 15),  # 55-59
    (65.0, 16),  # 60-64
)
AGE_POINTS_OTHERWISE = 18  # 65-74
BMI_POINTS = ((22.0, 0), (24.0, 1), (30.0, 3))
BMI_POINTS_OTHERWISE = 5
WAIST_POINTS_MEN = ((75.0, 0), (80.0, 3), (85.0, 5), (90.0, 7), (95.0, 8))
WAIST_POINTS_WOMEN = ((70.0, 0), (75.0, 3), (80.0, 5), (85.0, 7), (90.0, 8))
WAIST_POINTS_OTHERWISE = 10
SBP_POINTS = ((110.0, 0), (120.0, 1), (130.0, 3), (140.0, 6), (150.0, 7), (160.0, 8))
SBP_POINTS_OTHERWISE = 10
FAMILY_HISTORY_POINTS = 6
MALE_POINTS = 2

LOW = Grade("low", "低风险", "green")
HIGH = Grade("high", "高风险（建议OGTT）", "orange")

INPUT_SPEC = InputSpec(
    fields=(
        inputs.age(20.0, 74.0),
        inputs.sex(),
        inputs.number("waist_cm"),
        inputs.number("sbp"),
        *inputs.body_size_fields(),
        inputs.flag("family_history_diabetes"),
    ),
    constraints=(inputs.BMI_SOURCE,),
)
MODEL = Model(
    name="cdrs",
    version="1.0.0",
    title=Title(zh="中国糖尿病风险评分", en="Chinese Diabetes Risk Score"),
    citation=(
        "Zhou X, et al. Nonlaboratory-based risk assessment algorithm for undiagnosed type 2 "
        "diabetes developed on a nation-wide diabetes survey. Diabetes Care 2013;36:3944-3952; "
        "中国2型糖尿病防治指南2020年版"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class CdrsInput:
    age_years: float
    sex: Literal["male", "female"]
    waist_cm: float
    sbp_mmhg: float
    family_history_diabetes: bool
    bmi_kg_m2: float | None = None
    height_cm: float | None = None
    weight_kg: float | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def item_points(inp: CdrsInput) -> dict[str, int]:
    """Points per item, in the order of the published table."""
    bmi, _ = inputs.resolve_bmi(inp.bmi_kg_m2, inp.height_cm, inp.weight_kg)
    waist_bands = WAIST_POINTS_MEN if inp.sex == "male" else WAIST_POINTS_WOMEN
    return {
        "age": band_below(inp.age_years, AGE_POINTS, AGE_POINTS_OTHERWISE),
        "bmi": band_below(bmi, BMI_POINTS, BMI_POINTS_OTHERWISE),
        "waist": band_below(inp.waist_cm, waist_bands, WAIST_POINTS_OTHERWISE),
        "sbp": band_below(inp.sbp_mmhg, SBP_POINTS, SBP_POINTS_OTHERWISE),
        "family_history": FAMILY_HISTORY_POINTS if inp.family_history_diabetes else 0,
        "sex": MALE_POINTS if inp.sex == "male" else 0,
    }


def cdrs(inp: CdrsInput) -> CalculatorResult:
    """CDRS total (0-51) and risk class (≥ 25 high)."""
    points = item_points(inp)
    total = sum(points.values())
    _, bmi_basis = inputs.resolve_bmi(inp.bmi_kg_m2, inp.height_cm, inp.weight_kg)
    basis = [
        bmi_basis,
        "points " + ", ".join(f"{item} {value}" for item, value in points.items()),
        f"total {total}; ≥ {HIGH_RISK_FROM} is high risk",
    ]
    details: dict[str, JsonValue] = {"points": json_object(points)}
    grade = HIGH if total >= HIGH_RISK_FROM else LOW
    return build_result(
        MODEL, value=total, unit="points", grade=grade, basis=basis, details=details
    )
