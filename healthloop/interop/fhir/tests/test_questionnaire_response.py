"""QuestionnaireResponse: scored instruments become calculator answers and are screened;
other questionnaires are kept as sent; re-sending changes nothing; search and scope."""

import pytest

from healthloop.assessment.models import Finding, QuestionnaireResponse
from healthloop.assessment.rules.loader import load_rules
from healthloop.interop.fhir.mapping.questionnaire_response import QUESTIONNAIRE_BASE
from healthloop.interop.fhir.tests.conftest import outcome_of
from healthloop.interop.fhir.validation import validate_output

ID_SYSTEM = "urn:oid:1.2.156.112604.1.2.9"  # a hospital's questionnaire numbers


def phq9(patient, answers, *, identifier="Q-0001", authored="2026-03-04T09:30:00+08:00"):
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_BASE}phq9",
        "status": "completed",
        "subject": {"reference": f"Patient/{patient.uuid}"},
        "authored": authored,
        "item": [
            {"linkId": str(n), "answer": [{"valueInteger": a}]}
            for n, a in enumerate(answers, start=1)
        ],
    }
    if identifier:
        resource["identifier"] = {"system": ID_SYSTEM, "value": identifier}
    return resource


@pytest.mark.django_db
def test_a_scored_phq9_is_stored_as_answers_and_reads_back(fhir, feed_user, patient):
    # when
    created = fhir(feed_user).post("QuestionnaireResponse", phq9(patient, [1] * 8 + [0]))
    # then
    assert created.status_code == 201, created.json()
    row = QuestionnaireResponse.objects.get()
    assert (row.instrument, row.answers, row.person_id) == ("phq9", [1] * 8 + [0], patient.pk)
    body = fhir(feed_user).get(f"QuestionnaireResponse/{row.uuid}").json()
    validate_output(body)
    assert body["questionnaire"] == f"{QUESTIONNAIRE_BASE}phq9"
    assert body["identifier"] == {"system": ID_SYSTEM, "value": "Q-0001"}
    assert [i["answer"][0]["valueInteger"] for i in body["item"]] == [1] * 8 + [0]
    assert body["authored"].startswith("2026-03-04T09:30:00")


@pytest.mark.django_db(transaction=True)
def test_phq9_item_9_above_zero_raises_its_finding(fhir, feed_user, patient):
    # given the screening rules (the drain runs on commit: HUEY_IMMEDIATE)
    load_rules(actor=None)
    # when a response with item 9 = 1 arrives
    created = fhir(feed_user).post("QuestionnaireResponse", phq9(patient, [0] * 8 + [1]))
    # then the person has the finding the rule raises for any answer above 0
    assert created.status_code == 201, created.json()
    finding = Finding.objects.get(person=patient, status="open")
    assert finding.severity in ("critical", "high")
    assert "phq9" in str(finding.evidence).lower()


@pytest.mark.django_db
def test_resending_the_same_identifier_changes_nothing(fhir, feed_user, patient):
    client = fhir(feed_user)
    first = client.post("QuestionnaireResponse", phq9(patient, [1] * 9))
    # when the same response is sent again, then conditionally
    again = client.post("QuestionnaireResponse", phq9(patient, [1] * 9))
    conditional = client.post(
        "QuestionnaireResponse",
        phq9(patient, [1] * 9),
        **{"If-None-Exist": f"identifier={ID_SYSTEM}|Q-0001"},
    )
    # then one row, and the re-sends answer 200 with it
    assert first.status_code == 201
    assert (again.status_code, conditional.status_code) == (200, 200)
    assert QuestionnaireResponse.objects.count() == 1
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([1] * 8 + [4], "item"),  # 0–3 only
        ([1] * 7, "items ['8', '9']"),  # two missing
    ],
)
def test_bad_answers_are_422_naming_the_item(fhir, feed_user, patient, answers, message):
    # when
    response = fhir(feed_user).post("QuestionnaireResponse", phq9(patient, answers))
    # then
    assert response.status_code == 422
    assert message in outcome_of(response)[0]
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.django_db
def test_a_text_answer_to_a_scored_item_is_refused(fhir, feed_user, patient):
    resource = phq9(patient, [0] * 9)
    resource["item"][2]["answer"] = [{"valueString": "sometimes"}]
    # when
    response = fhir(feed_user).post("QuestionnaireResponse", resource)
    # then
    assert response.status_code == 422
    assert "QuestionnaireResponse.item[2]" in outcome_of(response)[0]


@pytest.mark.django_db
def test_psqi_and_tcm_answers_are_read_by_link_id(fhir, feed_user, patient):
    psqi_values = {
        "bed_time": {"valueTime": "23:00:00"},
        "sleep_latency_min": {"valueInteger": 20},
        "wake_time": {"valueTime": "06:30:00"},
        "sleep_hours": {"valueDecimal": 6.5},
        **{f"q5{x}": {"valueInteger": 1} for x in "abcdefghij"},
        **{f"q{n}": {"valueInteger": 1} for n in (6, 7, 8, 9)},
    }
    psqi = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_BASE}psqi",
        "status": "completed",
        "subject": {"reference": f"Patient/{patient.uuid}"},
        "item": [{"linkId": k, "answer": [v]} for k, v in psqi_values.items()],
    }
    counts = {"pinghe": 8, "qixu": 8, "yangxu": 7, "yinxu": 8, "tanshi": 8, "shire": 6,
              "xueyu": 7, "qiyu": 7, "tebing": 7}  # fmt: skip
    tcm = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_BASE}tcm_constitution",
        "status": "completed",
        "subject": {"reference": f"Patient/{patient.uuid}"},
        "item": [
            {
                "linkId": name,
                "item": [
                    {"linkId": f"{name}.{n}", "answer": [{"valueInteger": 3}]}
                    for n in range(1, count + 1)
                ],
            }
            for name, count in counts.items()
        ],
    }
    # when
    sent = [fhir(feed_user).post("QuestionnaireResponse", r) for r in (psqi, tcm)]
    # then
    assert [r.status_code for r in sent] == [201, 201], [r.json() for r in sent]
    stored = {r.instrument: r.answers for r in QuestionnaireResponse.objects.all()}
    assert stored["psqi"]["bed_time"] == "23:00" and stored["psqi"]["sleep_hours"] == 6.5
    assert {k: len(v) for k, v in stored["tcm_constitution"].items()} == counts


@pytest.mark.django_db
def test_search_by_patient_questionnaire_date_and_identifier(fhir, feed_user, patient):
    client = fhir(feed_user)
    client.post("QuestionnaireResponse", phq9(patient, [0] * 9, identifier="A",
                                              authored="2025-01-10T08:00:00+08:00"))  # fmt: skip
    client.post("QuestionnaireResponse", phq9(patient, [1] * 9, identifier="B",
                                              authored="2026-01-10T08:00:00+08:00"))  # fmt: skip

    def ids(**params):
        bundle = client.get("QuestionnaireResponse", **params).json()
        validate_output(bundle)
        return [e["resource"]["identifier"]["value"] for e in bundle.get("entry", [])]

    # then
    assert ids(patient=str(patient.uuid)) == ["B", "A"]  # newest first
    assert ids(questionnaire=f"{QUESTIONNAIRE_BASE}phq9", authored="ge2026-01-01") == ["B"]
    assert ids(identifier=f"{ID_SYSTEM}|A") == ["A"]
    assert ids(questionnaire=f"{QUESTIONNAIRE_BASE}gad7") == []


@pytest.mark.django_db
def test_a_response_outside_the_callers_scope_is_not_found(fhir, feed_user, patient, make_user):
    created = fhir(feed_user).post("QuestionnaireResponse", phq9(patient, [0] * 9))
    stranger = make_user("dr_li", "doctor")
    # when
    read = fhir(stranger).get(f"QuestionnaireResponse/{created.json()['id']}")
    listed = fhir(stranger).get("QuestionnaireResponse").json()
    # then
    assert read.status_code == 404
    assert "entry" not in listed
