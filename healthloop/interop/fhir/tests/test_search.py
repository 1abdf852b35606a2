"""Search: date prefixes, code as system|code, category, identifier, _count with paging links,
_sort, and the strict/lenient handling of unknown parameters."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from healthloop.interop.fhir.tests.conftest import outcome_of
from healthloop.interop.fhir.validation import validate_output

DAYS = ["2024-01-15", "2024-03-10", "2024-03-20", "2024-06-01", "2025-01-05"]


def _glucose(patient, day, value, identifier):
    return {
        "resourceType": "Observation",
        "identifier": [{"system": "urn:oid:1.2.3.4", "value": identifier}],
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "14771-0"}]},
        "subject": {"reference": f"Patient/{patient.uuid}"},
        "effectiveDateTime": f"{day}T08:00:00+08:00",
        "valueQuantity": {"value": value, "unit": "mmol/L"},
    }


@pytest.fixture
def history(fhir, feed_user, patient):
    """Five fasting glucose results and one heart rate (a vital sign) for the patient."""
    client = fhir(feed_user)
    ids = {}
    for n, day in enumerate(DAYS):
        ids[day] = client.post("Observation", _glucose(patient, day, 5 + n, f"g{n}")).json()["id"]
    heart = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
        "subject": {"reference": f"Patient/{patient.uuid}"},
        "effectiveDateTime": "2024-03-15",
        "valueQuantity": {"value": 70, "unit": "/min"},
    }
    ids["heart"] = client.post("Observation", heart).json()["id"]
    return ids


def _ids(response):
    assert response.status_code == 200, response.json()
    bundle = response.json()
    validate_output(bundle)
    return [e["resource"]["id"] for e in bundle.get("entry", [])]


@pytest.mark.parametrize(
    ("date", "days"),
    [
        (["2024-03"], ["2024-03-20", "2024-03-10"]),
        (["ge2024-03-20"], ["2025-01-05", "2024-06-01", "2024-03-20"]),
        (["gt2024-03-20"], ["2025-01-05", "2024-06-01"]),
        (["le2024-03-10"], ["2024-03-10", "2024-01-15"]),
        (["lt2024-03-10"], ["2024-01-15"]),
        (["ge2024-03-01", "lt2024-07"], ["2024-06-01", "2024-03-20", "2024-03-10"]),
        (["2024"], ["2024-06-01", "2024-03-20", "2024-03-10", "2024-01-15"]),
    ],
)
@pytest.mark.django_db
def test_date_prefixes_select_by_the_implicit_range(fhir, doctor, patient, history, date, days):
    # when
    response = fhir(doctor).get(
        "Observation", patient=f"Patient/{patient.uuid}", code="14771-0", date=date
    )
    # then
    assert _ids(response) == [history[d] for d in days]


@pytest.mark.django_db
def test_code_as_system_and_code_and_category(fhir, doctor, patient, history):
    client = fhir(doctor)
    by_loinc = client.get("Observation", code="http://loinc.org|8867-4")
    by_item = client.get(
        "Observation", code="https://healthloop.example/fhir/CodeSystem/exam-item|GLU"
    )
    other_system = client.get("Observation", code="http://snomed.info/sct|8867-4")
    vitals = client.get("Observation", category="vital-signs")
    labs = client.get("Observation", category="laboratory", _count=1)
    assert _ids(by_loinc) == [history["heart"]]
    assert len(_ids(by_item)) == 5
    assert _ids(other_system) == []
    assert _ids(vitals) == [history["heart"]]
    assert labs.json()["total"] == 5


@pytest.mark.django_db
def test_identifier_finds_the_one_result(fhir, doctor, history):
    response = fhir(doctor).get("Observation", identifier="urn:oid:1.2.3.4|g3")
    assert _ids(response) == [history["2024-06-01"]]


@pytest.mark.django_db
def test_count_pages_with_next_links_to_the_end(fhir, doctor, patient, history):
    # given
    client = fhir(doctor)
    seen, url = [], None
    response = client.get("Observation", patient=str(patient.uuid), _count=4)
    # when the next links are followed
    while True:
        bundle = response.json()
        seen += _ids(response)
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        if "next" not in links:
            break
        url = urlsplit(links["next"])
        response = client.client.get(url.path, dict(parse_qsl(url.query)))
    # then every result came once, newest first, and the total was given
    assert bundle["total"] == 6
    assert len(seen) == 6 and len(set(seen)) == 6
    assert seen[:2] == [history["2025-01-05"], history["2024-06-01"]]
    assert dict(parse_qsl(url.query))["_offset"] == "4"


@pytest.mark.django_db
def test_sort_by_date_both_ways(fhir, doctor, history):
    client = fhir(doctor)
    newest = _ids(client.get("Observation", code="14771-0", _sort="-date"))
    oldest = _ids(client.get("Observation", code="14771-0", _sort="date"))
    assert newest == [history[d] for d in reversed(DAYS)]
    assert oldest == [history[d] for d in DAYS]


@pytest.mark.django_db
def test_unknown_parameter_is_ignored_unless_handling_is_strict(fhir, doctor, history):
    client = fhir(doctor)
    lenient = client.get("Observation", code="14771-0", colour="red")
    strict = client.client.get(
        "/fhir/R4/Observation", {"colour": "red"}, HTTP_PREFER="handling=strict"
    )
    assert len(_ids(lenient)) == 5
    assert "colour" not in lenient.json()["link"][0]["url"]
    assert strict.status_code == 400
    assert outcome_of(strict) == ["search parameter 'colour' is not supported"]


@pytest.mark.django_db
def test_post_search_takes_form_parameters(fhir, doctor, history):
    response = fhir(doctor).client.post(
        "/fhir/R4/Observation/_search",
        data="code=http%3A%2F%2Floinc.org%7C8867-4",
        content_type="application/x-www-form-urlencoded",
    )
    assert _ids(response) == [history["heart"]]


@pytest.mark.django_db
def test_patient_search_by_identifier_name_and_birthdate(fhir, doctor, make_person, assign):
    # given two persons on the doctor's panel
    zhang = make_person("张伟", id_number="110105198001010016", employee_no="E77")
    li = make_person("李娜", sex="female", birth_date=__import__("datetime").date(1990, 5, 6))
    assign(zhang, doctor), assign(li, doctor)
    client = fhir(doctor)
    # when / then
    resident = client.get("Patient", identifier="urn:oid:2.16.156.10011.1.3|110105198001010016")
    assert _ids(resident) == [str(zhang.uuid)]
    assert resident.json()["entry"][0]["resource"]["identifier"][0]["value"] == (
        "110***********0016"
    )
    assert _ids(client.get("Patient", identifier="E77")) == [str(zhang.uuid)]
    assert _ids(client.get("Patient", name="李")) == [str(li.uuid)]
    assert _ids(client.get("Patient", name="zhang")) == [str(zhang.uuid)]
    assert _ids(client.get("Patient", birthdate="1990-05")) == [str(li.uuid)]
    assert _ids(client.get("Patient", gender="female")) == [str(li.uuid)]


@pytest.mark.django_db
def test_condition_encounter_and_report_searches(fhir, feed_user, doctor, patient):
    # given
    client = fhir(feed_user)
    subject = {"reference": f"Patient/{patient.uuid}"}
    condition = client.post(
        "Condition",
        {
            "resourceType": "Condition",
            "subject": subject,
            "onsetDateTime": "2023-02-01",
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active",
                    }
                ]
            },
            "code": {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/sid/icd-10",
                        "code": "I10",
                        "display": "Essential hypertension",
                    }
                ]
            },
        },
    ).json()["id"]
    visit = client.post(
        "Encounter",
        {
            "resourceType": "Encounter",
            "status": "finished",
            "subject": subject,
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
            "period": {"start": "2024-04-01T09:00:00+08:00"},
        },
    ).json()["id"]
    report = client.post(
        "DiagnosticReport",
        {
            "resourceType": "DiagnosticReport",
            "status": "final",
            "subject": subject,
            "code": {"text": "2024年度职工体检"},
            "effectiveDateTime": "2024-05-01",
            "conclusion": "血压偏高，建议复查",
        },
    ).json()["id"]
    reader = fhir(doctor)
    # then
    assert _ids(reader.get("Condition", code="http://hl7.org/fhir/sid/icd-10|I10")) == [condition]
    assert _ids(reader.get("Condition", **{"clinical-status": "resolved"})) == []
    assert _ids(reader.get("Encounter", patient=str(patient.uuid), _sort="-date")) == [
        report,
        visit,
    ]
    assert _ids(reader.get("Encounter", **{"class": "IMP"})) == [visit]
    assert _ids(reader.get("DiagnosticReport", date="ge2024-05-01")) == [report]
    shown = reader.get(f"DiagnosticReport/{report}").json()
    assert (shown["conclusion"], shown["code"]["text"]) == (
        "血压偏高，建议复查",
        "2024年度职工体检",
    )
