"""Hypertension risk stratification (中国高血压防治指南2018): the table, BP grades, overrides."""

from __future__ import annotations

import dataclasses

import pytest

from healthloop.clinical import calculate
from healthloop.clinical.htn_risk_2018 import HTN_RISK_TABLE_2018, bp_grade
from healthloop.clinical.metabolic_syndrome import CDS_2020


def _htn(sbp: float, dbp: float, /, **facts: object) -> dict[str, object]:
    base: dict[str, object] = {
        "risk_factor_count": 0,
        "target_organ_damage": False,
        "diabetes": "none",
        "ckd_stage": 0,
        "clinical_cvd": False,
    }
    return {"sbp": sbp, "dbp": dbp, **base, **facts}


@pytest.mark.parametrize(
    ("case", "inputs", "category", "label"),
    [
        ("A", _htn(150, 95, risk_factor_count=2), "medium", "中危"),
        ("C", _htn(135, 86, diabetes="uncomplicated"), "medium_high", "中/高危"),
        ("E", _htn(145, 92, clinical_cvd=True), "very_high", "很高危"),
        ("F", _htn(132, 80), "not_stratified", "未达分层条件"),
    ],
)
def test_htn_risk_reference_test_vectors(
    case: str, inputs: dict[str, object], category: str, label: str
) -> None:
    # given the reference's vector `case`
    # when
    result = calculate("htn_risk_2018", inputs)
    # then
    assert (result.category, result.label) == (category, label), case
    assert result.value is None


ROWS: dict[str, list[dict[str, object]]] = {
    "none": [{}],
    "one_or_two": [{"risk_factor_count": 1}, {"risk_factor_count": 2}],
    "three_or_damage": [
        {"risk_factor_count": 3},
        {"target_organ_damage": True},
        {"ckd_stage": 3},
        {"diabetes": "uncomplicated"},
    ],
    "complications": [
        {"clinical_cvd": True},
        {"ckd_stage": 4},
        {"ckd_stage": 5},
        {"diabetes": "complicated", "risk_factor_count": 1},
    ],
}
COLUMNS: dict[str, list[tuple[int, int]]] = {
    "high_normal": [(135, 80), (125, 87)],
    "grade_1": [(145, 80), (125, 95)],
    "grade_2": [(165, 80), (125, 105)],
    "grade_3": [(185, 80), (125, 115)],
}
TABLE = {
    "none": ("not_stratified", "low", "medium", "high"),
    "one_or_two": ("low", "medium", "medium_high", "very_high"),
    "three_or_damage": ("medium_high", "high", "high", "very_high"),
    "complications": ("high_very_high", "very_high", "very_high", "very_high"),
}


@pytest.mark.parametrize(
    ("row", "facts", "column", "bp", "expected"),
    [
        (row, facts, column, bp, TABLE[row][index])
        for row, fact_list in ROWS.items()
        for facts in fact_list
        for index, (column, bps) in enumerate(COLUMNS.items())
        for bp in bps
    ],
)
def test_htn_risk_every_table_cell(
    row: str, facts: dict[str, object], column: str, bp: tuple[int, int], expected: str
) -> None:
    # given a person in `row` with BP in `column` (by SBP or by DBP)
    inputs = _htn(*bp, **facts)
    # when
    result = calculate("htn_risk_2018", inputs)
    # then
    assert result.category == expected


@pytest.mark.parametrize(
    ("sbp", "dbp", "column"),
    [
        (129, 84, None),
        (130, 84, 0),
        (129, 85, 0),
        (139, 89, 0),
        (140, 89, 1),
        (139, 90, 1),
        (159, 99, 1),
        (160, 99, 2),
        (159, 100, 2),
        (179, 109, 2),
        (180, 109, 3),
        (179, 110, 3),
        (145, 105, 2),
    ],
)
def test_htn_risk_column_boundaries_use_the_higher_of_sbp_and_dbp(
    sbp: int, dbp: int, column: int | None
) -> None:
    # given / when
    result = calculate("htn_risk_2018", _htn(sbp, dbp, risk_factor_count=1))
    # then
    assert result.details["table_column"] == column


def test_htn_risk_below_130_85_is_not_stratified_even_with_complications() -> None:
    # given
    inputs = _htn(128, 82, clinical_cvd=True, ckd_stage=4)
    # when
    result = calculate("htn_risk_2018", inputs)
    # then
    assert (result.category, result.color) == ("not_stratified", None)


@pytest.mark.parametrize(
    ("sbp", "dbp", "grade"),
    [
        (119, 79, "normal"),
        (120, 79, "high_normal"),
        (119, 80, "high_normal"),
        (139, 89, "high_normal"),
        (140, 70, "grade_1"),
        (160, 70, "grade_2"),
        (120, 110, "grade_3"),
    ],
)
def test_htn_diagnostic_bp_grade_boundaries(sbp: int, dbp: int, grade: str) -> None:
    # given / when / then
    assert bp_grade(sbp, dbp) == grade


@pytest.mark.parametrize(("dbp", "isolated"), [(89, True), (90, False)])
def test_htn_isolated_systolic_hypertension_flag(dbp: int, isolated: bool) -> None:
    # given / when
    result = calculate("htn_risk_2018", _htn(150, dbp))
    # then
    assert result.details["isolated_systolic_hypertension"] is isolated


@pytest.mark.parametrize(
    ("category", "color"),
    [
        ("low", "green"),
        ("medium", "yellow"),
        ("medium_high", "orange"),
        ("high", "orange"),
        ("high_very_high", "red"),
        ("very_high", "red"),
    ],
)
def test_htn_risk_colours_take_the_upper_bound_of_intermediate_cells(
    category: str, color: str
) -> None:
    # given one input per category
    by_category = {
        "low": _htn(145, 80),
        "medium": _htn(165, 80),
        "medium_high": _htn(135, 80, risk_factor_count=3),
        "high": _htn(185, 80),
        "high_very_high": _htn(135, 80, clinical_cvd=True),
        "very_high": _htn(185, 80, risk_factor_count=1),
    }
    # when
    result = calculate("htn_risk_2018", by_category[category])
    # then
    assert (result.category, result.color) == (category, color)


def test_htn_risk_table_is_unverified_data_and_replaceable() -> None:
    # given a local table that puts two risk factors in the third row (≥ 3 risk factors)
    local = dataclasses.replace(
        HTN_RISK_TABLE_2018, name="local", source="hospital policy 2025", status="LOCAL",
        many_risk_factors_from=2,
    )  # fmt: skip
    inputs = _htn(145, 80, risk_factor_count=2)
    # when
    default = calculate("htn_risk_2018", inputs)
    replaced = calculate("htn_risk_2018", inputs, criteria=local)
    # then
    assert HTN_RISK_TABLE_2018.status == "UNVERIFIED"
    assert default.category == "medium"
    assert default.details["criteria"] == {
        "name": "htn_risk_table_2018",
        "source": HTN_RISK_TABLE_2018.source,
        "status": "UNVERIFIED",
    }
    assert replaced.category == "high"
    assert replaced.details["criteria"] == {
        "name": "local",
        "source": "hospital policy 2025",
        "status": "LOCAL",
    }


def test_htn_risk_rejects_criteria_of_another_calculator() -> None:
    # given / when / then
    with pytest.raises(TypeError, match="HtnRiskTable"):
        calculate("htn_risk_2018", _htn(145, 80), criteria=CDS_2020)
