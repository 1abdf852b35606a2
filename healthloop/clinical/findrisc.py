"""FINDRISC — Finnish Diabetes Risk Score (10-year risk of type 2 diabetes).

Source: Lindström J, Tuomilehto J. The Diabetes Risk Score: a practical tool to predict type 2
diabetes risk. Diabetes Care 2003;26:725-731; the official Finnish form. Status: VERIFIED.

The official form, not the pharmacy variant (age < 35 = 0, 35-44 = 1). Boundaries as the form
reads: BMI 25 and 30 score 1 (25-30 inclusive); waist 94 and 102 cm (men), 80 and 88 cm
(women) fall in the middle band; age bands < 45, 45-54, 55-64, > 64 in completed years
(half-open on the real value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.fields import ChoiceField, InputSpec, Model
from healthloop.clinical.grading import Grade, band_at_most, band_below, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title, json_object

AGE_POINTS = ((45.0, 0), (55.0, 2), (65.0, 3))
BMI_MIDDLE_BAND = (25.0, 30.0)
WAIST_MIDDLE_BAND = {"male": (94.0, 102.0), "female": (80.0, 88.0)}
FAMILY_POINTS = {"none": 0, "second_degree": 3, "first_degree": 5}

GRADES = (
    (6, Grade("low", "低风险（约1/100）", "green")),
    (11, Grade("slightly_elevated", "略升高（约1/25）", "yellow")),
    (14, Grade("moderate", "中等（约1/6）", "yellow")),
    (20, Grade("high", "高风险（约1/3）", "orange")),
)
VERY_HIGH = Grade("very_high", "很高风险（约1/2）", "red")

INPUT_SPEC = InputSpec(
    fields=(
        inputs.age(18.0, 100.0),
        inputs.sex(),
        *inputs.body_size_fields(),
        inputs.number("waist_cm"),
        inputs.flag("active_30min_daily", description="At least 30 min physical activity daily"),
        inputs.flag("daily_fruit_veg", description="Eats vegetables, fruit or berries every day"),
        inputs.flag("bp_medication_ever", description="Ever took antihypertensive drugs regularly"),
        inputs.flag("high_glucose_ever", description="Ever found to have high blood glucose"),
        ChoiceField(
            name="family_diabetes",
            attr="family_diabetes",
            description="Relatives with diabetes: none, second-degree, first-degree",
            choices=tuple(FAMILY_POINTS),
        ),
    ),
    constraints=(inputs.BMI_SOURCE,),
)
MODEL = Model(
    name="findrisc",
    version="1.0.0",
    title=Title(zh="芬兰糖尿病风险评分（FINDRISC）", en="Finnish Diabetes Risk Score"),
    citation=(
        "Lindström J, Tuomilehto J. The Diabetes Risk Score: a practical tool to predict type 2 "
        "diabetes risk. Diabetes Care 2003;26:725-731"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class FindriscInput:
    age_years: float
    sex: Literal["male", "female"]
    waist_cm: float
    active_30min_daily: bool
    daily_fruit_veg: bool
    bp_medication_ever: bool
    high_glucose_ever: bool
    family_diabetes: Literal["none", "second_degree", "first_degree"]
    bmi_kg_m2: float | None = None
    height_cm: float | None = None
    weight_kg: float | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def three_bands(value: float, middle: tuple[float, float], points: tuple[int, int, int]) -> int:
    """Points below, inside (both limits inclusive) or above the middle band."""
    low, high = middle
    if value < low:
        return points[0]
    return points[1] if value <= high else points[2]


def item_points(inp: FindriscInput) -> dict[str, int]:
    bmi, _ = inputs.resolve_bmi(inp.bmi_kg_m2, inp.height_cm, inp.weight_kg)
    return {
        "age": band_below(inp.age_years, AGE_POINTS, 4),
        "bmi": three_bands(bmi, BMI_MIDDLE_BAND, (0, 1, 3)),
        "waist": three_bands(inp.waist_cm, WAIST_MIDDLE_BAND[inp.sex], (0, 3, 4)),
        "physical_activity": 0 if inp.active_30min_daily else 2,
        "fruit_vegetables": 0 if inp.daily_fruit_veg else 1,
        "bp_medication": 2 if inp.bp_medication_ever else 0,
        "high_glucose": 5 if inp.high_glucose_ever else 0,
        "family_diabetes": FAMILY_POINTS[inp.family_diabetes],
    }


def findrisc(inp: FindriscInput) -> CalculatorResult:
    """FINDRISC total (0-26) and its 10-year risk band."""
    points = item_points(inp)
    total = sum(points.values())
    _, bmi_basis = inputs.resolve_bmi(inp.bmi_kg_m2, inp.height_cm, inp.weight_kg)
    basis = [
        bmi_basis,
        "points " + ", ".join(f"{item} {value}" for item, value in points.items()),
        f"total {total}: < 7 low, 7-11 slightly elevated, 12-14 moderate, 15-20 high, "
        "> 20 very high",
    ]
    details: dict[str, JsonValue] = {"points": json_object(points)}
    grade = band_at_most(total, GRADES, VERY_HIGH)
    return build_result(
        MODEL, value=total, unit="points", grade=grade, basis=basis, details=details
    )
