"""The published examples of shared/reference/clinical.md, reached through the record: the
engine must derive the calculators' inputs from exams, conditions and questionnaires so that
the worked examples come out as printed (China-PAR, hypertension stratification, CKD-EPI,
CDRS, PHQ-9, GAD-7)."""

import pytest

from healthloop.assessment.engine.run import screen_persons
from healthloop.assessment.models import Assessment
from healthloop.assessment.tests.factories import (
    add_condition,
    add_smoking,
    answer,
    born,
    record_exam,
)

pytestmark = pytest.mark.django_db

# China-PAR worked example (Yang X 2016, Supplement): age 60, untreated SBP 130, TC 210 mg/dL,
# HDL-C 55 mg/dL, waist 80 cm, non-smoker, diabetic, northern, urban, no family history.
CHINA_PAR_EXAM = {"SBP": 130, "TC": 210 / 38.61, "HDL_C": 55 / 38.61, "WAIST": 80}


def current(person, model: str) -> Assessment:
    return Assessment.objects.get(person=person, model=model, is_current=True)


def person_with(make_person, *, sex: str, age: int, exam: dict, smoking: str = "never",
                conditions: tuple[str, ...] = ()):  # fmt: skip
    person = make_person("受检者", sex=sex, birth_date=born(age))
    add_smoking(person, smoking)
    for icd in conditions:
        add_condition(person, icd)
    record_exam(person, base=exam)
    screen_persons([person.pk])
    return person


@pytest.mark.parametrize(("sex", "expected"), [("male", 10.82), ("female", 10.19)])
def test_china_par_worked_example_through_the_record(rules, make_person, sex, expected):
    # given the paper's profile as exams, a diabetes diagnosis and a questionnaire
    person = person_with(make_person, sex=sex, age=60, exam=CHINA_PAR_EXAM, conditions=("E11.9",))
    # when screened, then the computed reference value (published: 11.0 % / 10.1 %)
    result = current(person, "china_par")
    assert result.status == "complete"
    assert result.inputs["inputs"]["diabetes"] is True
    assert result.value == pytest.approx(expected, abs=0.02)
    assert result.category == "high"


@pytest.mark.parametrize(
    ("case", "sex", "age", "bp", "smoking", "conditions", "expected"),
    [
        ("A", "male", 60, (150, 95), "current", (), "medium"),
        ("C", "male", 50, (135, 86), "never", ("E11.9",), "medium_high"),
        ("E", "male", 50, (145, 92), "never", ("I63.9",), "very_high"),
        ("F", "male", 40, (132, 80), "never", (), "not_stratified"),
    ],
)
def test_hypertension_stratification_test_vectors_through_the_record(
    rules, make_person, case, sex, age, bp, smoking, conditions, expected
):
    # given normal lipids, glucose, waist and kidney function, and the case's own findings
    exam = {"SBP": bp[0], "DBP": bp[1], "GLU": 5.0, "TC": 4.6, "LDL_C": 2.8, "HDL_C": 1.3,
            "WAIST": 80, "BMI": 22.5, "CREA": 75}  # fmt: skip
    person = person_with(make_person, sex=sex, age=age, exam=exam, smoking=smoking,
                         conditions=conditions)  # fmt: skip
    # when screened, then the category of the reference's test vector
    assert current(person, "htn_risk_2018").category == expected, case


def test_ckd_epi_2021_kidney_org_example_through_the_record(rules, make_person):
    # male, 55 y, creatinine 1.2 mg/dL (106.1 µmol/L) → 71 (computed 71.42)
    person = person_with(make_person, sex="male", age=55, exam={"CREA": 1.2 * 88.4})
    result = current(person, "ckd_epi_2021")
    assert (round(result.value, 2), result.category) == (71.42, "G2")


def test_cdrs_computed_example_through_the_record(rules, make_person):
    # 50 y man, waist 88, SBP 135, BMI 25.5, no family history → 31 points, high
    exam = {"WAIST": 88, "SBP": 135, "BMI": 25.5, "GLU": 5.2}
    person = person_with(make_person, sex="male", age=50, exam=exam)
    result = current(person, "cdrs")
    assert (result.value, result.category) == (31.0, "high")
    assert result.result["details"]["points"] == {
        "age": 13, "bmi": 3, "waist": 7, "sbp": 6, "family_history": 0, "sex": 2
    }  # fmt: skip


@pytest.mark.parametrize(
    ("instrument", "answers", "total", "category"),
    [("phq9", [1, 1, 2, 1, 0, 1, 1, 0, 0], 7, "mild"), ("gad7", [2, 2, 1, 1, 0, 1, 1], 8, "mild")],
)
def test_questionnaire_examples_through_a_recorded_response(
    rules, patient, instrument, answers, total, category
):
    # given
    answer(patient, instrument, answers)
    # when
    screen_persons([patient.pk])
    # then
    result = current(patient, instrument)
    assert (result.value, result.category) == (total, category)
