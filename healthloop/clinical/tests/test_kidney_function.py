"""CKD-EPI 2021 and 2009 against the reference vectors; KDIGO G, A and heat-map staging."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthloop.clinical import ClinicalInputError, calculate
from healthloop.clinical.ckd_epi_2009 import egfr_2009
from healthloop.clinical.ckd_epi_2021 import egfr_2021
from healthloop.clinical.kdigo import a_stage, g_stage, kdigo_risk

PROPERTY = settings(max_examples=150, deadline=None, database=None)
UMOL_PER_MG = 88.4


def _ckd(sex: str, age: float, scr_mg_dl: float, **extra: object) -> dict[str, object]:
    return {"sex": sex, "age": age, "scr": scr_mg_dl * UMOL_PER_MG, **extra}


def test_ckd_epi_2021_kidney_org_example_man_55_scr_1_2_is_71() -> None:
    # given the NKF calculator example
    inputs = _ckd("male", 55, 1.2)
    # when
    result = calculate("ckd_epi_2021", inputs)
    # then
    assert result.value is not None
    assert round(result.value) == 71
    assert result.value == pytest.approx(71.42, abs=0.005)
    assert (result.unit, result.category) == ("mL/min/1.73 m²", "G2")


@pytest.mark.parametrize(
    ("scr_mg_dl", "age", "sex", "egfr_2021_expected", "egfr_2009_expected"),
    [
        (1.20, 55, "male", 71.42, 67.67),
        (1.00, 50, "female", 68.63, 65.64),
        (0.80, 40, "male", 114.74, 111.74),
        (0.90, 60, "male", 97.78, 92.51),
        (1.50, 90, "female", 32.90, 30.35),
        (2.50, 70, "female", 20.18, 18.84),
    ],
)
def test_ckd_epi_computed_vectors_2021_and_2009(
    scr_mg_dl: float, age: int, sex: str, egfr_2021_expected: float, egfr_2009_expected: float
) -> None:
    # given
    inputs = _ckd(sex, age, scr_mg_dl)
    # when
    new = calculate("ckd_epi_2021", inputs)
    old = calculate("ckd_epi_2009", inputs)
    # then
    assert new.value == pytest.approx(egfr_2021_expected, abs=0.005)
    assert old.value == pytest.approx(egfr_2009_expected, abs=0.005)


@pytest.mark.parametrize(
    ("equation", "kappa", "female"),
    [
        (egfr_2021, 0.7, True),
        (egfr_2021, 0.9, False),
        (egfr_2009, 0.7, True),
        (egfr_2009, 0.9, False),
    ],
)
def test_ckd_epi_both_branches_agree_at_kappa(
    equation: Callable[[float, float, bool], float], kappa: float, female: bool
) -> None:
    # given creatinine exactly at κ and a hair either side
    # when
    at = equation(kappa, 50, female)
    below = equation(kappa * (1 - 1e-9), 50, female)
    above = equation(kappa * (1 + 1e-9), 50, female)
    # then the min and max branches meet continuously
    assert below == pytest.approx(at, rel=1e-8)
    assert above == pytest.approx(at, rel=1e-8)


def test_ckd_epi_2021_at_kappa_is_the_age_and_sex_term_alone() -> None:
    # given Scr = κ, every ratio term is 1
    # when
    woman = egfr_2021(0.7, 50, True)
    man = egfr_2021(0.9, 50, False)
    # then
    assert woman == pytest.approx(142 * 0.9938**50 * 1.012, rel=1e-12)
    assert man == pytest.approx(142 * 0.9938**50, rel=1e-12)


@pytest.mark.parametrize(
    ("egfr", "stage"),
    [
        (120.0, "G1"),
        (90.0, "G1"),
        (89.99, "G2"),
        (60.0, "G2"),
        (59.99, "G3a"),
        (45.0, "G3a"),
        (44.99, "G3b"),
        (30.0, "G3b"),
        (29.99, "G4"),
        (15.0, "G4"),
        (14.99, "G5"),
        (3.0, "G5"),
    ],
)
def test_kdigo_g_stage_boundaries(egfr: float, stage: str) -> None:
    # given / when / then
    assert g_stage(egfr).code == stage


@pytest.mark.parametrize(
    ("acr", "stage"),
    [(0.0, "A1"), (29.99, "A1"), (30.0, "A2"), (300.0, "A2"), (300.01, "A3")],
)
def test_kdigo_a_stage_boundaries(acr: float, stage: str) -> None:
    # given / when / then
    assert a_stage(acr) == stage


@pytest.mark.parametrize(
    ("g", "risks"),
    [
        ("G1", ("low", "moderately_increased", "high")),
        ("G2", ("low", "moderately_increased", "high")),
        ("G3a", ("moderately_increased", "high", "very_high")),
        ("G3b", ("high", "very_high", "very_high")),
        ("G4", ("very_high", "very_high", "very_high")),
        ("G5", ("very_high", "very_high", "very_high")),
    ],
)
def test_kdigo_heat_map(g: str, risks: tuple[str, str, str]) -> None:
    # given / when
    row = tuple(kdigo_risk(g, a) for a in ("A1", "A2", "A3"))
    # then
    assert row == risks


def test_ckd_result_with_acr_carries_a_stage_and_kdigo_colour() -> None:
    # given eGFR ≈ 32.9 (G3b) with ACR 45 mg/g (A2)
    inputs = _ckd("female", 90, 1.5, acr=45)
    # when
    result = calculate("ckd_epi_2021", inputs)
    # then
    assert result.category == "G3b"
    assert result.details["a_stage"] == "A2"
    assert result.details["kdigo_risk"] == "very_high"
    assert result.details["kdigo_color"] == "red"
    assert result.color == "red"


def test_ckd_result_without_acr_uses_the_lowest_risk_colour_of_the_g_stage() -> None:
    # given eGFR ≈ 32.9 (G3b), albuminuria unknown
    inputs = _ckd("female", 90, 1.5)
    # when
    result = calculate("ckd_epi_2021", inputs)
    # then
    assert result.color == "orange"
    assert "a_stage" not in result.details
    assert "kdigo_risk" not in result.details


def test_ckd_epi_2009_ignores_race_and_says_so() -> None:
    # given / when
    result = calculate("ckd_epi_2009", _ckd("male", 55, 1.2))
    # then
    assert any("non-Black" in line for line in result.basis)


@pytest.mark.parametrize(("field", "value"), [("age", 17.9), ("scr", 9), ("acr", -1)])
def test_ckd_epi_rejects_out_of_range_inputs(field: str, value: float) -> None:
    # given
    inputs = {**_ckd("male", 55, 1.2), field: value}
    # when
    with pytest.raises(ClinicalInputError) as error:
        calculate("ckd_epi_2021", inputs)
    # then
    assert error.value.field == field


@PROPERTY
@given(
    sex=st.sampled_from(["male", "female"]),
    age=st.integers(18, 100),
    scrs=st.lists(st.integers(20, 2000), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_egfr_falls_as_creatinine_rises(sex: str, age: int, scrs: list[int]) -> None:
    # given two creatinine values in µmol/L
    # when
    lower, higher = (
        calculate("ckd_epi_2021", {"sex": sex, "age": age, "scr": scr}).value for scr in scrs
    )
    # then
    assert lower is not None and higher is not None
    assert lower > higher > 0.0
