"""My alerts: only what a doctor confirmed, and a question goes to that doctor's inbox."""

import pytest


@pytest.fixture
def confirmed(roster, employee_of, make_user, catalog):
    """A finding drained into an alert, assigned to a doctor, confirmed by them."""
    from healthloop.alerts.services import confirm_alert
    from healthloop.alerts.tests.factories import alert_for
    from healthloop.assessment.rules.loader import load_rules
    from healthloop.people.models import PersonAssignment

    load_rules(actor=None)
    person, other = roster
    doctor = make_user("dr-li", "doctor")
    PersonAssignment.objects.create(person=person, staff=doctor)
    PersonAssignment.objects.create(person=other, staff=doctor)
    shown = alert_for(person, "THR_UA_HIGH", value=500)
    confirm_alert(alert=shown, actor=doctor)
    draft = alert_for(person, "CRIT_K", value=6.8)  # not reviewed yet: not shown
    theirs = alert_for(other, "THR_UA_HIGH", value=510)
    confirm_alert(alert=theirs, actor=doctor)
    return person, employee_of(person), doctor, shown, draft, theirs


@pytest.mark.django_db
def test_only_my_confirmed_alerts_are_listed(api, confirmed):
    _, user, _, shown, _, _ = confirmed
    rows = api(user).get("/api/v1/portal/alerts/").json()
    assert [(r["uuid"], r["state"], r["has_doctor"]) for r in rows] == [
        (str(shown.uuid), "confirmed", True)
    ]


@pytest.mark.django_db
def test_a_question_reaches_the_responsible_doctors_inbox(api, confirmed):
    from healthloop.notify.selectors import staff_inbox

    person, user, doctor, shown, draft, theirs = confirmed
    client = api(user)
    # when
    asked = client.post(
        f"/api/v1/portal/alerts/{shown.uuid}/questions/", {"question": "需要停药吗？"}
    )
    # then
    assert asked.status_code == 202
    (message,) = staff_inbox(doctor).filter(ref=f"portal.question:{shown.uuid}")
    assert message.body == f"{person.name}：需要停药吗？" and message.channels == ["inapp"]
    # and nobody asks about an unconfirmed alert or someone else's
    for alert in (draft, theirs):
        denied = client.post(f"/api/v1/portal/alerts/{alert.uuid}/questions/", {"question": "?"})
        assert denied.status_code == 404
    empty = client.post(f"/api/v1/portal/alerts/{shown.uuid}/questions/", {"question": " "})
    assert empty.status_code == 400 and empty.json()["field"] == "question"


@pytest.mark.django_db
def test_the_confirmed_alert_message_in_my_inbox_names_its_alert(api, confirmed):
    _, user, _, shown, _, _ = confirmed
    inbox = api(user).get("/api/v1/portal/messages/").json()
    assert [m["alert"] for m in inbox["results"]] == [str(shown.uuid)]
