"""BMI and waist (WS/T 428-2013), metabolic syndrome (CDS), lipids (2023), uric acid (2019)."""

from __future__ import annotations

import dataclasses

import pytest

from healthloop.clinical import ClinicalInputError, calculate
from healthloop.clinical.lipid_class import NON_HDL_C_2023
from healthloop.clinical.metabolic_syndrome import CDS_2020
from healthloop.clinical.uric_acid_class import CHINA_2019

# --- BMI -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bmi", "category", "label", "color"),
    [
        (18.49, "underweight", "体重过低", "yellow"),
        (18.5, "normal", "体重正常", "green"),
        (23.99, "normal", "体重正常", "green"),
        (24.0, "overweight", "超重", "yellow"),
        (27.99, "overweight", "超重", "yellow"),
        (28.0, "obese", "肥胖", "orange"),
    ],
)
def test_bmi_class_ws_t_428_boundaries(bmi: float, category: str, label: str, color: str) -> None:
    # given / when
    result = calculate("bmi_class", {"bmi": bmi})
    # then
    assert (result.value, result.category, result.label, result.color) == (
        bmi, category, label, color,
    )  # fmt: skip
    assert "central_obesity" not in result.details


def test_bmi_class_computes_bmi_from_height_and_weight() -> None:
    # given 70 kg at 170 cm
    # when
    result = calculate("bmi_class", {"height_cm": 170, "weight_kg": 70})
    # then
    assert result.value == pytest.approx(24.2215, abs=0.00005)
    assert result.category == "overweight"


@pytest.mark.parametrize(
    ("sex", "waist", "central"),
    [
        ("male", 84.9, "none"),
        ("male", 85, "pre_central_obesity"),
        ("male", 89.9, "pre_central_obesity"),
        ("male", 90, "central_obesity"),
        ("female", 79.9, "none"),
        ("female", 80, "pre_central_obesity"),
        ("female", 84.9, "pre_central_obesity"),
        ("female", 85, "central_obesity"),
    ],
)
def test_bmi_class_central_obesity_by_sex_and_waist(sex: str, waist: float, central: str) -> None:
    # given / when
    result = calculate("bmi_class", {"bmi": 22, "waist_cm": waist, "sex": sex})
    # then
    assert result.details["central_obesity"] == central


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"bmi": 22, "height_cm": 170, "weight_kg": 70}, "bmi"),
        ({"bmi": 22, "weight_kg": 70}, "bmi"),
        ({"height_cm": 170}, "weight_kg"),
        ({"weight_kg": 70}, "height_cm"),
        ({}, "height_cm"),
        ({"bmi": 22, "waist_cm": 80}, "sex"),
        ({"height_cm": 250, "weight_kg": 10}, "weight_kg"),
    ],
)
def test_bmi_class_needs_exactly_one_source_of_bmi_and_sex_with_waist(
    inputs: dict[str, object], field: str
) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("bmi_class", inputs)
    # then
    assert error.value.field == field


# --- Metabolic syndrome --------------------------------------------------------------------


def _mets(**overrides: object) -> dict[str, object]:
    healthy: dict[str, object] = {
        "sex": "male",
        "waist_cm": 89.9,
        "fpg": 6.09,
        "diabetes": False,
        "sbp": 129,
        "dbp": 84,
        "bp_treated": False,
        "tg": 1.69,
        "hdl_c": 1.04,
    }
    return {**healthy, **overrides}


def test_metabolic_syndrome_all_values_just_below_the_cut_offs_meet_none() -> None:
    # given / when
    result = calculate("metabolic_syndrome", _mets())
    # then
    assert result.value == 0
    assert (result.category, result.label, result.color) == ("absent", "非代谢综合征", "green")


@pytest.mark.parametrize(
    ("overrides", "component"),
    [
        ({"waist_cm": 90}, "abdominal_obesity"),
        ({"sex": "female", "waist_cm": 85}, "abdominal_obesity"),
        ({"fpg": 6.1}, "hyperglycemia"),
        ({"ogtt_2h": 7.8}, "hyperglycemia"),
        ({"diabetes": True}, "hyperglycemia"),
        ({"sbp": 130}, "hypertension"),
        ({"dbp": 85}, "hypertension"),
        ({"bp_treated": True}, "hypertension"),
        ({"tg": 1.70}, "high_triglycerides"),
        ({"hdl_c": 1.03}, "low_hdl_c"),
        ({"sex": "female", "waist_cm": 84.9, "hdl_c": 1.03}, "low_hdl_c"),
    ],
)
def test_metabolic_syndrome_each_component_at_its_cut_off(
    overrides: dict[str, object], component: str
) -> None:
    # given one value moved onto its CDS cut-off
    # when
    result = calculate("metabolic_syndrome", _mets(**overrides))
    # then exactly that component is met
    components = result.details["components"]
    assert isinstance(components, dict)
    assert [name for name, hit in components.items() if hit] == [component]
    assert (result.value, result.color) == (1, "yellow")


def test_metabolic_syndrome_female_waist_85_is_not_the_idf_80() -> None:
    # given a woman with waist 84.9 and HDL-C 1.2 (low by IDF, not by CDS)
    # when
    result = calculate("metabolic_syndrome", _mets(sex="female", waist_cm=84.9, hdl_c=1.2))
    # then
    assert result.value == 0


@pytest.mark.parametrize(("count", "category"), [(2, "absent"), (3, "present")])
def test_metabolic_syndrome_needs_three_components(count: int, category: str) -> None:
    # given
    moved: list[dict[str, object]] = [{"waist_cm": 95}, {"tg": 2.0}, {"hdl_c": 0.9}]
    overrides = {key: value for change in moved[:count] for key, value in change.items()}
    # when
    result = calculate("metabolic_syndrome", _mets(**overrides))
    # then
    assert (result.value, result.category) == (count, category)


def test_metabolic_syndrome_criteria_are_unverified_and_replaceable() -> None:
    # given a replacement using the IDF glucose cut-off
    idf_glucose = dataclasses.replace(
        CDS_2020, name="local_fpg_5_6", source="test", status="LOCAL", fpg_mmol_l_from=5.6
    )
    inputs = _mets(fpg=5.8, waist_cm=95, tg=2.0)
    # when
    default = calculate("metabolic_syndrome", inputs)
    replaced = calculate("metabolic_syndrome", inputs, criteria=idf_glucose)
    # then
    assert CDS_2020.status == "UNVERIFIED"
    assert (default.value, default.category) == (2, "absent")
    assert (replaced.value, replaced.category) == (3, "present")
    assert replaced.details["criteria"] == {"name": "local_fpg_5_6", "source": "test",
                                            "status": "LOCAL"}  # fmt: skip


# --- Lipids --------------------------------------------------------------------------------


def _levels(**inputs: object) -> dict[str, object]:
    levels = calculate("lipid_class", inputs).details["levels"]
    assert isinstance(levels, dict)
    return dict(levels)


@pytest.mark.parametrize(
    ("value", "level"),
    [(5.19, "desirable"), (5.2, "borderline_high"), (6.19, "borderline_high"), (6.2, "high")],
)
def test_lipid_tc_boundaries(value: float, level: str) -> None:
    # given / when / then
    assert _levels(tc=value) == {"tc": level}


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (2.59, "ideal"),
        (2.6, "desirable"),
        (3.39, "desirable"),
        (3.4, "borderline_high"),
        (4.09, "borderline_high"),
        (4.1, "high"),
    ],
)
def test_lipid_ldl_c_boundaries(value: float, level: str) -> None:
    # given / when / then
    assert _levels(ldl_c=value) == {"ldl_c": level}


@pytest.mark.parametrize(
    ("value", "level"),
    [(1.69, "desirable"), (1.7, "borderline_high"), (2.29, "borderline_high"), (2.3, "high")],
)
def test_lipid_tg_boundaries(value: float, level: str) -> None:
    # given / when / then
    assert _levels(tg=value) == {"tg": level}


@pytest.mark.parametrize(("value", "level"), [(0.99, "low"), (1.0, "desirable")])
def test_lipid_hdl_c_low_below_1_0(value: float, level: str) -> None:
    # given / when / then
    assert _levels(hdl_c=value) == {"hdl_c": level}


@pytest.mark.parametrize(
    ("tc", "level"),
    [
        (4.39, "ideal"),
        (4.4, "desirable"),
        (5.09, "desirable"),
        (5.1, "borderline_high"),
        (5.89, "borderline_high"),
        (5.9, "high"),
    ],
)
def test_lipid_non_hdl_c_is_tc_minus_hdl_c(tc: float, level: str) -> None:
    # given HDL-C 1.0, so non-HDL-C = TC − 1.0 crosses 3.4 / 4.1 / 4.9
    # when
    result = calculate("lipid_class", {"tc": tc, "hdl_c": 1.0})
    # then
    levels = result.details["levels"]
    assert isinstance(levels, dict)
    assert levels["non_hdl_c"] == level
    assert result.details["criteria"] == NON_HDL_C_2023.provenance()


def test_lipid_overall_category_is_the_most_severe_level() -> None:
    # given TC borderline, LDL-C borderline, HDL-C low, TG high
    inputs = {"tc": 5.5, "ldl_c": 3.5, "hdl_c": 0.9, "tg": 2.5}
    # when
    result = calculate("lipid_class", inputs)
    # then
    assert (result.value, result.category, result.color) == (None, "high", "orange")
    assert result.label == (
        "血脂异常（TC边缘升高、LDL-C边缘升高、HDL-C降低、非HDL-C边缘升高、TG升高）"
    )


@pytest.mark.parametrize(
    ("inputs", "category", "label", "color"),
    [
        ({"ldl_c": 2.0}, "ideal", "血脂理想水平", "green"),
        ({"tc": 4.5, "hdl_c": 1.3, "ldl_c": 2.7, "tg": 1.0}, "desirable", "血脂合适水平", "green"),
        ({"tc": 5.3, "hdl_c": 1.4}, "borderline_high", "血脂边缘升高（TC边缘升高）", "yellow"),
        ({"hdl_c": 0.8, "tg": 1.0}, "low", "血脂异常（HDL-C降低）", "yellow"),
    ],
)
def test_lipid_overall_labels_and_colours(
    inputs: dict[str, object], category: str, label: str, color: str
) -> None:
    # given / when
    result = calculate("lipid_class", inputs)
    # then
    assert (result.category, result.label, result.color) == (category, label, color)


@pytest.mark.parametrize(("inputs", "field"), [({}, "tc"), ({"tc": 3.0, "hdl_c": 3.0}, "hdl_c")])
def test_lipid_class_rejects_no_values_and_hdl_not_below_tc(
    inputs: dict[str, object], field: str
) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("lipid_class", inputs)
    # then
    assert error.value.field == field


# --- Uric acid -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uric_acid", "category", "confirm"),
    [(420, "normal", False), (420.01, "hyperuricemia", True)],
)
def test_uric_acid_above_420_for_both_sexes(uric_acid: float, category: str, confirm: bool) -> None:
    # given / when
    for sex in ("male", "female"):
        result = calculate("uric_acid_class", {"uric_acid": uric_acid, "sex": sex})
        # then
        assert (result.value, result.category) == (uric_acid, category)
        assert result.details["confirmation_required"] is confirm


def test_uric_acid_criteria_are_unverified_and_a_sex_specific_replacement_needs_sex() -> None:
    # given the older sex-specific cut-offs as a local table
    older = dataclasses.replace(
        CHINA_2019, name="older", source="test", status="LOCAL",
        above_umol_l_male=417.0, above_umol_l_female=357.0,
    )  # fmt: skip
    # when
    woman = calculate("uric_acid_class", {"uric_acid": 360, "sex": "female"}, criteria=older)
    with pytest.raises(ClinicalInputError) as error:
        calculate("uric_acid_class", {"uric_acid": 360}, criteria=older)
    # then
    assert CHINA_2019.status == "UNVERIFIED"
    assert woman.category == "hyperuricemia"
    assert error.value.field == "sex"
