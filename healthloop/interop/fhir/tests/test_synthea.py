"""Synthea patient Bundles (shared/corpora/fhir-r4/synthea): large transactions carrying many
resource types we do not store."""

import pytest

from healthloop.interop.fhir.tests.conftest import load, outcome_of
from healthloop.people.models import Person
from healthloop.records.models import Condition, Encounter, Observation

BOB = "Bob965_Keeling57_3f6fd0bb-6cd3-eb3f-4401-cd38ace25f2b.json"
INFERNO = "inferno-uscore-2fda17e1-68f5-4450-bb37-775162f27530.transaction.json"


def _counts():
    return (
        Person.objects.count(),
        Encounter.objects.count(),
        Observation.objects.count(),
        Condition.objects.count(),
    )


@pytest.mark.django_db
def test_synthea_transaction_is_refused_unless_lenient(fhir, feed_user):
    # when Bob's record is posted as it is
    response = fhir(feed_user).post("", load(BOB))
    # then the first entry of a type we do not store fails it, and nothing is written
    assert response.status_code == 422
    assert outcome_of(response) == [
        "Bundle.entry[2]: 'Immunization' is not supported by this server"
    ]
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_synthea_transaction_lenient_keeps_what_we_store_and_re_sending_changes_nothing(
    fhir, feed_user
):
    # given
    client = fhir(feed_user)
    # when Bob's record is posted twice with Prefer: handling=lenient
    first = client.post("", load(BOB), Prefer="handling=lenient").json()
    counts = _counts()
    second = client.post("", load(BOB), Prefer="handling=lenient").json()
    # then the patient, 32 encounters, 32 reports (exam rows) and 30 results are stored once
    statuses = [a["response"]["status"] for a in first["entry"]]
    assert (statuses.count("201 Created"), statuses.count("404 Not Found")) == (95, 143)
    assert counts == (1, 64, 30, 0)
    assert _counts() == counts
    assert {a["response"]["status"] for a in second["entry"]} == {"200 OK", "404 Not Found"}
    person = Person.objects.get()
    assert (person.name, person.needs_identity_review) == ("Bob965 Keeling57", True)


@pytest.mark.django_db
def test_inferno_bundle_is_refused_for_an_impossible_value_and_taken_as_a_batch(fhir, feed_user):
    # given the smallest Synthea bundle, whose platelet distribution width is 217.8 fL
    bundle = load(INFERNO)
    client = fhir(feed_user)
    # when it is posted as a transaction
    refused = client.post("", bundle, Prefer="handling=lenient")
    # then the impossible value refuses the whole transaction, naming the entry
    assert refused.status_code == 422
    assert outcome_of(refused) == [
        "Bundle.entry[90]: Observation.valueQuantity.value: 血小板分布宽度的结果217.8fL不可能"
        "（合理范围5.0000–35.0000fL）"
    ]
    assert _counts() == (0, 0, 0, 0)
    # and as a batch every other entry of ours is taken: 1 patient, 39 encounters + 43 reports,
    # 151 of 153 observations (+ components: 177 rows), 9 conditions
    bundle["type"] = "batch"
    batch = client.post("", bundle).json()
    refused = [
        a["response"]["outcome"]["issue"][0]["diagnostics"]
        for a in batch["entry"]
        if a["response"]["status"] == "422 Unprocessable Entity"
    ]
    assert refused == [
        "Bundle.entry[90]: Observation.valueQuantity.value: 血小板分布宽度的结果217.8fL不可能"
        "（合理范围5.0000–35.0000fL）",
        "Bundle.entry[244]: Observation.valueQuantity.value: 血小板分布宽度的结果445.21fL不可能"
        "（合理范围5.0000–35.0000fL）",
    ]
    assert _counts() == (1, 82, 177, 9)
