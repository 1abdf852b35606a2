import datetime as dt
from decimal import Decimal

import pytest

from healthloop.conftest import ID_FEMALE_1949, ID_MALE_1980
from healthloop.core.errors import ServiceError
from healthloop.records.models import Encounter, Observation, PendingAssessment
from healthloop.records.services import ObservationInput, record_encounter_results

WHEN = dt.datetime(2025, 6, 1, 8, 30, tzinfo=dt.UTC)


def _record(person, *results, **extra):
    return record_encounter_results(
        person=person, kind="exam", occurred_at=WHEN, results=list(results), actor=None, **extra
    )


@pytest.fixture
def man(make_person, catalog):
    return make_person("张三", id_number=ID_MALE_1980)


@pytest.mark.parametrize(
    ("code", "value", "unit", "stored"),
    [
        ("GLU", "100", "mg/dL", Decimal("5.5500")),  # glucose ÷ 18
        ("CREA", "1.0", "mg/dL", Decimal("88.4000")),  # creatinine × 88.4
        ("UA", "7.0", "mg/dL", Decimal("416.3600")),  # uric acid × 59.48
        ("HBA1C", "48", "mmol/mol", Decimal("6.5420")),  # IFCC → NGSP
        ("GLU", "5.6", "mmol/l", Decimal("5.6000")),  # case of the unit does not matter
        ("UA", "420", "μmol/L", Decimal("420.0000")),  # Greek mu spelling from a LIS
    ],
)
@pytest.mark.django_db
def test_values_are_stored_in_the_catalog_unit(man, code, value, unit, stored):
    # when
    _, (obs,) = _record(man, ObservationInput(code=code, value=value, unit=unit))
    # then
    obs.refresh_from_db()
    assert obs.value_num == stored


@pytest.mark.django_db
def test_values_are_flagged_against_the_sex_and_age_range(man, make_person):
    # given a 45-year-old man and a 75-year-old woman, both with creatinine 100 µmol/L
    woman = make_person("李娟", id_number=ID_FEMALE_1949)
    # when
    _, (his,) = _record(man, ObservationInput(code="CREA", value="100", unit="umol/L"))
    _, (hers,) = _record(woman, ObservationInput(code="CREA", value="100", unit="umol/L"))
    # then: male 18–59 range 57–97 → H; female ≥ 60 range 41–81 → H, with the ranges kept
    assert (his.flag, his.ref_low, his.ref_high) == ("H", Decimal(57), Decimal(97))
    assert (hers.flag, hers.ref_low, hers.ref_high) == ("H", Decimal(41), Decimal(81))


@pytest.mark.django_db
def test_critical_value_is_flagged_hh(man):
    _, (obs,) = _record(man, ObservationInput(code="SBP", value="185", unit="mmHg"))
    assert obs.flag == "HH"


@pytest.mark.parametrize(
    ("result", "field", "fragment"),
    [
        (ObservationInput(code="SBP", value="900", unit="mmHg"), "value", "不可能"),
        (ObservationInput(code="WEIGHT", value="-3", unit="kg"), "value", "不可能"),
        (ObservationInput(code="GLU", value="5.6", unit="furlongs"), "unit", "不支持单位"),
        (ObservationInput(code="GLU", value="abc", unit="mmol/L"), "value", "不是数值"),
        (ObservationInput(code="NO_SUCH_ITEM", value="1"), "code", "未知的检查项目"),
    ],
)
@pytest.mark.django_db
def test_bad_results_are_rejected_naming_the_field_and_nothing_is_written(
    man, result, field, fragment
):
    good = ObservationInput(code="GLU", value="5.2", unit="mmol/L")
    # when one bad result arrives with a good one
    with pytest.raises(ServiceError) as caught:
        _record(man, good, result)
    # then
    assert caught.value.field == field and fragment in caught.value.message
    assert (Encounter.objects.count(), Observation.objects.count()) == (0, 0)
    assert PendingAssessment.objects.count() == 0


@pytest.mark.django_db
def test_resent_results_change_nothing(man):
    result = ObservationInput(code="GLU", value="5.2", unit="mmol/L", source_key="LIS|123|GLU")
    _record(man, result, source_system="LIS", source_id="123")
    # when the same message arrives again
    _, new = _record(man, result, source_system="LIS", source_id="123")
    # then
    assert new == []
    assert Encounter.objects.count() == 1 and Observation.objects.count() == 1


@pytest.mark.django_db
def test_recording_results_queues_the_person_for_screening(man):
    _record(man, ObservationInput(code="GLU", value="7.2", unit="mmol/L"))
    assert list(PendingAssessment.objects.values_list("person_id", "reason")) == [
        (man.pk, "observations")
    ]


@pytest.mark.django_db
def test_coded_answers_are_flagged_from_the_catalog(man, catalog):
    item = catalog.resolve("U_PRO")
    assert item is not None
    abnormal = next(code for code, is_abnormal in item.answers.items() if is_abnormal)
    _, (obs,) = _record(man, ObservationInput(code="U_PRO", value=abnormal))
    assert (obs.value_code, obs.flag) == (abnormal, "A")


@pytest.mark.django_db
def test_uncatalogued_code_is_kept_as_sent_when_allowed(man):
    result = ObservationInput(
        code="94558-4", code_system="http://loinc.org", value="Detected", display="SARS-CoV-2 Ag"
    )
    _, (obs,) = _record(man, result, allow_uncatalogued=True)
    obs.refresh_from_db()
    assert (obs.item_id, obs.code, obs.value_text, obs.code_display) == (
        None,
        "94558-4",
        "Detected",
        "SARS-CoV-2 Ag",
    )


@pytest.mark.django_db
def test_amendment_replaces_the_value_and_keeps_the_old_one(man):
    from healthloop.records.models import ObservationRevision
    from healthloop.records.services import amend_observation

    _, (obs,) = _record(man, ObservationInput(code="GLU", value="15.0", unit="mmol/L"))
    # when the lab corrects the result
    amend_observation(
        observation=obs,
        correction=ObservationInput(code="GLU", value="5.0", unit="mmol/L"),
        actor=None,
        reason="LIS correction",
    )
    # then
    obs.refresh_from_db()
    assert (obs.value_num, obs.status, obs.flag) == (Decimal("5.0000"), "amended", "N")
    revision = ObservationRevision.objects.get(observation=obs)
    assert revision.previous["value_num"] == "15.0000" and revision.previous["flag"] == "H"


@pytest.mark.django_db
def test_cancelled_result_leaves_the_timeline_but_keeps_history(man):
    from healthloop.records.selectors import item_history
    from healthloop.records.services import cancel_observation

    _, (obs,) = _record(man, ObservationInput(code="GLU", value="5.5", unit="mmol/L"))
    cancel_observation(observation=obs, actor=None, reason="wrong patient")
    assert list(item_history(man, obs.item)) == []
    assert obs.revisions.count() == 1
