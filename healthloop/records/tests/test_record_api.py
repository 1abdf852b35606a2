import datetime as dt

import pytest

from healthloop.audit.models import AuditEvent
from healthloop.conftest import ID_MALE_1980
from healthloop.people.models import StaffScope
from healthloop.records.services import ObservationInput, record_encounter_results


@pytest.fixture
def history(org, make_person, make_user, catalog):
    person = make_person("张三", id_number=ID_MALE_1980, org_unit=org["dept_a"])
    for year, sbp in ((2023, "128"), (2024, "136"), (2025, "145")):
        record_encounter_results(
            person=person,
            kind="exam",
            occurred_at=dt.datetime(year, 5, 1, tzinfo=dt.UTC),
            results=[
                ObservationInput(code="SBP", value=sbp, unit="mmHg"),
                ObservationInput(code="GLU", value="5.4", unit="mmol/L"),
            ],
            actor=None,
            exam_package="职工年度体检",
        )
    doctor = make_user("dr", "doctor")
    StaffScope.objects.create(staff=doctor, org_unit=org["refinery"])
    return person, doctor


@pytest.mark.django_db
def test_timeline_lists_encounters_newest_first_with_observations(
    history, api, django_assert_max_num_queries
):
    person, doctor = history
    # when
    with django_assert_max_num_queries(12):
        response = api(doctor).get(f"/api/v1/records/persons/{person.uuid}/timeline/")
    # then
    assert response.status_code == 200
    entries = response.data["results"]
    assert [e["encounter"]["occurred_at"][:4] for e in entries] == ["2025", "2024", "2023"]
    sbp = next(o for o in entries[0]["observations"] if o["item_code"] == "SBP")
    assert (sbp["value"], sbp["flag"], sbp["loinc"]) == ("145", "H", "8480-6")
    assert AuditEvent.objects.filter(action="record.viewed", person_uuid=person.uuid).count() == 1


@pytest.mark.django_db
def test_item_history_is_in_time_order_with_reference_range(history, api):
    person, doctor = history
    response = api(doctor).get(f"/api/v1/records/persons/{person.uuid}/items/SBP/history/")
    assert response.status_code == 200
    assert [p["value_num"] for p in response.data["points"]] == ["128.0000", "136.0000", "145.0000"]
    assert response.data["item"]["unit"] == "mm[Hg]"
    assert response.data["item"]["ranges"][0]["high"] == "139.0000"


@pytest.mark.django_db
def test_unknown_item_history_is_404(history, api):
    person, doctor = history
    url = f"/api/v1/records/persons/{person.uuid}/items/NOPE/history/"
    assert api(doctor).get(url).status_code == 404


@pytest.mark.django_db
def test_catalog_lists_at_least_120_items(api, make_user, catalog):
    response = api(make_user("n", "nurse")).get("/api/v1/records/catalog/items/")
    assert response.status_code == 200
    assert len(response.data) >= 120
