"""Questionnaires: definitions from the API, drafts kept server-side, required items checked,
submission stored through assessment (screening re-runs; PHQ-9 item 9 > 0 raises a finding)."""

import pytest

BASE = "/api/v1/portal/questionnaires/"


@pytest.fixture
def me(api, roster, employee_of):
    person, _ = roster
    return person, api(employee_of(person))


@pytest.mark.django_db
def test_the_list_offers_the_five_instruments_with_their_sizes(me):
    _, client = me
    rows = client.get(BASE).json()
    assert [(r["code"], r["item_count"]) for r in rows] == [
        ("phq9", 9), ("gad7", 7), ("pss10", 10), ("psqi", 18), ("tcm_constitution", 60),
    ]  # fmt: skip
    assert rows[0]["title"]["zh"] == "抑郁情绪自评（PHQ-9）"
    assert all(r["draft"] is None and r["last"] is None for r in rows)


@pytest.mark.django_db
def test_tcm_form_asks_the_sex_specific_item_of_the_person_only(me, api, roster, employee_of):
    _, client = me
    male = client.get(BASE + "tcm_constitution/").json()
    ids = [item["id"] for item in male["items"]]
    assert "f6m" in ids and "f6f" not in ids and len(ids) == 60
    assert sum(len(page) for page in male["pages"]) == 60 and len(male["pages"]) == 10
    female = api(employee_of(roster[1])).get(BASE + "tcm_constitution/").json()
    assert "f6f" in [item["id"] for item in female["items"]]


@pytest.mark.django_db
def test_a_draft_is_saved_and_served_back(me):
    _, client = me
    # when
    saved = client.put(
        BASE + "phq9/draft/", {"answers": {"q1": 1, "q2": 0}, "page": 1}, format="json"
    )
    # then
    assert saved.status_code == 200, saved.json()
    form = client.get(BASE + "phq9/").json()
    assert form["draft"]["answers"] == {"q1": 1, "q2": 0} and form["draft"]["page"] == 1
    assert client.get(BASE).json()[0]["draft"]["answered"] == 2


@pytest.mark.django_db
def test_a_draft_with_an_invalid_answer_is_refused_naming_the_item(me):
    _, client = me
    bad = client.put(BASE + "phq9/draft/", {"answers": {"q3": 7}, "page": 0}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_answer" and bad.json()["field"] == "q3"


@pytest.mark.django_db
def test_submit_with_a_missing_item_names_the_first_one(me):
    from healthloop.assessment.models import QuestionnaireResponse

    _, client = me
    answers = {f"q{i}": 1 for i in range(1, 10) if i not in (4, 7)}
    response = client.post(BASE + "phq9/submit/", {"answers": answers}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": "请回答所有题目", "code": "answer_required", "field": "q4"}
    assert QuestionnaireResponse.objects.count() == 0


@pytest.mark.django_db
def test_phq9_submission_is_scored_stored_and_item_9_raises_a_finding(
    me, catalog, django_capture_on_commit_callbacks
):
    from healthloop.assessment.models import Finding, QuestionnaireResponse
    from healthloop.assessment.rules.loader import load_rules

    load_rules(actor=None)

    person, client = me
    client.put(BASE + "phq9/draft/", {"answers": {"q1": 1}, "page": 0}, format="json")
    answers = dict(zip([f"q{i}" for i in range(1, 10)], [1, 1, 2, 1, 0, 1, 1, 0, 1], strict=True))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BASE + "phq9/submit/", {"answers": answers}, format="json")
    # then: the calculator's result, the item-9 alert flag, the draft gone
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["result"] == {
        "value": 8.0, "category": "mild", "label": "轻度抑郁", "colour": "red",
        "self_harm_alert": True,
    }  # fmt: skip
    stored = QuestionnaireResponse.objects.get(person=person)
    assert stored.answers == [1, 1, 2, 1, 0, 1, 1, 0, 1] and stored.source == "portal"
    assert client.get(BASE + "phq9/").json()["draft"] is None
    # and screening ran (HUEY_IMMEDIATE) and found the self-harm item
    finding = Finding.objects.get(person=person, rule_code="Q_PHQ9_ITEM9")
    assert finding.severity == "critical" and finding.status == "open"
    assert client.get(BASE).json()[0]["last"]["uuid"] == body["uuid"]


@pytest.mark.django_db
def test_psqi_and_tcm_answers_are_assembled_for_the_calculators(me):
    from healthloop.assessment.models import QuestionnaireResponse

    person, client = me
    psqi = {"bed_time": "23:30", "sleep_latency_min": 20, "wake_time": "06:30",
            "sleep_hours": 6.5, **{f"q5{c}": 0 for c in "abcdefghij"},
            "q6": 1, "q7": 0, "q8": 1, "q9": 1}  # fmt: skip
    assert client.post(BASE + "psqi/submit/", {"answers": psqi}, format="json").status_code == 201
    form = client.get(BASE + "tcm_constitution/").json()
    tcm = {item["id"]: 1 for item in form["items"]}
    tcm["a1"] = 5  # full of energy
    tcm["a6"] = 5  # adapts well
    done = client.post(BASE + "tcm_constitution/submit/", {"answers": tcm}, format="json")
    assert done.status_code == 201, done.json()
    assert done.json()["result"]["category"] == "pinghe"
    stored = QuestionnaireResponse.objects.get(person=person, instrument="tcm_constitution")
    assert stored.answers["pinghe"] == [5, 1, 1, 1, 1, 5, 1, 1]
    assert stored.answers["shire"] == [1, 1, 1, 1, 1, 1] and len(stored.answers["qixu"]) == 8


@pytest.mark.django_db
def test_unknown_questionnaire_is_404(me):
    _, client = me
    assert client.get(BASE + "nope/").status_code == 404
