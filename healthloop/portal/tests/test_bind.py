"""Register / bind: name + ID number + phone + SMS code, matched to the roster."""

import pytest
from django.utils import timezone

from healthloop.portal.tests.conftest import ID_1, ID_2, PASSWORD, PHONE_1, PHONE_2

CODE_URL = "/api/v1/portal/bind/code/"
BIND_URL = "/api/v1/portal/bind/"
FORM = {"name": "李建国", "id_number": ID_1, "phone": PHONE_1}


def _bind(client, code, **extra):
    return client.post(
        BIND_URL, {**FORM, "code": code, "password": PASSWORD, **extra}, format="json"
    )


@pytest.mark.django_db
def test_matching_employee_gets_a_code_binds_and_is_logged_in(api, roster, sent_code):
    from healthloop.audit.models import AuditEvent
    from healthloop.portal.models import BindCode

    person, _ = roster
    client = api()
    # when
    sent = client.post(CODE_URL, FORM, format="json")
    # then: one code, stored only as a hash, delivered by SMS to the roster phone
    assert sent.status_code == 202
    assert sent.json() == {"expires_in": 300, "resend_after": 60}
    code = sent_code(person)
    row = BindCode.objects.get()
    assert row.person == person and code not in row.code_hash and row.attempts == 0
    # when
    bound = _bind(client, code)
    # then: an employee account named by the employee number, linked, logged in
    assert bound.status_code == 201, bound.json()
    assert bound.json()["username"] == "E10001"
    assert bound.json()["role"] == "employee"
    person.refresh_from_db()
    assert person.user.username == "E10001" and person.user.check_password(PASSWORD)
    assert client.get("/api/v1/accounts/me/").json()["person_uuid"] == str(person.uuid)
    assert (
        AuditEvent.objects.filter(action="portal.account_bound", person_uuid=person.uuid).count()
        == 1
    )
    # and the code cannot be used twice
    again = api().post(BIND_URL, {**FORM, "code": code, "password": PASSWORD}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "code_invalid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form",
    [
        {"name": "李建", "id_number": ID_1, "phone": PHONE_1},  # wrong name
        {"name": "李建国", "id_number": ID_1, "phone": PHONE_2},  # someone else's phone
        {"name": "李建国", "id_number": ID_2, "phone": PHONE_1},  # someone else's ID number
    ],
)
def test_details_not_on_the_roster_answer_the_same_and_send_nothing(api, roster, form):
    from healthloop.notify.models import Notification

    # when
    sent = api().post(CODE_URL, form, format="json")
    # then: the same answer as a match (the roster does not leak), no SMS
    assert sent.status_code == 202
    assert sent.json() == {"expires_in": 300, "resend_after": 60}
    assert Notification.objects.count() == 0
    # and no code guessed from that request binds anything
    bound = api().post(BIND_URL, {**form, "code": "000000", "password": PASSWORD}, format="json")
    assert bound.status_code == 400 and bound.json()["code"] == "code_invalid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "110105198001010017"), ("phone", "12345"), ("name", "  ")],
)
def test_malformed_details_are_a_400_naming_the_field(api, roster, field, value):
    response = api().post(CODE_URL, {**FORM, field: value}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == field


@pytest.mark.django_db
def test_wrong_codes_count_and_lock_the_code_after_five(api, roster, sent_code):
    from healthloop.portal.models import BindCode

    person, _ = roster
    client = api()
    client.post(CODE_URL, FORM, format="json")
    code = sent_code(person)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    # when: five wrong entries
    answers = [_bind(client, wrong).json() for _ in range(5)]
    # then
    assert [a["code"] for a in answers] == ["code_invalid"] * 5
    assert answers[0]["error"] == "验证码错误，还可尝试4次"
    assert BindCode.objects.get().attempts == 5
    # and even the right code is refused now
    locked = _bind(client, code)
    assert locked.status_code == 400 and locked.json()["code"] == "code_locked"
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.django_db
def test_a_code_expires_after_five_minutes(api, roster, sent_code, clock):
    person, _ = roster
    client = api()
    client.post(CODE_URL, FORM, format="json")
    code = sent_code(person)
    # when
    clock(seconds=301)
    expired = _bind(client, code)
    # then
    assert expired.status_code == 400 and expired.json()["code"] == "code_expired"
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.django_db
def test_only_the_newest_code_is_valid(api, roster, sent_code, clock):
    person, _ = roster
    client = api()
    client.post(CODE_URL, FORM, format="json")
    first = sent_code(person)
    clock(seconds=61)
    client.post(CODE_URL, FORM, format="json")
    second = sent_code(person)
    # then: the first code is dead (a random clash of the two codes would be 1 in a million)
    if first != second:
        stale = _bind(client, first)
        assert stale.status_code == 400 and stale.json()["code"] == "code_invalid"
    assert _bind(client, second).status_code == 201


@pytest.mark.django_db
def test_codes_are_rate_limited_per_phone(api, roster, clock):
    client = api()
    assert client.post(CODE_URL, FORM, format="json").status_code == 202
    # when: asked again at once
    soon = client.post(CODE_URL, FORM, format="json")
    # then
    assert soon.status_code == 429 and soon.json()["code"] == "code_too_soon"
    # when: five in an hour, one a minute apart
    for _ in range(4):
        clock(seconds=61)
        assert client.post(CODE_URL, FORM, format="json").status_code == 202
    clock(seconds=61)
    sixth = client.post(CODE_URL, FORM, format="json")
    assert sixth.status_code == 429 and sixth.json()["code"] == "code_rate_limited"
    # and an hour later it works again
    clock(minutes=60)
    assert client.post(CODE_URL, FORM, format="json").status_code == 202


@pytest.mark.django_db
def test_an_already_bound_person_gets_their_log_in_name_by_sms_not_a_code(api, roster, employee_of):
    from healthloop.notify.models import Notification

    person, _ = roster
    employee_of(person, username="lijianguo")
    # when
    sent = api().post(CODE_URL, FORM, format="json")
    # then
    assert sent.status_code == 202
    sms = Notification.objects.get(recipient_person=person)
    assert "登录名为lijianguo" in sms.body and "验证码" not in sms.body


@pytest.mark.django_db
def test_weak_password_is_refused_before_the_code_is_spent(api, roster, sent_code):
    from healthloop.portal.models import BindCode

    person, _ = roster
    client = api()
    client.post(CODE_URL, FORM, format="json")
    code = sent_code(person)
    weak = _bind(client, code, password="123")
    assert weak.status_code == 400 and weak.json()["field"] == "password"
    assert BindCode.objects.get().attempts == 0
    assert _bind(client, code).status_code == 201


@pytest.mark.django_db
def test_a_code_asked_for_at_night_is_sent_at_once_despite_quiet_hours(api, roster, settings):
    from healthloop.notify.models import Notification

    settings.NOTIFY_QUIET_HOURS = "00:00-23:59"  # every moment of the day is quiet
    response = api().post(CODE_URL, FORM, format="json")
    assert response.status_code == 202, response.content
    sms = Notification.objects.get(recipient_person=roster[0])
    assert sms.next_attempt_at <= timezone.now()
