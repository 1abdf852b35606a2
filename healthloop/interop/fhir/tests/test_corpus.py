"""The shared corpus (shared/corpora/fhir-r4): every valid resource of a type we store is
ingested and read back, and what we serve validates again with fhir.resources. The decisions
for the files that are not taken as they are: docs/interop.md, "FHIR R4 corpus"."""

import pytest

from healthloop.interop.fhir.tests.conftest import (
    SINGLE_TYPES,
    as_transaction,
    load,
    outcome_of,
    point_at,
    spec_files,
)
from healthloop.interop.fhir.validation import validate_output
from healthloop.people.models import Person
from healthloop.records.models import Encounter, Observation


@pytest.mark.django_db
@pytest.mark.parametrize("name", spec_files(*SINGLE_TYPES))
def test_spec_example_is_created_and_reads_back_as_valid_fhir(fhir, feed_user, patient, name):
    # given an example pointed at a patient we hold
    source = point_at(load(name), patient.uuid)
    kind = source["resourceType"]
    client = fhir(feed_user)
    # when it is posted and read back
    created = client.post(kind, source)
    read = client.get(created["Location"].split("/R4/")[1])
    # then it was created and is served as valid FHIR about the same patient
    assert created.status_code == 201, created.json()
    assert read.status_code == 200
    body = read.json()
    validate_output(body)
    assert body["resourceType"] == kind
    assert body["id"] == created.json()["id"]
    assert body.get("subject") == {"reference": f"Patient/{patient.uuid}"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", spec_files("Patient"))
def test_spec_patient_is_indexed_and_reads_back_as_valid_fhir(fhir, feed_user, assign, name):
    # given
    source = load(name)
    client = fhir(feed_user)
    # when the patient is posted, put on the feed account's panel and read back
    created = client.post("Patient", source)
    person = assign(created["Location"].rsplit("/", 1)[1], feed_user)
    read = client.get(f"Patient/{person.uuid}")
    # then the index holds it, flagged for review (no resident ID), and it reads back
    assert created.status_code == 201
    assert person.needs_identity_review is True
    body = read.json()
    validate_output(body)
    assert body["gender"] == source["gender"]
    assert body["birthDate"] == source["birthDate"]
    sent = {(i["system"], i["value"]) for i in source.get("identifier", []) if i.get("value")}
    shown = {(i["system"], i["value"]) for i in body.get("identifier", [])}
    assert shown == sent


@pytest.mark.django_db
def test_chinese_patient_keeps_its_name_and_mobile_number(fhir, feed_user):
    # when
    created = fhir(feed_user).post("Patient", load("patient-example-chinese.json"))
    # then
    person = Person.objects.get(uuid=created["Location"].rsplit("/", 1)[1])
    assert (person.name, person.phone, person.sex) == ("张无忌", "18337177888", "male")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("diagnosticreport-example-lipids.json", ["201 Created"] * 5),
        ("diagnosticreport-example.json", ["201 Created"] * 18),
        ("diagnosticreport-example-f202-bloodculture.json", ["201 Created", "404 Not Found"]),
        (
            "diagnosticreport-example-ghp.json",
            ["201 Created"] + ["404 Not Found"] * 3 + ["201 Created"] * 51,
        ),
    ],
)
def test_report_bundle_is_ingested_with_its_results(fhir, feed_user, patient, name, statuses):
    # given the collection as a transaction; Specimen and ServiceRequest are not stored
    bundle = as_transaction(load(name), patient.uuid)
    # when
    response = fhir(feed_user).post("", bundle, Prefer="handling=lenient")
    # then every result is filed under the report, which lists them when read back
    answers = response.json()["entry"]
    assert [a["response"]["status"] for a in answers] == statuses
    report_id = answers[0]["response"]["location"].split("/")[1]
    report = fhir(feed_user).get(f"DiagnosticReport/{report_id}").json()
    validate_output(report)
    results = statuses.count("201 Created") - 1
    assert len(report.get("result", [])) == results
    assert Observation.objects.filter(encounter__uuid=report_id).count() == results


@pytest.mark.django_db
def test_ghp_results_without_subject_take_the_reports_patient(fhir, feed_user, patient):
    # given the general health panel, three of whose results name no subject
    bundle = as_transaction(load("diagnosticreport-example-ghp.json"), patient.uuid)
    # when
    response = fhir(feed_user).post("", bundle, Prefer="handling=lenient")
    # then
    warned = [
        a
        for a in response.json()["entry"]
        if "absent; the DiagnosticReport's subject" in str(a["response"].get("outcome"))
    ]
    assert len(warned) == 3
    assert Observation.objects.exclude(person=patient).count() == 0


@pytest.mark.django_db
def test_nested_report_bundles_sharing_one_identifier_are_one_report(fhir, feed_user, patient):
    # given 17 nested collections; 16 of their reports carry identifier acme|5234342
    nested = [e["resource"] for e in load("diagnosticreport-examples-general.json")["entry"]]
    client = fhir(feed_user)
    # when each is posted as a transaction
    responses = [client.post("", as_transaction(b, patient.uuid)) for b in nested]
    # then all are taken, and the same identifier means the same report
    assert [r.status_code for r in responses] == [200] * 17
    reports = Encounter.objects.filter(kind="exam", source_system="http://acme.com/lab/reports")
    assert sorted(reports.values_list("source_id", flat=True)) == ["23412355", "5234342"]
    total = sum(len(b["entry"]) - 1 for b in nested)
    assert Observation.objects.filter(encounter__in=reports).count() == total


@pytest.mark.django_db
def test_bundle_references_resolve_relative_absolute_and_urn_uuid(fhir, feed_user, assign):
    # given the references example without its entries that point outside the Bundle
    bundle = load("bundle-references.json")
    bundle["entry"] = bundle["entry"][:5]  # Patient/23, urn:uuid Patient, Observations 123/124/12
    # when
    response = fhir(feed_user).post("", as_transaction(bundle))
    # then the two observations naming Patient/23 and the one naming the urn:uuid resolve
    locations = [a["response"]["location"] for a in response.json()["entry"]]
    first, second = (Person.objects.get(uuid=loc.split("/")[1]) for loc in locations[:2])
    subjects = [Observation.objects.get(uuid=loc.split("/")[1]).person for loc in locations[2:]]
    assert subjects == [first, first, second]


@pytest.mark.django_db
def test_bundle_references_as_a_whole_are_rejected_for_the_duplicate_full_url(fhir, feed_user):
    # when the whole references example is posted as one transaction
    response = fhir(feed_user).post("", as_transaction(load("bundle-references.json")))
    # then two entries share the fullUrl Patient/45, which a transaction cannot take
    assert response.status_code == 400
    assert outcome_of(response) == [
        "Bundle.entry[8].fullUrl: http://example.org/fhir/Patient/45 is also the fullUrl of entry 7"
    ]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_reference_to_another_server_is_rejected_naming_the_entry(fhir, feed_user):
    # given Observation/14, whose subject is on http://example.org/fhir-2
    bundle = load("bundle-references.json")
    bundle["entry"] = bundle["entry"][:6]
    # when
    response = fhir(feed_user).post("", as_transaction(bundle))
    # then
    assert response.status_code == 422
    assert outcome_of(response) == [
        "Bundle.entry[5]: Observation.subject: http://example.org/fhir-2/Patient/1 is not a "
        "Patient on this server"
    ]
    assert (Person.objects.count(), Observation.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_spec_transaction_example_is_rejected_for_its_update_and_delete(fhir, feed_user):
    # when the transaction example (POST, PUT, DELETE, GET, conditional forms) is posted
    response = fhir(feed_user).post("", load("bundle-transaction.json"))
    # then the first interaction we do not offer fails the whole transaction
    assert response.status_code == 405
    assert outcome_of(response) == [
        "Bundle.entry[2].request.method: PUT is not supported; this server offers create "
        "(POST), read and search (GET)"
    ]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_spec_batch_of_reads_answers_each_entry(fhir, doctor, patient):
    # when the batch of GETs is posted
    response = fhir(doctor).post("", load("bundle-request-medsallergies.json"))
    # then each entry has its own answer: Patient/example is not ours, the searches by
    # patient=example find nothing, AllergyIntolerance is not stored here
    answers = response.json()["entry"]
    assert response.json()["type"] == "batch-response"
    assert [a["response"]["status"] for a in answers] == [
        "404 Not Found",
        "200 OK",
        "404 Not Found",
        "200 OK",
        "200 OK",
    ]
    assert [a["resource"]["total"] for a in answers if "resource" in a] == [0, 0, 0]
