"""Cardiovascular risk stratification of people with raised blood pressure.

Source: 中国高血压防治指南修订委员会. 中国高血压防治指南2018年修订版. 中国心血管杂志
2019;24(1):24-56 (English: J Geriatr Cardiol 2019;16(3):182-241), Table 3 (血压升高患者心血管
风险水平分层) and the BP classification table. Status: UNVERIFIED — the cells match an
open-source implementation of the 2024 revision, which kept the table, but the printed 2018 text
was not available. The table is therefore data (`HTN_RISK_TABLE_2018`) that a caller can
replace through the `criteria` parameter.

Inputs are already-derived facts (number of other risk factors, target-organ damage, diabetes,
CKD stage, clinical CVD); the screening engine derives them and explains how. Hypertension itself
is the column and is never counted as a risk factor. BP is graded by the higher of SBP and DBP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.criteria import Criteria
from healthloop.clinical.fields import BoolField, ChoiceField, InputSpec, IntegerField, Model
from healthloop.clinical.grading import Grade, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

ROWS = (
    "no other risk factor",
    "1-2 other risk factors",
    "≥ 3 risk factors, target-organ damage, CKD stage 3 or uncomplicated diabetes",
    "clinical CVD, CKD stage ≥ 4 or diabetes with complications",
)
COLUMNS = ("SBP 130-139 and/or DBP 85-89", "grade 1", "grade 2", "grade 3")

# Intermediate cells take the colour of their upper bound (the safer reading).
GRADES: dict[str, Grade] = {
    "not_stratified": Grade("not_stratified", "未达分层条件", None),
    "low": Grade("low", "低危", "green"),
    "medium": Grade("medium", "中危", "yellow"),
    "medium_high": Grade("medium_high", "中/高危", "orange"),
    "high": Grade("high", "高危", "orange"),
    "high_very_high": Grade("high_very_high", "高/很高危", "red"),
    "very_high": Grade("very_high", "很高危", "red"),
}

BP_GRADE_LABELS = {
    "normal": "正常血压",
    "high_normal": "正常高值",
    "grade_1": "1级高血压",
    "grade_2": "2级高血压",
    "grade_3": "3级高血压",
}


@dataclass(frozen=True, kw_only=True)
class HtnRiskTable(Criteria):
    """BP limits (inclusive lower bounds, mmHg) and the 4 × 4 risk table."""

    normal_below_sbp: float
    normal_below_dbp: float
    table_from_sbp: float  # the risk table's first column starts at 130/85
    table_from_dbp: float
    grade_from_sbp: tuple[float, float, float]  # grade 1, 2, 3
    grade_from_dbp: tuple[float, float, float]
    many_risk_factors_from: int  # the "≥ 3 other risk factors" row starts at this count
    cells: tuple[tuple[str, str, str, str], ...]  # rows as in ROWS, columns as in COLUMNS


HTN_RISK_TABLE_2018 = HtnRiskTable(
    name="htn_risk_table_2018",
    source="中国高血压防治指南2018年修订版, 中国心血管杂志 2019;24(1):24-56, 表3 (unchecked copy)",
    status="UNVERIFIED",
    normal_below_sbp=120.0,
    normal_below_dbp=80.0,
    table_from_sbp=130.0,
    table_from_dbp=85.0,
    grade_from_sbp=(140.0, 160.0, 180.0),
    grade_from_dbp=(90.0, 100.0, 110.0),
    many_risk_factors_from=3,
    cells=(
        ("not_stratified", "low", "medium", "high"),
        ("low", "medium", "medium_high", "very_high"),
        ("medium_high", "high", "high", "very_high"),
        ("high_very_high", "very_high", "very_high", "very_high"),
    ),
)

INPUT_SPEC = InputSpec(
    fields=(
        inputs.number("sbp"),
        inputs.number("dbp"),
        IntegerField(
            name="risk_factor_count",
            attr="risk_factor_count",
            description="Number of other CV risk factors (hypertension itself not counted)",
            minimum=0,
            maximum=20,
        ),
        BoolField(
            name="target_organ_damage",
            attr="target_organ_damage",
            description="Any target-organ damage (LVH, carotid IMT/plaque, eGFR 30-59, ...)",
        ),
        ChoiceField(
            name="diabetes",
            attr="diabetes",
            description="Diabetes status",
            choices=("none", "uncomplicated", "complicated"),
        ),
        IntegerField(
            name="ckd_stage",
            attr="ckd_stage",
            description="CKD stage, 0 for none",
            minimum=0,
            maximum=5,
        ),
        BoolField(
            name="clinical_cvd",
            attr="clinical_cvd",
            description="Established cardiovascular, cerebrovascular or peripheral disease",
        ),
    ),
)

MODEL = Model(
    name="htn_risk_2018",
    version="1.0.0",
    title=Title(
        zh="高血压患者心血管风险分层（2018）", en="Hypertension CV risk stratification 2018"
    ),
    citation="中国高血压防治指南2018年修订版. 中国心血管杂志 2019;24(1):24-56, 表3",
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class HtnRiskInput:
    sbp_mmhg: float
    dbp_mmhg: float
    risk_factor_count: int
    target_organ_damage: bool
    diabetes: Literal["none", "uncomplicated", "complicated"]
    ckd_stage: int
    clinical_cvd: bool

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def _level(value: float, limits: tuple[float, float, float]) -> int:
    """0 below grade 1, else the grade (1-3)."""
    return sum(1 for limit in limits if value >= limit)


def bp_grade(sbp: float, dbp: float, table: HtnRiskTable = HTN_RISK_TABLE_2018) -> str:
    """Diagnostic BP category; the higher of the SBP and DBP categories."""
    level = max(_level(sbp, table.grade_from_sbp), _level(dbp, table.grade_from_dbp))
    if level:
        return f"grade_{level}"
    if sbp < table.normal_below_sbp and dbp < table.normal_below_dbp:
        return "normal"
    return "high_normal"


def table_column(sbp: float, dbp: float, table: HtnRiskTable) -> int | None:
    """Risk-table column 0-3, or None below 130/85 (outside the table)."""
    level = max(_level(sbp, table.grade_from_sbp), _level(dbp, table.grade_from_dbp))
    if level:
        return level
    if sbp >= table.table_from_sbp or dbp >= table.table_from_dbp:
        return 0
    return None


def table_row(inp: HtnRiskInput, table: HtnRiskTable) -> int:
    if inp.clinical_cvd or inp.ckd_stage >= 4 or inp.diabetes == "complicated":
        return 3
    if (
        inp.risk_factor_count >= table.many_risk_factors_from
        or inp.target_organ_damage
        or inp.ckd_stage == 3
        or inp.diabetes == "uncomplicated"
    ):
        return 2
    return 1 if inp.risk_factor_count >= 1 else 0


def htn_risk_2018(
    inp: HtnRiskInput, *, criteria: HtnRiskTable = HTN_RISK_TABLE_2018
) -> CalculatorResult:
    """Risk level from the BP column and the risk-factor row of the 2018 table."""
    grade_code = bp_grade(inp.sbp_mmhg, inp.dbp_mmhg, criteria)
    column = table_column(inp.sbp_mmhg, inp.dbp_mmhg, criteria)
    row = table_row(inp, criteria)
    code = "not_stratified" if column is None else criteria.cells[row][column]
    isolated_systolic = inp.sbp_mmhg >= criteria.grade_from_sbp[0] and (
        inp.dbp_mmhg < criteria.grade_from_dbp[0]
    )
    basis = [
        f"BP {inp.sbp_mmhg:g}/{inp.dbp_mmhg:g} mmHg: {grade_code} (higher of SBP and DBP)",
        f"row: {ROWS[row]}",
        "column: " + ("below 130/85, outside the table" if column is None else COLUMNS[column]),
        f"table {criteria.name} ({criteria.status})",
    ]
    details: dict[str, JsonValue] = {
        "bp_grade": grade_code,
        "bp_grade_label": BP_GRADE_LABELS[grade_code],
        "isolated_systolic_hypertension": isolated_systolic,
        "table_row": row,
        "table_column": column,
        "criteria": criteria.provenance(),
    }
    return build_result(
        MODEL, value=None, unit=None, grade=GRADES[code], basis=basis, details=details
    )
