"""CDRS, FINDRISC and glycaemic status: examples, band boundaries, ranges and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthloop.clinical import ClinicalInputError, calculate
from healthloop.clinical.result import JsonValue

PROPERTY = settings(max_examples=200, deadline=None, database=None)


def _cdrs(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "age": 50,
        "sex": "male",
        "waist_cm": 88,
        "sbp": 135,
        "bmi": 25.5,
        "family_history_diabetes": False,
    }
    return {**base, **overrides}


def _cdrs_points(**overrides: object) -> dict[str, JsonValue]:
    points = calculate("cdrs", _cdrs(**overrides)).details["points"]
    assert isinstance(points, dict)
    return points


def test_cdrs_man_50_scores_31_high_risk() -> None:
    # given the reference's first COMPUTED example
    # when
    result = calculate("cdrs", _cdrs())
    # then
    assert result.value == 31
    assert result.details["points"] == {
        "age": 13, "bmi": 3, "waist": 7, "sbp": 6, "family_history": 0, "sex": 2,
    }  # fmt: skip
    assert (result.category, result.color) == ("high", "orange")


def test_cdrs_woman_30_with_family_history_scores_14_low_risk() -> None:
    # given the reference's second COMPUTED example
    inputs = _cdrs(age=30, sex="female", waist_cm=72, sbp=115, bmi=21.0,
                   family_history_diabetes=True)  # fmt: skip
    # when
    result = calculate("cdrs", inputs)
    # then
    assert result.value == 14
    assert result.details["points"] == {
        "age": 4, "bmi": 0, "waist": 3, "sbp": 1, "family_history": 6, "sex": 0,
    }  # fmt: skip
    assert (result.category, result.color) == ("low", "green")


@pytest.mark.parametrize(
    ("age", "points"),
    [(20, 0), (24.9, 0), (25, 4), (34.9, 4), (35, 8), (39.9, 8), (40, 11), (44.9, 11),
     (45, 12), (50, 13), (55, 15), (59.9, 15), (60, 16), (64.9, 16), (65, 18), (74, 18)],
)  # fmt: skip
def test_cdrs_age_bands(age: float, points: int) -> None:
    # given / when / then
    assert _cdrs_points(age=age)["age"] == points


@pytest.mark.parametrize(
    ("bmi", "points"), [(21.99, 0), (22.0, 1), (23.99, 1), (24.0, 3), (29.99, 3), (30.0, 5)]
)
def test_cdrs_bmi_bands_top_out_at_5(bmi: float, points: int) -> None:
    # given / when / then
    assert _cdrs_points(bmi=bmi)["bmi"] == points


@pytest.mark.parametrize(
    ("sex", "waist", "points"),
    [("male", 74.9, 0), ("male", 75, 3), ("male", 80, 5), ("male", 85, 7), ("male", 90, 8),
     ("male", 94.9, 8), ("male", 95, 10), ("female", 69.9, 0), ("female", 70, 3),
     ("female", 75, 5), ("female", 80, 7), ("female", 85, 8), ("female", 90, 10)],
)  # fmt: skip
def test_cdrs_waist_bands_by_sex(sex: str, waist: float, points: int) -> None:
    # given / when / then
    assert _cdrs_points(sex=sex, waist_cm=waist)["waist"] == points


@pytest.mark.parametrize(
    ("sbp", "points"),
    [(109, 0), (110, 1), (119.9, 1), (120, 3), (130, 6), (140, 7), (150, 8), (159.9, 8),
     (160, 10)],
)  # fmt: skip
def test_cdrs_sbp_bands(sbp: float, points: int) -> None:
    # given / when / then
    assert _cdrs_points(sbp=sbp)["sbp"] == points


@pytest.mark.parametrize(
    ("waist_cm", "sbp", "total", "category"),
    [
        (82, 125, 24, "low"),  # age 11 + BMI 3 + waist 5 + SBP 3 + male 2
        (77, 131, 25, "high"),  # age 11 + BMI 3 + waist 3 + SBP 6 + male 2
    ],
)
def test_cdrs_cut_off_is_25(waist_cm: float, sbp: float, total: int, category: str) -> None:
    # given a man aged 42 with BMI 25
    inputs = _cdrs(age=42, bmi=25, waist_cm=waist_cm, sbp=sbp)
    # when
    result = calculate("cdrs", inputs)
    # then
    assert (result.value, result.category) == (total, category)


@pytest.mark.parametrize("age", [19.9, 74.1])
def test_cdrs_gives_no_score_outside_20_74(age: float) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("cdrs", _cdrs(age=age))
    # then
    assert error.value.field == "age"


def test_cdrs_accepts_height_and_weight_instead_of_bmi() -> None:
    # given 80 kg at 175 cm: BMI 26.12
    inputs = {k: v for k, v in _cdrs(height_cm=175, weight_kg=80).items() if k != "bmi"}
    # when
    result = calculate("cdrs", inputs)
    # then
    assert result.details["points"] == {
        "age": 13, "bmi": 3, "waist": 7, "sbp": 6, "family_history": 0, "sex": 2,
    }  # fmt: skip


@PROPERTY
@given(
    age=st.floats(20, 74),
    sex=st.sampled_from(["male", "female"]),
    waist=st.floats(30, 250),
    sbp=st.floats(60, 300),
    bmi=st.floats(8, 100),
    family=st.booleans(),
)
def test_cdrs_total_is_the_sum_of_items_within_0_51(
    age: float, sex: str, waist: float, sbp: float, bmi: float, family: bool
) -> None:
    # given
    inputs = {"age": age, "sex": sex, "waist_cm": waist, "sbp": sbp, "bmi": bmi,
              "family_history_diabetes": family}  # fmt: skip
    # when
    result = calculate("cdrs", inputs)
    # then
    points = result.details["points"]
    assert isinstance(points, dict)
    assert result.value == sum(value for value in points.values() if isinstance(value, int))
    assert result.value is not None and 0 <= result.value <= 51


# --- FINDRISC ------------------------------------------------------------------------------


def _findrisc(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "age": 40,
        "sex": "male",
        "bmi": 23,
        "waist_cm": 90,
        "active_30min_daily": True,
        "daily_fruit_veg": True,
        "bp_medication_ever": False,
        "high_glucose_ever": False,
        "family_diabetes": "none",
    }
    return {**base, **overrides}


def _findrisc_points(**overrides: object) -> dict[str, JsonValue]:
    points = calculate("findrisc", _findrisc(**overrides)).details["points"]
    assert isinstance(points, dict)
    return points


def test_findrisc_maximum_is_26_very_high() -> None:
    # given every answer at its worst
    inputs = _findrisc(age=70, bmi=31, waist_cm=103, active_30min_daily=False,
                       daily_fruit_veg=False, bp_medication_ever=True, high_glucose_ever=True,
                       family_diabetes="first_degree")  # fmt: skip
    # when
    result = calculate("findrisc", inputs)
    # then
    assert result.value == 26
    assert (result.category, result.color) == ("very_high", "red")


def test_findrisc_minimum_is_0_low() -> None:
    # given / when
    result = calculate("findrisc", _findrisc())
    # then
    assert result.value == 0
    assert (result.category, result.label) == ("low", "低风险（约1/100）")


@pytest.mark.parametrize(
    ("age", "points"), [(44.9, 0), (45, 2), (54.9, 2), (55, 3), (64.9, 3), (65, 4)]
)
def test_findrisc_age_bands_are_the_official_form(age: float, points: int) -> None:
    # given / when / then (not the pharmacy variant with 35-44 = 1)
    assert _findrisc_points(age=age)["age"] == points
    assert _findrisc_points(age=35)["age"] == 0


@pytest.mark.parametrize(("bmi", "points"), [(24.99, 0), (25.0, 1), (30.0, 1), (30.01, 3)])
def test_findrisc_bmi_25_and_30_score_1(bmi: float, points: int) -> None:
    # given / when / then
    assert _findrisc_points(bmi=bmi)["bmi"] == points


@pytest.mark.parametrize(
    ("sex", "waist", "points"),
    [("male", 93.9, 0), ("male", 94, 3), ("male", 102, 3), ("male", 102.1, 4),
     ("female", 79.9, 0), ("female", 80, 3), ("female", 88, 3), ("female", 88.1, 4)],
)  # fmt: skip
def test_findrisc_waist_limits_fall_in_the_middle_band(sex: str, waist: float, points: int) -> None:
    # given / when / then
    assert _findrisc_points(sex=sex, waist_cm=waist)["waist"] == points


@pytest.mark.parametrize(
    ("family", "points"), [("none", 0), ("second_degree", 3), ("first_degree", 5)]
)
def test_findrisc_family_history_points(family: str, points: int) -> None:
    # given / when / then
    assert _findrisc_points(family_diabetes=family)["family_diabetes"] == points


@pytest.mark.parametrize(
    ("answers", "total", "category"),
    [
        ({"high_glucose_ever": True, "active_30min_daily": False}, 7, "slightly_elevated"),
        ({"high_glucose_ever": True, "active_30min_daily": False, "age": 55,
          "daily_fruit_veg": False}, 11, "slightly_elevated"),
        ({"high_glucose_ever": True, "family_diabetes": "first_degree", "age": 45}, 12,
         "moderate"),
        ({"high_glucose_ever": True, "family_diabetes": "first_degree", "age": 65}, 14,
         "moderate"),
        ({"high_glucose_ever": True, "family_diabetes": "first_degree", "age": 65,
          "daily_fruit_veg": False}, 15, "high"),
        ({"high_glucose_ever": True, "family_diabetes": "first_degree", "age": 65,
          "waist_cm": 103, "active_30min_daily": False}, 20, "high"),
        ({"high_glucose_ever": True, "family_diabetes": "first_degree", "age": 65,
          "waist_cm": 103, "bmi": 31}, 21, "very_high"),
    ],
)  # fmt: skip
def test_findrisc_total_band_boundaries(
    answers: dict[str, object], total: int, category: str
) -> None:
    # given / when
    result = calculate("findrisc", _findrisc(**answers))
    # then
    assert (result.value, result.category) == (total, category)


@PROPERTY
@given(
    age=st.floats(18, 100),
    sex=st.sampled_from(["male", "female"]),
    bmi=st.floats(8, 100),
    waist=st.floats(30, 250),
    flags=st.lists(st.booleans(), min_size=4, max_size=4),
    family=st.sampled_from(["none", "second_degree", "first_degree"]),
)
def test_findrisc_total_is_the_sum_of_items_within_0_26(
    age: float, sex: str, bmi: float, waist: float, flags: list[bool], family: str
) -> None:
    # given
    inputs = _findrisc(age=age, sex=sex, bmi=bmi, waist_cm=waist, active_30min_daily=flags[0],
                       daily_fruit_veg=flags[1], bp_medication_ever=flags[2],
                       high_glucose_ever=flags[3], family_diabetes=family)  # fmt: skip
    # when
    result = calculate("findrisc", inputs)
    # then
    points = result.details["points"]
    assert isinstance(points, dict)
    assert result.value == sum(value for value in points.values() if isinstance(value, int))
    assert result.value is not None and 0 <= result.value <= 26


# --- Glycaemic status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "category"),
    [
        ({"fpg": 5.0, "ogtt_2h": 7.7}, "normal"),
        ({"fpg": 6.09, "ogtt_2h": 7.79}, "normal"),
        ({"fpg": 6.1, "ogtt_2h": 7.7}, "ifg"),
        ({"fpg": 6.99, "ogtt_2h": 5.0}, "ifg"),
        ({"fpg": 5.0, "ogtt_2h": 7.8}, "igt"),
        ({"fpg": 5.0, "ogtt_2h": 11.09}, "igt"),
        ({"fpg": 6.5, "ogtt_2h": 9.0}, "ifg_igt"),
        ({"fpg": 7.0, "ogtt_2h": 6.0}, "diabetes"),
        ({"fpg": 5.0, "ogtt_2h": 11.1}, "diabetes"),
        ({"hba1c": 6.5}, "diabetes"),
        ({"hba1c": 6.49}, "normal"),
        ({"fpg": 6.2}, "ifg"),
        ({"ogtt_2h": 8.0}, "igt"),
    ],
)
def test_glycemic_status_cds_2020_boundaries(inputs: dict[str, object], category: str) -> None:
    # given / when
    result = calculate("glycemic_status", inputs)
    # then
    assert result.category == category


def test_glycemic_status_uses_6_1_not_the_ada_5_6() -> None:
    # given an FPG that the ADA would call impaired
    # when
    result = calculate("glycemic_status", {"fpg": 5.8, "ogtt_2h": 6.0})
    # then
    assert (result.category, result.color) == ("normal", "green")


def test_glycemic_status_diabetes_needs_confirmation_on_another_day() -> None:
    # given / when
    result = calculate("glycemic_status", {"fpg": 7.2})
    # then
    assert (result.category, result.label, result.color) == (
        "diabetes", "血糖达糖尿病诊断标准", "orange",
    )  # fmt: skip
    assert result.details["confirmation_required"] is True


@pytest.mark.parametrize(
    ("inputs", "not_excluded"),
    [
        ({"fpg": 5.0}, ["diabetes", "igt"]),
        ({"ogtt_2h": 8.0}, ["diabetes", "ifg"]),
        ({"fpg": 5.0, "ogtt_2h": 6.0}, []),
        ({"hba1c": 5.5}, ["diabetes", "igt", "ifg"]),
    ],
)
def test_glycemic_status_names_what_missing_tests_could_show(
    inputs: dict[str, object], not_excluded: list[str]
) -> None:
    # given / when
    result = calculate("glycemic_status", inputs)
    # then
    assert result.details["not_excluded"] == not_excluded


def test_glycemic_status_needs_at_least_one_value() -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("glycemic_status", {})
    # then
    assert error.value.field == "fpg"
    assert error.value.message == "at least one of fpg, ogtt_2h, hba1c is required"
