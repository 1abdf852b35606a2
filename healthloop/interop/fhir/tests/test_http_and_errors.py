"""The HTTP surface: CapabilityStatement, content types, and every refusal as an
OperationOutcome with the right status and a diagnostic naming the element."""

import json

import pytest

from healthloop.interop.fhir.tests.conftest import BASE, load, outcome_of, point_at
from healthloop.interop.fhir.validation import validate_output
from healthloop.records.models import Observation

GLUCOSE = {
    "resourceType": "Observation",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "14771-0"}]},
    "effectiveDateTime": "2025-06-01T08:00:00+08:00",
    "valueQuantity": {
        "value": 5.6,
        "unit": "mmol/L",
        "system": "http://unitsofmeasure.org",
        "code": "mmol/L",
    },
}


def glucose(patient, **changes):
    return {**GLUCOSE, "subject": {"reference": f"Patient/{patient.uuid}"}, **changes}


@pytest.mark.django_db
def test_capability_statement_is_public_valid_and_lists_what_we_serve(fhir):
    # when an anonymous client asks for the metadata
    response = fhir().get("metadata")
    # then
    body = response.json()
    validate_output(body)
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert sorted(resources) == [
        "Condition",
        "DiagnosticReport",
        "Encounter",
        "MedicationStatement",
        "Observation",
        "Patient",
        "QuestionnaireResponse",
    ]
    assert [i["code"] for i in resources["Observation"]["interaction"]] == [
        "read",
        "search-type",
        "create",
    ]
    assert resources["QuestionnaireResponse"]["conditionalCreate"] is True


@pytest.mark.django_db
def test_plain_application_json_is_accepted_both_ways(api, feed_user, patient):
    # when
    response = api(feed_user).post(
        f"{BASE}/Observation",
        data=json.dumps(glucose(patient)),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    # then
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.django_db
def test_xml_is_not_acceptable(api, feed_user):
    response = api(feed_user).get(f"{BASE}/metadata", HTTP_ACCEPT="application/fhir+xml")
    assert response.status_code == 406
    assert response.json()["issue"][0]["code"] == "not-supported"


@pytest.mark.django_db
def test_anonymous_write_is_401_and_employee_write_is_403(fhir, make_user, patient):
    # when
    anonymous = fhir().post("Observation", glucose(patient))
    employee = fhir(make_user("emp", "employee")).post("Observation", glucose(patient))
    # then
    assert (anonymous.status_code, anonymous.json()["issue"][0]["code"]) == (401, "login")
    assert (employee.status_code, employee.json()["issue"][0]["code"]) == (403, "forbidden")
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_unknown_type_is_404_and_update_is_405(fhir, feed_user, patient):
    client = fhir(feed_user)
    unknown = client.post("Claim", {"resourceType": "Claim"})
    update = client.client.put(
        f"{BASE}/Observation/{patient.uuid}", data="{}", content_type="application/fhir+json"
    )
    assert (unknown.status_code, outcome_of(unknown)) == (
        404,
        ["'Claim' is not supported by this server"],
    )
    assert update.status_code == 405
    assert update.json()["issue"][0]["code"] == "not-supported"


@pytest.mark.parametrize(
    ("change", "status", "diagnostics"),
    [
        ({"resourceType": "Patient"}, 400, "resourceType is 'Patient', expected 'Observation'"),
        ({"code": None}, 400, "Observation.code: Field required"),
        (
            {"effectiveDateTime": "2025-13-45"},
            400,
            "Observation.effectiveDateTime: Value error, DateTime value string does not match "
            "spec regex.",
        ),
        (
            {"valueQuantity": {"value": "five"}},
            400,
            "Observation.valueQuantity.value: Value error, Decimal value string does not match "
            "spec regex.",
        ),
        ({"category": {"text": "lab"}}, 400, "Observation.category: Input should be a valid list"),
        ({"colour": "red"}, 400, "Observation.colour: unknown element"),
        ({"status": "done"}, 400, "Observation.status: 'done' is not an observation status"),
        (
            {"subject": {"reference": "Patient/example"}},
            422,
            "Observation.subject: Patient/example is not a Patient on this server",
        ),
        ({"subject": None}, 422, "Observation.subject: a reference to the Patient is required"),
        (
            {"valueQuantity": {"value": 560, "unit": "mmol/L"}},
            422,
            "Observation.valueQuantity.value: 空腹血糖的结果560mmol/L不可能"
            "（合理范围0.5000–60.0000mmol/L）",
        ),
    ],
)
@pytest.mark.django_db
def test_malformed_observation_is_refused_naming_the_element(
    fhir, feed_user, patient, change, status, diagnostics
):
    # given a glucose result with one thing wrong
    body = {k: v for k, v in {**glucose(patient), **change}.items() if v is not None}
    # when
    response = fhir(feed_user).post("Observation", body)
    # then nothing is stored and the outcome says what is wrong where
    assert response.status_code == status
    assert outcome_of(response) == [diagnostics]
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_body_that_is_not_json_is_400(api, feed_user):
    response = api(feed_user).post(
        f"{BASE}/Observation", data="{not json", content_type="application/fhir+json"
    )
    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "structure"


@pytest.mark.django_db
def test_patient_with_a_bad_resident_id_check_digit_is_422(fhir, feed_user):
    # given
    body = load("patient-example-chinese.json")
    body["identifier"] = [{"system": "urn:oid:2.16.156.10011.1.3", "value": "110105198001010017"}]
    # when
    response = fhir(feed_user).post("Patient", body)
    # then
    assert response.status_code == 422
    assert outcome_of(response) == ["Patient.identifier: 身份证号校验位错误：应为6"]


@pytest.mark.django_db
def test_observation_in_a_unit_we_cannot_convert_is_kept_as_sent_with_a_warning(
    fhir, feed_user, patient
):
    # when glucose arrives in a unit the catalog has no conversion for
    body = glucose(patient, valueQuantity={"value": 5.6, "unit": "mmol/kg"})
    response = fhir(feed_user).post("Observation", body, Prefer="return=OperationOutcome")
    # then it is stored outside the catalog, as sent, and the sender is told
    obs = Observation.objects.get()
    assert (obs.item_id, obs.code, str(obs.value_num), obs.unit) == (
        None,
        "14771-0",
        "5.6000",
        "mmol/kg",
    )
    assert response.status_code == 201
    assert outcome_of(response) == [
        "Observation: 空腹血糖不支持单位“mmol/kg”（应为mmol/L）; kept as sent, outside the catalog"
    ]


@pytest.mark.django_db
def test_catalog_result_reads_back_in_loinc_and_ucum(fhir, feed_user, patient):
    # given the spec's body weight of 185 [lb_av]
    body = point_at(load("observation-example.json"), patient.uuid)
    # when
    created = fhir(feed_user).post("Observation", body).json()
    # then it is our WEIGHT item in kg, coded LOINC with the source's codings kept
    assert created["valueQuantity"] == {
        "value": 83.9146,
        "unit": "kg",
        "system": "http://unitsofmeasure.org",
        "code": "kg",
    }
    assert created["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "29463-7",
        "display": "Body weight",
    }
    assert created["category"][0]["coding"][0]["code"] == "vital-signs"
