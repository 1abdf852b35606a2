"""Writes: conditional create, re-sending, corrections, all-or-nothing transactions, batches,
and what the person index keeps from a Patient."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from healthloop.conftest import ID_MALE_1980
from healthloop.interop.fhir.tests.conftest import load, outcome_of
from healthloop.people.models import Person, PersonIdentifier
from healthloop.records.models import Encounter, Observation, ObservationRevision

MR = "http://hospital.example/mrn"
LAB = "http://lab.example/results"


def _patient(mrn="M-001", **extra):
    return {
        "resourceType": "Patient",
        "identifier": [{"system": MR, "value": mrn}],
        "name": [{"family": "Wang", "given": ["Fang"]}],
        "gender": "female",
        "birthDate": "1985-04-02",
        **extra,
    }


def _result(subject, value=5.2, status="final", lab_id="R-1", **extra):
    return {
        **extra,
        "resourceType": "Observation",
        "identifier": [{"system": LAB, "value": lab_id}],
        "status": status,
        "code": {"coding": [{"system": "http://loinc.org", "code": "14771-0"}]},
        "subject": {"reference": subject},
        "effectiveDateTime": "2025-06-01T08:00:00+08:00",
        "valueQuantity": {"value": value, "unit": "mmol/L"},
    }


@pytest.mark.django_db
def test_conditional_create_posted_twice_makes_one_person(fhir, feed_user):
    # given
    client = fhir(feed_user)
    # when the same patient is posted twice with If-None-Exist
    first = client.post("Patient", _patient(), **{"If-None-Exist": f"identifier={MR}|M-001"})
    second = client.post("Patient", _patient(), **{"If-None-Exist": f"identifier={MR}|M-001"})
    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert first["Location"] == second["Location"]
    assert Person.objects.count() == 1
    assert list(PersonIdentifier.objects.values_list("authority", "value")) == [(MR, "M-001")]


@pytest.mark.django_db
def test_patient_without_resident_id_is_flagged_and_one_with_it_is_not(fhir, feed_user):
    # when
    client = fhir(feed_user)
    client.post("Patient", _patient())
    client.post(
        "Patient",
        _patient(
            "M-002",
            identifier=[{"system": "urn:oid:2.16.156.10011.1.3", "value": ID_MALE_1980}],
            gender="male",
            birthDate="1980-01-01",
            name=[{"text": "张三"}],
        ),
    )
    # then
    flags = dict(Person.objects.values_list("name", "needs_identity_review"))
    assert flags == {"Fang Wang": True, "张三": False}


@pytest.mark.django_db
def test_plain_post_of_a_known_identifier_does_not_duplicate_the_person(fhir, feed_user):
    client = fhir(feed_user)
    client.post("Patient", _patient())
    again = client.post("Patient", _patient(name=[{"text": "Someone Else"}]))
    assert again.status_code == 200
    assert list(Person.objects.values_list("name", flat=True)) == ["Fang Wang"]


@pytest.mark.django_db
def test_identifiers_of_two_persons_in_one_patient_are_a_conflict(fhir, feed_user):
    client = fhir(feed_user)
    client.post("Patient", _patient("A"))
    client.post("Patient", _patient("B"))
    both = _patient("A")
    both["identifier"].append({"system": MR, "value": "B"})
    response = client.post("Patient", both)
    assert response.status_code == 409
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_result_posted_twice_is_stored_once(fhir, feed_user, patient):
    client = fhir(feed_user)
    subject = f"Patient/{patient.uuid}"
    first = client.post(
        "Observation", _result(subject), **{"If-None-Exist": f"identifier={LAB}|R-1"}
    )
    second = client.post(
        "Observation", _result(subject), **{"If-None-Exist": f"identifier={LAB}|R-1"}
    )
    plain = client.post("Observation", _result(subject))
    assert (first.status_code, second.status_code, plain.status_code) == (201, 200, 200)
    assert Observation.objects.count() == 1


@pytest.mark.django_db
def test_corrected_result_amends_and_entered_in_error_cancels(fhir, feed_user, patient):
    # given a stored result
    client = fhir(feed_user)
    subject = f"Patient/{patient.uuid}"
    client.post("Observation", _result(subject, 5.2))
    # when a correction and then a withdrawal arrive
    corrected = client.post("Observation", _result(subject, 6.4, status="corrected"))
    again = client.post("Observation", _result(subject, 6.4, status="corrected"))
    withdrawn = client.post("Observation", _result(subject, 6.4, status="entered-in-error"))
    # then the row was amended once, then cancelled, with its history kept
    obs = Observation.objects.get()
    assert (corrected.status_code, again.status_code, withdrawn.status_code) == (200, 200, 200)
    assert (str(obs.value_num), obs.status) == ("6.4000", "cancelled")
    assert ObservationRevision.objects.filter(observation=obs).count() == 2
    shown = client.get(f"Observation/{obs.uuid}").json()
    assert (shown["status"], shown["valueQuantity"]["value"]) == ("entered-in-error", 6.4)


@pytest.mark.django_db
def test_transaction_with_one_bad_entry_writes_nothing(fhir, feed_user):
    # given a transaction: a new patient, an encounter and two results, one impossible
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:0b0b0b0b-0000-4000-8000-000000000001",
                "resource": _patient(),
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": "urn:uuid:0b0b0b0b-0000-4000-8000-000000000002",
                "resource": {
                    "resourceType": "Encounter",
                    "status": "finished",
                    "class": {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                        "code": "AMB",
                    },
                    "subject": {"reference": "urn:uuid:0b0b0b0b-0000-4000-8000-000000000001"},
                    "period": {"start": "2025-06-01"},
                },
                "request": {"method": "POST", "url": "Encounter"},
            },
            {
                "resource": _result(
                    "urn:uuid:0b0b0b0b-0000-4000-8000-000000000001",
                    5.2,
                    lab_id="1",
                    encounter={"reference": "urn:uuid:0b0b0b0b-0000-4000-8000-000000000002"},
                ),
                "request": {"method": "POST", "url": "Observation"},
            },
            {
                "resource": _result(
                    "urn:uuid:0b0b0b0b-0000-4000-8000-000000000001", 999, lab_id="2"
                ),
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }
    # when
    response = fhir(feed_user).post("", bundle)
    # then the whole transaction is refused, naming the bad entry, and no row exists
    assert response.status_code == 422
    assert outcome_of(response) == [
        "Bundle.entry[3]: Observation.valueQuantity.value: 空腹血糖的结果999mmol/L不可能"
        "（合理范围0.5000–60.0000mmol/L）"
    ]
    counts = (
        Person.objects.count(),
        Encounter.objects.count(),
        Observation.objects.count(),
        PersonIdentifier.objects.count(),
    )
    assert counts == (0, 0, 0, 0)
    # and without the bad entry, everything is written and linked
    bundle["entry"].pop()
    response = fhir(feed_user).post("", bundle)
    assert [a["response"]["status"] for a in response.json()["entry"]] == ["201 Created"] * 3
    obs = Observation.objects.select_related("encounter", "person").get()
    assert (obs.person.name, obs.encounter.kind) == ("Fang Wang", "outpatient")


@pytest.mark.django_db
def test_transaction_if_none_exist_makes_re_sending_idempotent(fhir, feed_user):
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:0c0c0c0c-0000-4000-8000-000000000001",
                "resource": _patient(),
                "request": {
                    "method": "POST",
                    "url": "Patient",
                    "ifNoneExist": f"identifier={MR}|M-001",
                },
            },
            {
                "resource": _result("urn:uuid:0c0c0c0c-0000-4000-8000-000000000001"),
                "request": {
                    "method": "POST",
                    "url": "Observation",
                    "ifNoneExist": f"identifier={LAB}|R-1",
                },
            },
        ],
    }
    client = fhir(feed_user)
    first = client.post("", bundle).json()
    second = client.post("", bundle).json()
    assert [a["response"]["status"] for a in first["entry"]] == ["201 Created"] * 2
    assert [a["response"]["status"] for a in second["entry"]] == ["200 OK"] * 2
    assert (Person.objects.count(), Observation.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_batch_answers_each_entry_and_keeps_the_good_ones(fhir, feed_user, patient):
    subject = f"Patient/{patient.uuid}"
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {
                "resource": _result(subject, 5.0, lab_id="a"),
                "request": {"method": "POST", "url": "Observation"},
            },
            {
                "resource": _result(subject, 999, lab_id="b"),
                "request": {"method": "POST", "url": "Observation"},
            },
            {"resource": {"resourceType": "Claim"}, "request": {"method": "POST", "url": "Claim"}},
            {"request": {"method": "DELETE", "url": f"Observation/{patient.uuid}"}},
        ],
    }
    response = fhir(feed_user).post("", bundle)
    answers = response.json()["entry"]
    assert response.json()["type"] == "batch-response"
    assert [a["response"]["status"] for a in answers] == [
        "201 Created",
        "422 Unprocessable Entity",
        "404 Not Found",
        "405 Method Not Allowed",
    ]
    assert answers[1]["response"]["outcome"]["issue"][0]["expression"] == [
        "Bundle.entry[1].resource.valueQuantity.value"
    ]
    assert Observation.objects.count() == 1


@pytest.mark.django_db
def test_prefer_return_minimal_answers_with_location_only(fhir, feed_user, patient):
    response = fhir(feed_user).post(
        "Observation", _result(f"Patient/{patient.uuid}"), Prefer="return=minimal"
    )
    obs = Observation.objects.get()
    assert response.status_code == 201
    assert response.content == b""
    assert response["Location"] == f"http://testserver/fhir/R4/Observation/{obs.uuid}"


@pytest.mark.django_db
def test_medication_statement_re_sent_as_entered_in_error_updates_the_status(
    fhir, feed_user, patient
):
    # given example 4 (amoxicillin, active) stored, then example 5 (same, entered-in-error)
    client = fhir(feed_user)
    for name in ("medicationstatementexample4.json", "medicationstatementexample5.json"):
        body = load(name)
        body["subject"] = {"reference": f"Patient/{patient.uuid}"}
        last = client.post("MedicationStatement", body)
    # then there is one statement, now entered in error
    assert last.status_code == 200
    assert last.json()["status"] == "entered-in-error"
    assert patient.medications.count() == 1


def _conditional_patient(mrn):
    return {
        "resource": _patient(mrn),
        "request": {"method": "POST", "url": "Patient", "ifNoneExist": f"identifier={MR}|{mrn}"},
    }


@pytest.mark.django_db
def test_conditional_patients_of_a_transaction_are_looked_up_in_one_query(fhir, feed_user):
    # given two of four patients already in the index
    client = fhir(feed_user)
    for mrn in ("M-1", "M-2"):
        client.post("Patient", _patient(mrn))
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [_conditional_patient(mrn) for mrn in ("M-1", "M-2", "M-3", "M-4")],
    }
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post("", bundle)
    # then the known two are matched, the other two created, with one identifier look-up
    assert [a["response"]["status"] for a in response.json()["entry"]] == [
        "200 OK", "200 OK", "201 Created", "201 Created",
    ]  # fmt: skip
    look_ups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "people_personidentifier" in q["sql"]
    ]
    # the If-None-Exist look-up, then per created patient: its match, the identifiers it holds
    assert len(look_ups) == 1 + 2 * 2
    assert Person.objects.count() == 4


@pytest.mark.django_db
def test_a_result_with_two_invalid_unit_elements_is_refused_naming_both(fhir, feed_user, patient):
    # given a result whose unit and unit code are both empty strings
    result = _result(f"Patient/{patient.uuid}")
    result["valueQuantity"].update(unit="", code="")
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"resource": result, "request": {"method": "POST", "url": "Observation"}}],
    }
    # when
    response = fhir(feed_user).post("", bundle)
    # then both are named, as the resource model reports them, and nothing is written
    assert response.status_code == 400
    assert [issue["expression"] for issue in response.json()["issue"]] == [
        ["Bundle.entry[0].resource.valueQuantity.code"],
        ["Bundle.entry[0].resource.valueQuantity.unit"],
    ]
    assert Observation.objects.count() == 0
