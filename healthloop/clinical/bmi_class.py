"""Adult weight status by BMI and central obesity by waist (WS/T 428-2013 成人体重判定).

Source: 中华人民共和国卫生行业标准 WS/T 428-2013 成人体重判定. Status: VERIFIED.
BMI: < 18.5 underweight, 18.5-< 24.0 normal, 24.0-< 28.0 overweight, ≥ 28.0 obese.
Waist: men 85-< 90 cm, women 80-< 85 cm pre-central obesity; men ≥ 90, women ≥ 85 central
obesity. The colour follows BMI only; central obesity is reported in `details`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.constraints import RequiredWith
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, band_below, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

BMI_GRADES = (
    (18.5, Grade("underweight", "体重过低", "yellow")),
    (24.0, Grade("normal", "体重正常", "green")),
    (28.0, Grade("overweight", "超重", "yellow")),
)
OBESE = Grade("obese", "肥胖", "orange")

# sex: (pre-central obesity from, central obesity from), cm
WAIST_LIMITS = {"male": (85.0, 90.0), "female": (80.0, 85.0)}
CENTRAL_LABELS = {
    "none": "无中心型肥胖",
    "pre_central_obesity": "中心型肥胖前期",
    "central_obesity": "中心型肥胖",
}

INPUT_SPEC = InputSpec(
    fields=(
        *inputs.body_size_fields(),
        inputs.number("waist_cm", required=False),
        inputs.sex(required=False),
    ),
    constraints=(inputs.BMI_SOURCE, RequiredWith("sex", "waist_cm")),
)
MODEL = Model(
    name="bmi_class",
    version="1.0.0",
    title=Title(zh="成人体重判定（BMI与腰围）", en="Adult weight status (BMI and waist)"),
    citation="WS/T 428-2013 成人体重判定",
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class BmiClassInput:
    bmi_kg_m2: float | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    waist_cm: float | None = None
    sex: Literal["male", "female"] | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def central_obesity(waist_cm: float, sex: Literal["male", "female"]) -> str:
    pre_from, central_from = WAIST_LIMITS[sex]
    if waist_cm >= central_from:
        return "central_obesity"
    return "pre_central_obesity" if waist_cm >= pre_from else "none"


def bmi_class(inp: BmiClassInput) -> CalculatorResult:
    """BMI category, with the central-obesity class when waist is given."""
    bmi, bmi_basis = inputs.resolve_bmi(inp.bmi_kg_m2, inp.height_cm, inp.weight_kg)
    grade = band_below(bmi, BMI_GRADES, OBESE)
    basis = [bmi_basis, f"BMI category {grade.code} (WS/T 428-2013)"]
    details: dict[str, JsonValue] = {"bmi_kg_m2": bmi}
    if inp.waist_cm is not None and inp.sex is not None:
        central = central_obesity(inp.waist_cm, inp.sex)
        details["central_obesity"] = central
        details["central_obesity_label"] = CENTRAL_LABELS[central]
        basis.append(f"waist {inp.waist_cm:g} cm ({inp.sex}): {central}")
    return build_result(MODEL, value=bmi, unit="kg/m²", grade=grade, basis=basis, details=details)
