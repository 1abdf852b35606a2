"""Every portal endpoint serves the logged-in employee's own data only."""

import pytest

BASE = "/api/v1/portal/"


@pytest.fixture
def two(api, roster, employee_of):
    one, two = roster
    return (one, api(employee_of(one))), (two, api(employee_of(two)))


def _risk(person, disease, colour):
    from healthloop.assessment.models import RiskLevel

    return RiskLevel.objects.create(
        person=person, disease=disease, colour=colour, label=f"{disease}-{colour}",
        basis=["SBP 146 mmHg"], rule_code="R", rule_version=1, digest=f"{person.pk}{disease}",
    )  # fmt: skip


@pytest.mark.django_db
def test_another_employees_questionnaire_response_is_not_found(two):
    (_, client_one), (_, client_two) = two
    answers = {f"q{i}": 0 for i in range(1, 8)}
    mine = client_one.post(
        BASE + "questionnaires/gad7/submit/", {"answers": answers}, format="json"
    )
    assert mine.status_code == 201
    url = BASE + f"questionnaires/responses/{mine.json()['uuid']}/"
    # then: the owner reads it, the other employee gets 404 (not 403: existence does not leak)
    assert client_one.get(url).status_code == 200
    theirs = client_two.get(url)
    assert theirs.status_code == 404 and theirs.json()["code"] == "not_found"
    # and it is not in the other's list either
    assert client_two.get(BASE + "questionnaires/").json()[1]["last"] is None


@pytest.mark.django_db
def test_drafts_are_per_person(two):
    (_, client_one), (_, client_two) = two
    client_one.put(
        BASE + "questionnaires/phq9/draft/", {"answers": {"q1": 3}, "page": 0}, format="json"
    )
    assert client_two.get(BASE + "questionnaires/phq9/").json()["draft"] is None


@pytest.mark.django_db
def test_my_risk_shows_only_my_levels(two):
    (one, client_one), (two_, _) = two
    _risk(one, "hypertension", "orange")
    _risk(two_, "diabetes", "red")
    body = client_one.get(BASE + "risk/").json()
    assert [(lv["disease"], lv["colour"], lv["disease_label"]) for lv in body["levels"]] == [
        ("hypertension", "orange", "高血压")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["doctor", "admin", "health_manager"])
def test_staff_have_no_portal(api, make_user, role):
    client = api(make_user("staff", role))
    for path in ("risk/", "questionnaires/", "access-log/", "questionnaires/phq9/"):
        assert client.get(BASE + path).status_code == 403, path


@pytest.mark.django_db
def test_an_employee_account_without_a_person_gets_not_linked(api, make_user):
    response = api(make_user("lonely", "employee")).get(BASE + "risk/")
    assert response.status_code == 404 and response.json()["code"] == "not_linked"


@pytest.mark.django_db
def test_access_log_shows_role_and_department_of_staff_never_names(two, make_user, org):
    from healthloop.people.access import access_person
    from healthloop.people.models import StaffScope

    (one, client_one), (two_, _) = two
    doctor = make_user("doctor-zhang", "doctor", display_name="张医生")
    StaffScope.objects.create(staff=doctor, org_unit=org["refinery"])
    access_person(doctor, one.uuid, purpose="复查随访")
    nurse = make_user("nurse-wang", "nurse")
    StaffScope.objects.create(staff=nurse, org_unit=org["dept_b"])
    access_person(nurse, two_.uuid)  # the other employee's record
    client_one.get(BASE + "risk/")  # my own reads are not "someone accessed my record"
    # when
    response = client_one.get(BASE + "access-log/")
    # then
    assert response.status_code == 200
    rows = response.json()["results"]
    assert response.json()["count"] == 1
    assert [(r["role"], r["role_label"], r["kind"], r["purpose"]) for r in rows] == [
        ("doctor", "医生", "viewed", "复查随访")
    ]
    assert rows[0]["department"] == "炼油厂"  # no department on the user: the scope's unit
    text = response.content.decode()
    assert "张医生" not in text and "doctor-zhang" not in text


def _message(person, title):
    from django.db import transaction

    from healthloop.notify.services import enqueue

    with transaction.atomic():
        return enqueue(
            recipient_person=person, template="message", context={"title": title, "body": "请复查"},
            ref=f"test:{title}", idempotency_key=f"test:{title}", channels=["inapp"],
        )  # fmt: skip


@pytest.mark.django_db
def test_messages_are_mine_only_and_mark_read_once(two):
    (one, client_one), (two_, client_two) = two
    mine = _message(one, "血压复查")
    theirs = _message(two_, "血糖复查")
    # when
    inbox = client_one.get(BASE + "messages/").json()
    # then
    assert [m["title"] for m in inbox["results"]] == ["血压复查"] and inbox["unread"] == 1
    # when: reading another's message
    denied = client_one.post(BASE + f"messages/{theirs.uuid}/read/")
    assert denied.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # when: reading mine
    read = client_one.post(BASE + f"messages/{mine.uuid}/read/")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client_one.get(BASE + "messages/").json()["unread"] == 0
    assert client_two.get(BASE + "messages/").json()["unread"] == 1


@pytest.mark.django_db
def test_verification_code_sms_never_shows_in_the_inbox(api, roster, employee_of):
    from healthloop.portal.tests.conftest import ID_1, PHONE_1

    person, _ = roster
    api().post(BASE + "bind/code/", {"name": "李建国", "id_number": ID_1, "phone": PHONE_1})
    client = api(employee_of(person))
    assert client.get(BASE + "messages/").json()["count"] == 0
