"""China-PAR, PCE and Framingham 2008 against the reference's worked examples and vectors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthloop.clinical import ClinicalInputError, calculate
from healthloop.clinical import china_par as china_par_module
from healthloop.clinical import framingham_2008 as framingham_module
from healthloop.clinical import pce as pce_module

PROPERTY = settings(max_examples=150, deadline=None, database=None)

CHINA_PAR_MG_DL = 38.61
US_MG_DL = 38.67

# The China-PAR paper's worked example (Supplement), cholesterol given back in mmol/L.
PAPER_PROFILE: dict[str, object] = {
    "sbp": 130,
    "bp_treated": False,
    "tc": 210 / CHINA_PAR_MG_DL,
    "hdl_c": 55 / CHINA_PAR_MG_DL,
    "waist_cm": 80,
    "smoker": False,
    "diabetes": True,
    "north": True,
    "urban": True,
    "family_history_ascvd": False,
}


def _china_par(**overrides: object) -> dict[str, object]:
    return {**PAPER_PROFILE, "sex": "male", "age": 60, **overrides}


@pytest.mark.parametrize(
    ("sex", "age", "paper_percent", "computed_percent"),
    [
        ("male", 60, 11.0, 10.82),
        ("male", 40, 2.2, 2.17),
        ("female", 60, 10.1, 10.19),
        ("female", 40, 2.4, 2.42),
    ],
)
def test_china_par_paper_table_2_within_2_5_percent(
    sex: str, age: int, paper_percent: float, computed_percent: float
) -> None:
    # given the paper's profile at the tabulated age
    inputs = _china_par(sex=sex, age=age)
    # when
    result = calculate("china_par", inputs)
    # then it is within 2.5 % (relative) of the paper and equals the reference's computation
    assert result.value == pytest.approx(paper_percent, rel=0.025)
    assert result.value == pytest.approx(computed_percent, abs=0.005)


@pytest.mark.parametrize(
    ("sex", "paper_sum", "computed_sum"),
    [("male", 142.04, 142.028), ("female", 119.22, 119.229)],
)
def test_china_par_linear_sum_matches_paper_worked_formula(
    sex: str, paper_sum: float, computed_sum: float
) -> None:
    # given
    inputs = _china_par(sex=sex)
    # when
    details = calculate("china_par", inputs).details
    # then
    assert details["linear_sum"] == pytest.approx(computed_sum, abs=0.0005)
    assert details["linear_sum"] == pytest.approx(paper_sum, abs=0.015)


def test_china_par_men_60_is_high_risk_red_with_full_result_object() -> None:
    # given / when
    result = calculate("china_par", _china_par())
    # then
    assert (result.name, result.version, result.unit) == ("china_par", "1.0.0", "%")
    assert (result.category, result.label, result.color) == ("high", "高危", "red")
    assert result.details["extrapolated_age"] is False


@pytest.mark.parametrize(
    ("overrides", "expected_percent"),
    [
        (
            {"age": 60, "sbp": 150, "bp_treated": True, "tc": 200 / CHINA_PAR_MG_DL,
             "hdl_c": 50 / CHINA_PAR_MG_DL, "waist_cm": 90, "smoker": True, "diabetes": False,
             "north": False, "urban": True, "family_history_ascvd": True},
            9.66009,
        ),
        (
            {"sex": "female", "age": 55, "sbp": 145, "bp_treated": True,
             "tc": 190 / CHINA_PAR_MG_DL, "hdl_c": 50 / CHINA_PAR_MG_DL, "waist_cm": 85,
             "smoker": True, "diabetes": True, "north": True},
            21.72305,
        ),
    ],
)  # fmt: skip
def test_china_par_treated_sbp_and_smoking_terms_match_computed_vectors(
    overrides: dict[str, object], expected_percent: float
) -> None:
    # given a treated smoker (men also with family history and urban residence)
    inputs = _china_par(**overrides)
    # when
    result = calculate("china_par", inputs)
    # then (COMPUTED with an independent transcription of the coefficient table)
    assert result.value == pytest.approx(expected_percent, abs=0.0005)


def test_china_par_women_ignore_urban_and_family_history() -> None:
    # given two women differing only in the men-only inputs
    base = _china_par(sex="female", urban=False, family_history_ascvd=False)
    other = _china_par(sex="female", urban=True, family_history_ascvd=True)
    # when
    first, second = calculate("china_par", base), calculate("china_par", other)
    # then
    assert first.value == second.value


def test_china_par_women_may_omit_men_only_inputs_but_men_may_not() -> None:
    # given
    woman = {k: v for k, v in _china_par(sex="female").items() if k != "urban"}
    man = {k: v for k, v in _china_par().items() if k != "family_history_ascvd"}
    # when
    result = calculate("china_par", woman)
    with pytest.raises(ClinicalInputError) as error:
        calculate("china_par", man)
    # then
    assert result.category == "high"
    assert error.value.field == "family_history_ascvd"


@pytest.mark.parametrize(
    ("risk", "category"),
    [(0.0, "low"), (4.999, "low"), (5.0, "medium"), (9.999, "medium"), (10.0, "high")],
)
def test_china_par_category_boundaries_5_and_10_percent(risk: float, category: str) -> None:
    # given / when
    grade = china_par_module.risk_grade(risk)
    # then
    assert grade.code == category


@pytest.mark.parametrize(
    ("age", "extrapolated"), [(20, True), (34.9, True), (35, False), (74, False), (74.5, True)]
)
def test_china_par_flags_ages_outside_the_35_74_cohort(age: float, extrapolated: bool) -> None:
    # given / when
    result = calculate("china_par", _china_par(age=age))
    # then
    assert result.details["extrapolated_age"] is extrapolated
    assert ("warning" in result.details) is extrapolated


@pytest.mark.parametrize("age", [19.9, 85.1])
def test_china_par_rejects_ages_outside_20_85(age: float) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("china_par", _china_par(age=age))
    # then
    assert error.value.field == "age"


@pytest.mark.parametrize(
    ("overrides", "reasons"),
    [
        ({"age": 40, "diabetes": True}, ["diabetes_age_40_or_older"]),
        ({"age": 39.9, "diabetes": True}, []),
        ({"diabetes": False, "tc": 7.2}, ["tc_7_2_mmol_l_or_higher"]),
        ({"diabetes": False, "tc": 7.19}, []),
    ],
)
def test_china_par_reports_the_2019_direct_high_risk_shortcuts(
    overrides: dict[str, object], reasons: list[str]
) -> None:
    # given / when
    result = calculate("china_par", _china_par(**overrides))
    # then
    assert result.details["guideline_direct_high_risk"] == reasons


def test_china_par_risk_falls_with_age_for_treated_male_smoker_with_family_history() -> None:
    # given the published interaction terms (ln age × ln SBP, × smoker, × family history)
    young = _china_par(age=50, sbp=180, bp_treated=True, smoker=True, family_history_ascvd=True,
                       diabetes=False, north=False, urban=False, waist_cm=90,
                       tc=200 / CHINA_PAR_MG_DL, hdl_c=50 / CHINA_PAR_MG_DL)  # fmt: skip
    old = {**young, "age": 70}
    # when
    risk_young = calculate("china_par", young).value
    risk_old = calculate("china_par", old).value
    # then the model itself, not this code, makes risk fall with age here
    assert risk_young == pytest.approx(23.82683, abs=0.0005)
    assert risk_old == pytest.approx(13.98747, abs=0.0005)


_CHINA_PAR_FLAGS = st.fixed_dictionaries(
    {
        "bp_treated": st.booleans(),
        "smoker": st.booleans(),
        "diabetes": st.booleans(),
        "north": st.booleans(),
        "urban": st.booleans(),
        "family_history_ascvd": st.booleans(),
        "sex": st.sampled_from(["male", "female"]),
        "tc": st.floats(2.5, 9.0),
        "hdl_c": st.floats(0.6, 2.4),
        "waist_cm": st.floats(60, 120),
    }
)


@PROPERTY
@given(
    profile=_CHINA_PAR_FLAGS,
    ages=st.lists(st.integers(20, 85), min_size=2, max_size=2, unique=True).map(sorted),
    sbp=st.floats(90, 130),
)
def test_china_par_risk_rises_with_age_at_sbp_up_to_130(
    profile: dict[str, object], ages: list[int], sbp: float
) -> None:
    # given two ages (at SBP ≤ 130 every interaction leaves the age slope positive)
    younger, older = ({**profile, "age": age, "sbp": sbp} for age in ages)
    # when
    risk_younger = calculate("china_par", younger).value
    risk_older = calculate("china_par", older).value
    # then
    assert risk_younger is not None and risk_older is not None
    assert risk_younger < risk_older


@PROPERTY
@given(
    profile=_CHINA_PAR_FLAGS,
    age=st.floats(20, 85),
    sbps=st.lists(st.integers(60, 300), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_china_par_risk_rises_with_sbp_and_stays_a_percentage(
    profile: dict[str, object], age: float, sbps: list[int]
) -> None:
    # given two systolic pressures across the whole accepted range
    lower, higher = ({**profile, "age": age, "sbp": sbp} for sbp in sbps)
    # when
    risk_lower = calculate("china_par", lower).value
    risk_higher = calculate("china_par", higher).value
    # then
    assert risk_lower is not None and risk_higher is not None
    assert 0.0 <= risk_lower <= risk_higher <= 100.0
    assert risk_lower < risk_higher or risk_higher == 100.0  # saturated in float64


# --- PCE -----------------------------------------------------------------------------------


def _pce(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sex": "female",
        "age": 55,
        "race": "white",
        "tc": 213 / US_MG_DL,
        "hdl_c": 50 / US_MG_DL,
        "sbp": 120,
        "bp_treated": False,
        "smoker": False,
        "diabetes": False,
    }
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("sex", "race", "published_percent", "published_sum", "computed_percent", "computed_sum"),
    [
        ("female", "white", 2.1, -29.67, 2.05223, -29.67667),
        ("male", "african_american", 6.1, 18.97, 6.07344, 18.97280),
    ],
)
def test_pce_guideline_appendix_7_example_within_0_1_point(
    sex: str,
    race: str,
    published_percent: float,
    published_sum: float,
    computed_percent: float,
    computed_sum: float,
) -> None:
    # given the guideline's 55-year-old example
    inputs = _pce(sex=sex, race=race)
    # when
    result = calculate("pce", inputs)
    # then
    assert result.value == pytest.approx(published_percent, abs=0.1)
    assert result.value == pytest.approx(computed_percent, abs=0.00005)
    assert result.details["linear_sum"] == pytest.approx(published_sum, abs=0.01)
    assert result.details["linear_sum"] == pytest.approx(computed_sum, abs=0.00005)


@pytest.mark.parametrize(
    ("sex", "race", "overrides", "expected_percent"),
    [
        ("female", "african_american", {}, 3.02633),
        ("male", "white", {}, 5.38442),
        ("female", "african_american", {"treated": True}, 39.09559),
        ("male", "white", {"treated": True}, 34.47994),
        ("female", "white", {"treated": True}, 22.67214),
        ("male", "african_american", {"treated": True}, 44.15381),
    ],
)
def test_pce_each_equation_matches_computed_vectors(
    sex: str, race: str, overrides: dict[str, bool], expected_percent: float
) -> None:
    # given the example profile, or a treated diabetic smoker aged 60 (TC 200, HDL 45, SBP 140)
    inputs = _pce(sex=sex, race=race)
    if overrides:
        inputs.update(age=60, tc=200 / US_MG_DL, hdl_c=45 / US_MG_DL, sbp=140,
                      bp_treated=True, smoker=True, diabetes=True)  # fmt: skip
    # when
    result = calculate("pce", inputs)
    # then
    assert result.value == pytest.approx(expected_percent, abs=0.00005)


def test_pce_other_race_uses_the_white_equations() -> None:
    # given / when
    white = calculate("pce", _pce(race="white"))
    other = calculate("pce", _pce(race="other"))
    # then
    assert other.value == white.value
    assert other.details["equation"] == "white_women"


def test_pce_does_not_floor_results_below_one_percent() -> None:
    # given a young, otherwise healthy woman
    inputs = _pce(age=40, tc=160 / US_MG_DL, hdl_c=70 / US_MG_DL, sbp=110)
    # when
    result = calculate("pce", inputs)
    # then
    assert result.value is not None and result.value < 1.0


@pytest.mark.parametrize(
    ("risk", "category", "color"),
    [
        (4.999, "low", "green"),
        (5.0, "borderline", "yellow"),
        (7.499, "borderline", "yellow"),
        (7.5, "intermediate", "orange"),
        (19.999, "intermediate", "orange"),
        (20.0, "high", "red"),
    ],
)
def test_pce_2018_category_boundaries(risk: float, category: str, color: str) -> None:
    # given / when
    grade = pce_module.risk_grade(risk)
    # then
    assert (grade.code, grade.color) == (category, color)


@pytest.mark.parametrize(
    ("field", "value"),
    [("age", 39), ("age", 80), ("tc", 3.35), ("tc", 8.29), ("hdl_c", 0.51), ("hdl_c", 2.6),
     ("sbp", 89), ("sbp", 201)],
)  # fmt: skip
def test_pce_rejects_values_outside_the_derivation_ranges(field: str, value: float) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("pce", _pce(**{field: value}))
    # then
    assert error.value.field == field


@PROPERTY
@given(
    sex=st.sampled_from(["male", "female"]),
    race=st.sampled_from(["white", "african_american"]),
    treated=st.booleans(),
    smoker=st.booleans(),
    age=st.floats(40, 79),
    sbps=st.lists(st.integers(90, 200), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_pce_risk_rises_with_sbp(
    sex: str, race: str, treated: bool, smoker: bool, age: float, sbps: list[int]
) -> None:
    # given
    lower, higher = (
        _pce(sex=sex, race=race, bp_treated=treated, smoker=smoker, age=age, sbp=sbp)
        for sbp in sbps
    )
    # when
    risk_lower, risk_higher = calculate("pce", lower).value, calculate("pce", higher).value
    # then
    assert risk_lower is not None and risk_higher is not None
    assert 0.0 <= risk_lower <= risk_higher <= 100.0
    assert risk_lower < risk_higher or risk_higher == 100.0  # saturated in float64


@PROPERTY
@given(
    race=st.sampled_from(["white", "african_american"]),
    smoker=st.booleans(),
    tc=st.floats(3.36, 8.28),
    hdl_c=st.floats(0.52, 2.59),
    ages=st.lists(st.integers(40, 79), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_pce_risk_rises_with_age_for_men(
    race: str, smoker: bool, tc: float, hdl_c: float, ages: list[int]
) -> None:
    # given (the women's equations are not monotonic in age at extreme lipids)
    younger, older = (
        _pce(sex="male", race=race, smoker=smoker, tc=tc, hdl_c=hdl_c, age=age) for age in ages
    )
    # when
    risk_younger, risk_older = calculate("pce", younger).value, calculate("pce", older).value
    # then
    assert risk_younger is not None and risk_older is not None
    assert risk_younger < risk_older


# --- Framingham 2008 -----------------------------------------------------------------------


def _framingham(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sex": "female",
        "age": 61,
        "tc": 180 / US_MG_DL,
        "hdl_c": 47 / US_MG_DL,
        "sbp": 124,
        "bp_treated": False,
        "smoker": True,
        "diabetes": False,
    }
    return {**base, **overrides}


def test_framingham_woman_61_smoker_is_10_48_percent() -> None:
    # given the reference's worked example
    inputs = _framingham()
    # when
    result = calculate("framingham_2008", inputs)
    # then
    assert result.value == pytest.approx(10.48, abs=0.005)
    assert result.details["linear_sum"] == pytest.approx(26.965, abs=0.0005)
    assert (result.category, result.color) == ("intermediate", "yellow")


def test_framingham_treated_diabetic_man_matches_computed_vector() -> None:
    # given
    inputs = _framingham(sex="male", age=55, tc=213 / US_MG_DL, hdl_c=50 / US_MG_DL, sbp=140,
                         bp_treated=True, smoker=False, diabetes=True)  # fmt: skip
    # when
    result = calculate("framingham_2008", inputs)
    # then
    assert result.value == pytest.approx(30.03815, abs=0.00005)
    assert result.category == "high"


@pytest.mark.parametrize(
    ("risk", "category"),
    [(9.999, "low"), (10.0, "intermediate"), (20.0, "intermediate"), (20.001, "high")],
)
def test_framingham_band_boundaries(risk: float, category: str) -> None:
    # given / when / then
    assert framingham_module.risk_grade(risk).code == category


@PROPERTY
@given(
    sex=st.sampled_from(["male", "female"]),
    treated=st.booleans(),
    ages=st.lists(st.integers(30, 74), min_size=2, max_size=2, unique=True).map(sorted),
    sbps=st.lists(st.integers(60, 300), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_framingham_risk_rises_with_age_and_sbp(
    sex: str, treated: bool, ages: list[int], sbps: list[int]
) -> None:
    # given
    low = _framingham(sex=sex, bp_treated=treated, age=ages[0], sbp=sbps[0])
    high = _framingham(sex=sex, bp_treated=treated, age=ages[1], sbp=sbps[1])
    # when
    risk_low = calculate("framingham_2008", low).value
    risk_high = calculate("framingham_2008", high).value
    # then
    assert risk_low is not None and risk_high is not None
    assert 0.0 <= risk_low <= risk_high <= 100.0
    assert risk_low < risk_high or risk_high == 100.0  # saturated in float64
