"""Test helpers: persons with exams recorded through the records services (the real
ingestion path), medications and conditions, questionnaire answers."""

import datetime as dt
from typing import Any

from django.utils import timezone

from healthloop.records.models import Condition, FamilyHistory, Lifestyle, Medication
from healthloop.records.services import ObservationInput, record_encounter_results

HEALTHY = {
    "SBP": 118, "DBP": 76, "GLU": 5.0, "HBA1C": 5.4, "TC": 4.6, "LDL_C": 2.8, "HDL_C": 1.3,
    "TG": 1.2, "UA": 320, "CREA": 75, "BMI": 22.5, "WAIST": 80, "HEIGHT": 170, "WEIGHT": 65,
    "ALT": 22, "HGB": 145, "PLT": 220, "WBC": 6.0, "K": 4.1, "NA": 140,
}  # fmt: skip


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def born(age: int) -> dt.date:
    """A birth date giving exactly ``age`` completed years today (ten days past the birthday)."""
    day = timezone.localdate() - dt.timedelta(days=10)
    return day.replace(year=day.year - age, day=min(day.day, 28))


def answer(person: Any, instrument: str, answers: Any, *, actor: Any = None) -> Any:
    from healthloop.assessment.services import record_questionnaire_response

    return record_questionnaire_response(
        person=person, instrument=instrument, answers=answers, actor=actor
    )


def record_exam(
    person: Any, when: dt.datetime | None = None, *, base: dict | None = None, **values: Any
) -> Any:
    """One exam encounter with ``base`` (default: healthy values) overridden by ``values``;
    a value of None drops the item."""
    results = {**(HEALTHY if base is None else base), **values}
    inputs = [ObservationInput(code=code, value=value) for code, value in results.items()
              if value is not None]  # fmt: skip
    encounter, _ = record_encounter_results(
        person=person, kind="exam", occurred_at=when or days_ago(30), results=inputs, actor=None
    )
    return encounter


def add_smoking(person: Any, value: str = "never", when: dt.datetime | None = None) -> None:
    Lifestyle.objects.create(
        person=person, kind="smoking", value=value, recorded_at=when or days_ago(30)
    )


def add_medication(person: Any, drug_class: str, name: str = "药物") -> Medication:
    return Medication.objects.create(person=person, name=name, drug_class=drug_class)


def add_condition(person: Any, icd10: str, name: str = "诊断") -> Condition:
    return Condition.objects.create(person=person, icd10=icd10, name=name)


def add_family(person: Any, relation: str, icd10: str, condition: str) -> FamilyHistory:
    return FamilyHistory.objects.create(
        person=person, relation=relation, icd10=icd10, condition=condition
    )
