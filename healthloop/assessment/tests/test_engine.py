"""The engine through its public surface: record results, screen, read what it wrote."""

from collections import Counter

import pytest

from healthloop.assessment.engine.run import drain_pending_assessments, screen_persons
from healthloop.assessment.models import (
    Assessment,
    Finding,
    RegisterEntry,
    RegisterEvent,
    RiskLevel,
)
from healthloop.assessment.registers import set_register_status
from healthloop.assessment.tests.factories import (
    add_condition,
    add_medication,
    add_smoking,
    days_ago,
    record_exam,
)
from healthloop.people.services import merge_persons
from healthloop.records.models import Observation, PendingAssessment
from healthloop.records.services import ObservationInput, amend_observation

pytestmark = pytest.mark.django_db


def state() -> dict[str, object]:
    """Everything the engine writes, comparable between runs."""
    return {
        "assessments": sorted(Assessment.objects.values_list("id", "input_hash", "is_current")),
        "findings": sorted(
            Finding.objects.values_list("id", "dedupe_key", "status", "raised_at", "advice")
        ),
        "risk": sorted(RiskLevel.objects.values_list("id", "disease", "colour", "label")),
        "registers": sorted(RegisterEntry.objects.values_list("id", "disease", "status")),
        "events": RegisterEvent.objects.count(),
    }


def open_codes(person) -> set[str]:
    return set(
        Finding.objects.filter(person=person, status="open").values_list("rule_code", flat=True)
    )


def test_screening_twice_writes_nothing_and_raises_nothing_twice(rules, patient):
    # given a screened person with a critical value and raised blood pressure
    add_smoking(patient, "current")
    record_exam(patient, SBP=165, DBP=95, K=6.6, LDL_C=4.5)
    first = screen_persons([patient.pk])
    before = state()
    # when the engine runs again, and the drain finds the person still pending
    again = screen_persons([patient.pk])
    drained = drain_pending_assessments()
    # then
    assert first["findings_raised"] == len(before["findings"]) > 0
    assert again == Counter(persons=1)
    assert drained == 1 and not PendingAssessment.objects.exists()
    assert state() == before


def test_critical_potassium_raises_one_critical_finding_with_drafted_advice(rules, patient):
    # given
    add_smoking(patient, "never")
    record_exam(patient, K=6.6)
    # when
    screen_persons([patient.pk])
    # then
    finding = Finding.objects.get(person=patient, rule_code="CRIT_K")
    assert (finding.severity, finding.major_class, finding.kind) == (
        "critical",
        "A",
        "critical_value",
    )
    assert finding.evidence[0]["value"] == 6.6 and finding.evidence[0]["item"] == "K"
    assert finding.advice.startswith("钾6.6mmol/L（")
    assert "参考范围3.5–5.3），达危急值" in finding.advice
    major = RiskLevel.objects.get(person=patient, disease="major_finding")
    assert (major.colour, major.label) == ("red", "A类重要异常结果")


def test_an_unchanged_hit_stays_one_finding_and_a_new_result_replaces_it(rules, patient):
    # given a critical potassium, screened
    record_exam(patient, when=days_ago(60), K=6.6)
    screen_persons([patient.pk])
    first = Finding.objects.get(rule_code="CRIT_K")
    # when the same result is screened again, then nothing new
    screen_persons([patient.pk])
    assert Finding.objects.filter(rule_code="CRIT_K").count() == 1
    # when a new exam brings a new critical potassium
    record_exam(patient, when=days_ago(1), K=2.5)
    screen_persons([patient.pk])
    # then the new value is a new finding and the superseded one is resolved
    rows = dict(Finding.objects.filter(rule_code="CRIT_K").values_list("id", "status"))
    assert rows[first.pk] == "resolved" and sorted(rows.values()) == ["open", "resolved"]
    assert Finding.objects.get(rule_code="CRIT_K", status="open").evidence[0]["value"] == 2.5


def test_an_amended_result_resolves_the_critical_finding(rules, patient, catalog):
    # given a critical potassium that the laboratory then corrects
    record_exam(patient, K=6.6)
    screen_persons([patient.pk])
    observation = Observation.objects.get(person=patient, item__code="K")
    # when
    amend_observation(observation=observation, correction=ObservationInput(code="K", value=4.4),
                      actor=None, reason="溶血，重新采血")  # fmt: skip
    drain_pending_assessments()
    # then
    assert Finding.objects.get(rule_code="CRIT_K").status == "resolved"
    assert "CRIT_K" not in open_codes(patient)


def test_missing_inputs_are_reported_missing_not_guessed(rules, patient):
    # given only a blood pressure: no lipids, waist, glucose or questionnaire
    record_exam(patient, base={"SBP": 150, "DBP": 92})
    # when
    screen_persons([patient.pk])
    # then
    china_par = Assessment.objects.get(person=patient, model="china_par", is_current=True)
    assert china_par.status == "incomplete"
    assert china_par.missing == [
        "tc", "hdl_c", "waist_cm", "smoker", "diabetes", "family_history_ascvd"
    ]  # fmt: skip
    assert china_par.result == {} and china_par.value is None
    assert "smoker: 无吸烟情况记录" in china_par.inputs["notes"]
    htn = Assessment.objects.get(person=patient, model="htn_risk_2018", is_current=True)
    assert htn.missing == ["diabetes", "ckd_stage"]
    assert not Finding.objects.filter(rule_code="MODEL_CHINA_PAR_HIGH").exists()


def test_assessment_rows_are_new_only_when_inputs_change(rules, patient):
    # given
    add_smoking(patient, "never")
    record_exam(patient, when=days_ago(400))
    screen_persons([patient.pk])
    ckd = Assessment.objects.get(person=patient, model="ckd_epi_2021")
    # when a new exam repeats every value, then the assessment is the same row
    record_exam(patient, when=days_ago(10))
    screen_persons([patient.pk])
    assert list(Assessment.objects.filter(model="ckd_epi_2021").values_list("id", flat=True)) == [
        ckd.pk
    ]
    # when creatinine changes, then a new current row and the old one kept
    record_exam(patient, when=days_ago(5), CREA=140)
    screen_persons([patient.pk])
    rows = list(Assessment.objects.filter(model="ckd_epi_2021").order_by("id"))
    assert [(r.pk == ckd.pk, r.is_current) for r in rows] == [(True, False), (False, True)]
    assert rows[1].category == "G3a"


def test_treated_hypertension_is_on_the_register_and_a_manual_exclusion_stays(
    rules, patient, doctor
):
    # given controlled blood pressure on an antihypertensive drug
    add_medication(patient, "antihypertensive", "苯磺酸氨氯地平片")
    record_exam(patient, SBP=128, DBP=80)
    screen_persons([patient.pk])
    entry = RegisterEntry.objects.get(person=patient, disease="hypertension")
    assert (entry.status, entry.source, entry.qualifies) == ("included", "auto", True)
    # when a doctor excludes the person by hand and the engine runs again
    set_register_status(person=patient, disease="hypertension", status="excluded",
                        reason="诊断有误：白大衣高血压，已停药观察", actor=doctor)  # fmt: skip
    screen_persons([patient.pk])
    # then the manual decision stands, the engine only notes that the person qualifies
    entry.refresh_from_db()
    assert (entry.status, entry.source, entry.qualifies) == ("excluded", "manual", True)
    history = list(entry.events.values_list("status", "source", "reason"))
    assert history == [
        ("included", "auto", entry.events.first().reason),
        ("excluded", "manual", "诊断有误：白大衣高血压，已停药观察"),
    ]
    # when handed back to the engine, then it decides again
    set_register_status(person=patient, disease="hypertension", status="auto",
                        reason="恢复自动管理", actor=doctor)  # fmt: skip
    entry.refresh_from_db()
    assert (entry.status, entry.source) == ("included", "auto")


def test_a_person_no_longer_qualifying_leaves_an_automatic_register(rules, patient):
    # given obesity at the last exam
    record_exam(patient, when=days_ago(300), BMI=29.5)
    screen_persons([patient.pk])
    assert RegisterEntry.objects.get(disease="obesity").status == "included"
    # when the next exam is normal
    record_exam(patient, when=days_ago(5), BMI=26.0)
    screen_persons([patient.pk])
    # then
    entry = RegisterEntry.objects.get(disease="obesity")
    assert (entry.status, entry.reason) == ("excluded", "自动移出：不再符合纳入标准")
    assert RiskLevel.objects.get(person=patient, disease="obesity").colour == "yellow"


def test_merging_two_persons_keeps_one_set_of_results_and_rescreens(
    rules, patient, make_person, org
):
    # given the same man registered twice, both screened
    twin = make_person("王建国", sex="male", birth_date=patient.birth_date,
                       org_unit=org["dept_a"])  # fmt: skip
    record_exam(patient, base={"K": 6.6})
    record_exam(twin, when=days_ago(60), base={"SBP": 185, "DBP": 100})
    screen_persons([patient.pk, twin.pk])
    PendingAssessment.objects.all().delete()
    # when
    merge_persons(survivor=patient, duplicate=twin, actor=None, reason="同一人")
    # then findings moved, current levels dropped for the twin, survivor queued
    assert set(Finding.objects.values_list("person_id", flat=True)) == {patient.pk}
    assert not RiskLevel.objects.filter(person=twin).exists()
    assert list(PendingAssessment.objects.values_list("person_id", flat=True)) == [patient.pk]
    drain_pending_assessments()
    assert {"CRIT_K", "MAJ_A_BP"} <= open_codes(patient)
    assert RegisterEntry.objects.filter(person=patient, disease="major_finding").count() == 1


def test_findings_follow_conditions_as_well_as_values(rules, patient):
    # given a diagnosed diabetic: no "newly found diabetes" finding, but on the register
    add_condition(patient, "E11.9", "2型糖尿病")
    record_exam(patient, GLU=7.6, HBA1C=7.4)
    # when
    screen_persons([patient.pk])
    # then
    assert "MAJ_B_NEW_DIABETES" not in open_codes(patient)
    level = RiskLevel.objects.get(person=patient, disease="diabetes")
    assert (level.colour, level.label) == ("orange", "血糖未达标")
