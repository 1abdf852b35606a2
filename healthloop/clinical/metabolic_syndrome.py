"""Metabolic syndrome, Chinese Diabetes Society definition.

Source: 中华医学会糖尿病学分会. 中国2型糖尿病防治指南(2020年版). 中华糖尿病杂志
2021;13(4):315-409 (same criteria in the 2017 edition). Status: UNVERIFIED (confident, no
second source), so the criteria are data (`CDS_2020`) replaceable through `criteria`.

Three or more of: abdominal obesity (waist men ≥ 90, women ≥ 85 cm); hyperglycaemia (FPG ≥ 6.1
or 2-h PG ≥ 7.8 mmol/L, and/or diagnosed and treated diabetes); hypertension (BP ≥ 130/85 mmHg
and/or diagnosed and treated hypertension, taken as `bp_treated`); fasting TG ≥ 1.70 mmol/L;
fasting HDL-C < 1.04 mmol/L. These are not the IDF/harmonised criteria (FPG ≥ 5.6, sex-specific
HDL-C). FPG is required; the 2-h PG is optional because most check-ups omit the OGTT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.criteria import Criteria
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title, json_object


@dataclass(frozen=True, kw_only=True)
class MetabolicSyndromeCriteria(Criteria):
    waist_cm_male_from: float
    waist_cm_female_from: float
    fpg_mmol_l_from: float
    ogtt_2h_mmol_l_from: float
    sbp_mmhg_from: float
    dbp_mmhg_from: float
    tg_mmol_l_from: float
    hdl_c_mmol_l_below: float
    components_required: int


CDS_2020 = MetabolicSyndromeCriteria(
    name="metabolic_syndrome_cds_2020",
    source="中国2型糖尿病防治指南(2020年版), 中华糖尿病杂志 2021;13(4):315-409",
    status="UNVERIFIED",
    waist_cm_male_from=90.0,
    waist_cm_female_from=85.0,
    fpg_mmol_l_from=6.1,
    ogtt_2h_mmol_l_from=7.8,
    sbp_mmhg_from=130.0,
    dbp_mmhg_from=85.0,
    tg_mmol_l_from=1.70,
    hdl_c_mmol_l_below=1.04,
    components_required=3,
)

INPUT_SPEC = InputSpec(
    fields=(
        inputs.sex(),
        inputs.number("waist_cm"),
        inputs.number("fpg"),
        inputs.number("ogtt_2h", required=False),
        inputs.flag("diabetes", description="Diagnosed and treated diabetes"),
        inputs.number("sbp"),
        inputs.number("dbp"),
        inputs.flag("bp_treated", description="Diagnosed and treated hypertension"),
        inputs.number("tg"),
        inputs.number("hdl_c"),
    )
)
MODEL = Model(
    name="metabolic_syndrome",
    version="1.0.0",
    title=Title(
        zh="代谢综合征（中华医学会糖尿病学分会）", en="Metabolic syndrome (CDS definition)"
    ),
    citation="中华医学会糖尿病学分会. 中国2型糖尿病防治指南(2020年版). 中华糖尿病杂志 2021;13(4)",
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class MetabolicSyndromeInput:
    sex: Literal["male", "female"]
    waist_cm: float
    fpg_mmol_l: float
    diabetes: bool
    sbp_mmhg: float
    dbp_mmhg: float
    bp_treated: bool
    tg_mmol_l: float
    hdl_c_mmol_l: float
    ogtt_2h_mmol_l: float | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def components(inp: MetabolicSyndromeInput, c: MetabolicSyndromeCriteria) -> dict[str, bool]:
    """Which of the five components are met."""
    waist_from = c.waist_cm_male_from if inp.sex == "male" else c.waist_cm_female_from
    ogtt_high = inp.ogtt_2h_mmol_l is not None and inp.ogtt_2h_mmol_l >= c.ogtt_2h_mmol_l_from
    return {
        "abdominal_obesity": inp.waist_cm >= waist_from,
        "hyperglycemia": inp.diabetes or inp.fpg_mmol_l >= c.fpg_mmol_l_from or ogtt_high,
        "hypertension": inp.bp_treated
        or inp.sbp_mmhg >= c.sbp_mmhg_from
        or inp.dbp_mmhg >= c.dbp_mmhg_from,
        "high_triglycerides": inp.tg_mmol_l >= c.tg_mmol_l_from,
        "low_hdl_c": inp.hdl_c_mmol_l < c.hdl_c_mmol_l_below,
    }


def metabolic_syndrome(
    inp: MetabolicSyndromeInput, *, criteria: MetabolicSyndromeCriteria = CDS_2020
) -> CalculatorResult:
    """Number of components met (0-5) and presence (≥ 3 by default)."""
    met = components(inp, criteria)
    count = sum(met.values())
    if count >= criteria.components_required:
        grade = Grade("present", "代谢综合征", "orange")
    else:
        grade = Grade("absent", "非代谢综合征", "yellow" if count else "green")
    basis = [
        "met: " + (", ".join(name for name, hit in met.items() if hit) or "none"),
        f"{count} of 5 components; ≥ {criteria.components_required} is metabolic syndrome",
        f"criteria {criteria.name} ({criteria.status})",
    ]
    if inp.ogtt_2h_mmol_l is None:
        basis.append("2-h PG not measured; hyperglycaemia judged on FPG and diagnosis")
    details: dict[str, JsonValue] = {
        "components": json_object(met),
        "criteria": criteria.provenance(),
    }
    return build_result(
        MODEL, value=count, unit="criteria", grade=grade, basis=basis, details=details
    )
