"""Hyperuricaemia by serum uric acid (中国高尿酸血症与痛风诊疗指南（2019）).

Source: 中华医学会内分泌学分会. 中国高尿酸血症与痛风诊疗指南（2019）. 中华内分泌代谢杂志
2020;36(1):1-13. Status: UNVERIFIED (confident), so the threshold is data (`CHINA_2019`)
replaceable through `criteria`.

Hyperuricaemia: serum uric acid > 420 µmol/L for both sexes (exactly 420 is normal). The
diagnosis needs two fasting measurements on different days; one value only flags it, and
`details.confirmation_required` says so. Older sex-specific cut-offs (men > 417, women > 357)
can be supplied as a replacement table; `sex` is then required.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.criteria import Criteria
from healthloop.clinical.errors import ClinicalInputError
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title


@dataclass(frozen=True, kw_only=True)
class HyperuricemiaCriteria(Criteria):
    """Hyperuricaemia when uric acid is strictly above the sex's limit (µmol/L)."""

    above_umol_l_male: float
    above_umol_l_female: float


CHINA_2019 = HyperuricemiaCriteria(
    name="hyperuricemia_china_2019",
    source="中国高尿酸血症与痛风诊疗指南（2019）, 中华内分泌代谢杂志 2020;36(1):1-13",
    status="UNVERIFIED",
    above_umol_l_male=420.0,
    above_umol_l_female=420.0,
)

NORMAL = Grade("normal", "血尿酸正常", "green")
HYPERURICEMIA = Grade("hyperuricemia", "高尿酸血症", "yellow")

INPUT_SPEC = InputSpec(fields=(inputs.number("uric_acid"), inputs.sex(required=False)))
MODEL = Model(
    name="uric_acid_class",
    version="1.0.0",
    title=Title(zh="血尿酸分类（高尿酸血症）", en="Serum uric acid (hyperuricaemia)"),
    citation=(
        "中华医学会内分泌学分会. 中国高尿酸血症与痛风诊疗指南（2019）. "
        "中华内分泌代谢杂志 2020;36(1):1-13"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class UricAcidInput:
    uric_acid_umol_l: float
    sex: Literal["male", "female"] | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def limit_for(inp: UricAcidInput, criteria: HyperuricemiaCriteria) -> float:
    if criteria.above_umol_l_male == criteria.above_umol_l_female:
        return criteria.above_umol_l_male
    if inp.sex is None:
        raise ClinicalInputError("sex", f"sex is required by the criteria {criteria.name}")
    return criteria.above_umol_l_male if inp.sex == "male" else criteria.above_umol_l_female


def uric_acid_class(
    inp: UricAcidInput, *, criteria: HyperuricemiaCriteria = CHINA_2019
) -> CalculatorResult:
    """Normal or hyperuricaemia (one measurement; confirmation on another day required)."""
    limit = limit_for(inp, criteria)
    grade = HYPERURICEMIA if inp.uric_acid_umol_l > limit else NORMAL
    basis = [
        f"uric acid {inp.uric_acid_umol_l:g} µmol/L; hyperuricaemia if > {limit:g} µmol/L",
        f"criteria {criteria.name} ({criteria.status})",
    ]
    details: dict[str, JsonValue] = {
        "limit_umol_l": limit,
        "confirmation_required": grade is HYPERURICEMIA,
        "criteria": criteria.provenance(),
    }
    if grade is HYPERURICEMIA:
        basis.append("diagnosis needs two fasting measurements on different days")
    return build_result(
        MODEL, value=inp.uric_acid_umol_l, unit="µmol/L", grade=grade, basis=basis, details=details
    )
