"""Scope and audit: outside the caller's scope a resource does not exist; every read and write
of a person's data leaves an audit event."""

import pytest

from healthloop.audit.models import AuditEvent
from healthloop.interop.fhir.tests.conftest import load, outcome_of, point_at


@pytest.fixture
def stranger_result(fhir, feed_user, make_person, assign):
    """A person (with one result) whom the test's doctor does not look after."""
    person = make_person("赵六", sex="male")
    assign(person, feed_user)
    body = point_at(load("observation-example-f001-glucose.json"), person.uuid)
    obs = fhir(feed_user).post("Observation", body).json()
    return person, obs["id"]


@pytest.mark.django_db
def test_doctor_out_of_scope_gets_404_and_an_empty_search(fhir, doctor, stranger_result):
    # given
    person, obs_id = stranger_result
    client = fhir(doctor)
    # when
    read = client.get(f"Observation/{obs_id}")
    patient = client.get(f"Patient/{person.uuid}")
    found = client.get("Observation", patient=str(person.uuid))
    # then it does not exist for them
    assert (read.status_code, patient.status_code) == (404, 404)
    assert outcome_of(read) == [f"Observation/{obs_id} is not known to this server"]
    assert (found.json()["total"], found.json().get("entry")) == (0, None)


@pytest.mark.django_db
def test_employee_sees_only_themself(fhir, make_user, make_person, stranger_result):
    # given an employee linked to their own person, with a result of their own
    employee = make_user("emp_sun", "employee")
    own = make_person("孙七", sex="female")
    own.user = employee
    own.save()
    _, other_obs = stranger_result
    client = fhir(employee)
    # when
    patients = client.get("Patient").json()
    mine = client.get(f"Patient/{own.uuid}")
    theirs = client.get(f"Observation/{other_obs}")
    # then
    assert [e["resource"]["id"] for e in patients["entry"]] == [str(own.uuid)]
    assert mine.status_code == 200
    assert theirs.status_code == 404


@pytest.mark.django_db
def test_write_for_a_person_out_of_read_scope_does_not_echo_the_record(fhir, doctor, make_person):
    # given a person in the index whom the doctor does not look after
    person = make_person("周八", sex="male")
    body = point_at(load("observation-example-f001-glucose.json"), person.uuid)
    # when the doctor's system posts a result for them
    response = fhir(doctor).post("Observation", body)
    # then it is stored (feeds act for the whole population) but not shown back
    assert response.status_code == 201
    assert response.json()["resourceType"] == "OperationOutcome"
    assert person.observations.count() == 1


@pytest.mark.django_db
def test_reads_searches_and_writes_are_audited(fhir, feed_user, doctor, patient):
    # given
    writer, reader = fhir(feed_user), fhir(doctor)
    body = point_at(load("observation-example-f001-glucose.json"), patient.uuid)
    AuditEvent.objects.all().delete()
    # when
    obs_id = writer.post("Observation", body).json()["id"]
    reader.get(f"Observation/{obs_id}")
    reader.get("Observation", patient=str(patient.uuid))
    # then
    events = list(
        AuditEvent.objects.order_by("id").values_list(
            "actor_username", "action", "person_uuid", "object_type"
        )
    )
    assert events == [
        ("his_feed", "fhir.received", patient.uuid, "Observation"),
        ("dr_wang", "fhir.viewed", patient.uuid, "Observation"),
        ("dr_wang", "fhir.listed", patient.uuid, ""),
    ]
