"""Fixtures of the FHIR facade tests: a feed account, a FHIR client, the shared corpus."""

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[5] / "shared" / "corpora" / "fhir-r4"
SPEC = CORPUS / "spec-examples"
SYNTHEA = CORPUS / "synthea"
BASE = "/fhir/R4"


def load(name: str) -> dict:
    folder = SYNTHEA if (SYNTHEA / name).exists() else SPEC
    return json.loads((folder / name).read_text(encoding="utf-8"))


class FHIRClient:
    """An API client speaking application/fhir+json to /fhir/R4/."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, **params):
        return self.client.get(f"{BASE}/{path}", params, HTTP_ACCEPT="application/fhir+json")

    def post(self, path: str, body, **headers):
        extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
        return self.client.post(
            f"{BASE}/{path}",
            data=json.dumps(body),
            content_type="application/fhir+json",
            HTTP_ACCEPT="application/fhir+json",
            **extra,
        )


@pytest.fixture
def feed_user(make_user, catalog):
    """A health manager's account used by a sending system (holds interop.import_results)."""
    return make_user("his_feed", "health_manager")


@pytest.fixture
def doctor(make_user):
    return make_user("dr_wang", "doctor")


@pytest.fixture
def fhir(api):
    def client_for(user=None):
        return FHIRClient(api(user))

    return client_for


@pytest.fixture
def assign():
    """Put a person on a staff member's panel (what the people screens do)."""
    from healthloop.people.models import Person, PersonAssignment

    def run(person_or_uuid, staff):
        person = (
            person_or_uuid
            if isinstance(person_or_uuid, Person)
            else Person.objects.get(uuid=person_or_uuid)
        )
        PersonAssignment.objects.get_or_create(person=person, staff=staff)
        return person

    return run


SINGLE_TYPES = (
    "Observation",
    "DiagnosticReport",
    "Condition",
    "MedicationStatement",
    "Encounter",
    "QuestionnaireResponse",
)


def spec_files(*resource_types: str) -> list[str]:
    """Spec example files holding one resource of the given types."""
    names = []
    for path in sorted(SPEC.glob("*.json")):
        if json.loads(path.read_text(encoding="utf-8"))["resourceType"] in resource_types:
            names.append(path.name)
    return names


def point_at(resource: dict, patient_id) -> dict:
    """The spec examples name patients of the spec's own server (Patient/example …): point the
    subject at one of ours. Resources without a subject are left as they are."""
    if "subject" in resource:
        resource["subject"] = {"reference": f"Patient/{patient_id}"}
    return resource


def as_transaction(bundle: dict, patient_id=None) -> dict:
    """A collection Bundle's entries as a transaction of creates (what a sender would POST)."""
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if patient_id is not None:
            point_at(resource, patient_id)
        entry["request"] = {"method": "POST", "url": resource["resourceType"]}
    return {**bundle, "type": "transaction"}


def outcome_of(response) -> list[str]:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    return [issue["diagnostics"] for issue in body["issue"]]


@pytest.fixture
def patient(make_person, feed_user, doctor, assign):
    """A person in the index whom both the feed account and the doctor look after."""
    person = make_person("陈明", sex="male")
    assign(person, feed_user)
    assign(person, doctor)
    return person
