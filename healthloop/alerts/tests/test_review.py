"""The review workflow through the HTTP API: queue, confirm (one click / edited), dismiss,
close, bulk confirm, scoping, the outbox, delivery events and the dashboard figures."""

import datetime as dt

import pytest
from django.db import transaction

from healthloop.alerts.drains import drain_notification_events
from healthloop.alerts.models import Alert, AlertEvent
from healthloop.alerts.tests.factories import alert_for
from healthloop.audit.models import AuditEvent
from healthloop.notify.models import Notification
from healthloop.notify.services import mark_read, record_notification_event

API = "/api/v1/alerts/"


def person_notes(person):
    return Notification.objects.filter(recipient_person=person)


@pytest.mark.django_db
def test_the_queue_lists_severe_first_then_oldest_and_filters(rules, staff, patient,
                                                              other_patient, api):  # fmt: skip
    # given alerts of several severities, created in this order
    low_old = alert_for(patient, "THR_UA_HIGH", value=500)
    critical = alert_for(other_patient, "CRIT_K", value=6.8)
    low_new = alert_for(other_patient, "THR_TG_HIGH", value=3.2)
    medium = alert_for(patient, "THR_BP_HIGH", value=150)
    client = api(staff["doctor"])
    # when the doctor opens the queue
    body = client.get(API).json()
    # then most severe first, then oldest first
    assert [r["uuid"] for r in body["results"]] == [
        str(a.uuid) for a in (critical, medium, low_old, low_new)
    ]
    first = body["results"][0]
    assert (first["state"], first["is_urgent"], first["person"]["name"]) == ("new", True, "李秀英")
    assert first["responsible"]["username"] == "dr_wang"
    # and filters narrow it
    lows = client.get(API, {"severity": "low"}).json()["results"]
    assert [r["uuid"] for r in lows] == [str(low_old.uuid), str(low_new.uuid)]
    urgent = client.get(API, {"urgent": "true"}).json()["results"]
    assert [r["uuid"] for r in urgent] == [str(critical.uuid)]
    wrong = client.get(API, {"severity": "severe"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "severity"
    # and every person on every page served is audited (2 + 2 + 1; the refused call lists none)
    assert AuditEvent.objects.filter(action="alert.listed").count() == 5


@pytest.mark.django_db
def test_one_click_confirm_writes_the_persons_notification_in_the_same_transaction(
    rules, staff, patient, api
):
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    # when the doctor confirms the drafted text
    response = api(staff["doctor"]).post(f"{API}{alert.uuid}/confirm/", {}, format="json")
    # then the alert is confirmed and the person's notification sits in the outbox
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["state"], body["edited"], body["reviewed_by"]["username"]) == (
        "confirmed", False, "dr_wang"
    )  # fmt: skip
    note = person_notes(patient).get()
    assert (note.template, note.ref, note.idempotency_key) == (
        "alert.confirmed", f"alerts.alert:{alert.uuid}", f"alerts.alert:{alert.uuid}:confirmed"
    )  # fmt: skip
    assert note.context["advice"] == alert.draft_text
    assert (
        AuditEvent.objects.filter(action="alert.confirmed", object_id=str(alert.uuid)).count() == 1
    )


@pytest.mark.django_db
def test_editing_before_confirming_sends_the_edited_text(rules, staff, patient, api):
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    client = api(staff["doctor"])
    # when the doctor edits the draft, then confirms
    edited = client.patch(f"{API}{alert.uuid}/", {"text": "  请两周内到内分泌科复诊。 "},
                          format="json")  # fmt: skip
    assert edited.status_code == 200 and edited.json()["state"] == "new"
    confirmed = client.post(f"{API}{alert.uuid}/confirm/", {}, format="json").json()
    # then the alert is "edited" and the person receives the doctor's words
    assert (confirmed["state"], confirmed["edited"]) == ("edited", True)
    assert person_notes(patient).get().context["advice"] == "请两周内到内分泌科复诊。"
    assert [e["kind"] for e in confirmed["events"]] == ["created", "edited", "confirmed"]


@pytest.mark.django_db
def test_confirming_twice_is_refused_and_sends_once(rules, staff, patient, api):
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    client = api(staff["doctor"])
    client.post(f"{API}{alert.uuid}/confirm/", {"text": "已电话告知。"}, format="json")
    again = client.post(f"{API}{alert.uuid}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "alert_not_new"
    assert person_notes(patient).count() == 1


@pytest.mark.django_db
def test_dismissing_needs_a_reason_and_sends_nothing(rules, staff, patient, api):
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    client = api(staff["doctor"])
    refused = client.post(f"{API}{alert.uuid}/dismiss/", {"reason": "  "}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"error": "驳回预警必须填写原因", "code": "dismiss_reason_required",
                              "field": "reason"}  # fmt: skip
    alert.refresh_from_db()
    assert alert.state == "new"
    done = client.post(f"{API}{alert.uuid}/dismiss/", {"reason": "已在门诊处理"}, format="json")
    assert (done.json()["state"], done.json()["dismiss_reason"]) == ("dismissed", "已在门诊处理")
    assert person_notes(patient).count() == 0


@pytest.mark.django_db
def test_closing_needs_a_review_first(rules, staff, patient, api):
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    client = api(staff["doctor"])
    early = client.post(f"{API}{alert.uuid}/close/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "alert_not_reviewed"
    client.post(f"{API}{alert.uuid}/confirm/", {}, format="json")
    closed = client.post(f"{API}{alert.uuid}/close/", {"note": "已复诊"}, format="json").json()
    assert (closed["state"], closed["close_note"]) == ("closed", "已复诊")
    assert closed["closed_at"] is not None


@pytest.mark.django_db
def test_bulk_confirm_confirms_low_alerts_and_refuses_higher_ones_whole(
    rules, staff, patient, other_patient, api
):
    lows = [alert_for(patient, "THR_UA_HIGH", value=500),
            alert_for(other_patient, "THR_TG_HIGH", value=3.0)]  # fmt: skip
    medium = alert_for(patient, "THR_BP_HIGH", value=152)
    client = api(staff["doctor"])
    # when a medium alert is in the batch, then nothing is confirmed and the error names it
    batch = {"alerts": [str(a.uuid) for a in [*lows, medium]]}
    mixed = client.post(f"{API}bulk-confirm/", batch, format="json")
    assert mixed.status_code == 400
    assert (
        mixed.json()["code"] == "bulk_confirm_low_only"
        and str(medium.uuid) in mixed.json()["error"]
    )
    assert Alert.objects.filter(state="new").count() == 3 and Notification.objects.count() == 0
    # when only low alerts are sent, then all are confirmed, each with its notification
    done = client.post(f"{API}bulk-confirm/", {"alerts": [str(a.uuid) for a in lows]},
                       format="json")  # fmt: skip
    assert done.status_code == 200 and done.json()["confirmed"] == 2
    assert set(
        Alert.objects.filter(pk__in=[a.pk for a in lows]).values_list("state", flat=True)
    ) == {"confirmed"}
    assert Notification.objects.filter(template="alert.confirmed").count() == 2
    empty = client.post(f"{API}bulk-confirm/", {"alerts": []}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "bulk_confirm_empty"


@pytest.mark.django_db
def test_a_doctor_outside_the_department_gets_not_found(rules, staff, patient, api):
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    client = api(staff["outsider"])
    assert client.get(API).json()["count"] == 0
    for method, path in [("get", f"{API}{alert.uuid}/"), ("post", f"{API}{alert.uuid}/confirm/"),
                         ("post", f"{API}{alert.uuid}/dismiss/"),
                         ("get", f"{API}persons/{patient.uuid}/")]:  # fmt: skip
        response = getattr(client, method)(path, {"reason": "x"}, format="json")
        assert response.status_code == 404, path
    bulk = client.post(f"{API}bulk-confirm/", {"alerts": [str(alert.uuid)]}, format="json")
    assert bulk.status_code == 404
    alert.refresh_from_db()
    assert alert.state == "new" and Notification.objects.count() == 0


@pytest.mark.django_db
def test_roles_without_review_permission_cannot_confirm(rules, staff, patient, api, make_user):
    from healthloop.people.models import StaffScope

    nurse = make_user("nurse_he", "nurse")
    StaffScope.objects.create(staff=nurse, org_unit=patient.org_unit)
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    client = api(nurse)
    assert client.get(f"{API}{alert.uuid}/").status_code == 200
    assert client.post(f"{API}{alert.uuid}/confirm/", {}, format="json").status_code == 403
    assert api(staff["admin"]).get(API).status_code == 403


@pytest.mark.django_db
def test_a_confirmation_that_fails_writes_no_notification(rules, staff, patient, monkeypatch):
    from healthloop.alerts import services

    alert = alert_for(patient, "THR_UA_HIGH", value=500)

    def broken_audit(**kwargs):  # the last step of the confirmation fails
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "record_event", broken_audit)
    with pytest.raises(RuntimeError):
        services.confirm_alert(alert=alert, actor=staff["doctor"])
    alert.refresh_from_db()
    assert (alert.state, alert.reviewed_at) == ("new", None)
    assert Notification.objects.count() == 0
    assert not AlertEvent.objects.filter(alert=alert, kind="confirmed").exists()


@pytest.mark.django_db
def test_delivery_and_reading_reach_the_alert_through_notifys_events(rules, staff, patient, api):
    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    api(staff["doctor"]).post(f"{API}{alert.uuid}/confirm/", {}, format="json")
    note = person_notes(patient).get()
    sent_at = note.created_at + dt.timedelta(milliseconds=5)
    # when notify records the send and the person reads it in the inbox
    with transaction.atomic():
        record_notification_event(note, "sent", sent_at)
    with transaction.atomic():
        drain_notification_events()
    alert.refresh_from_db()
    assert (alert.state, alert.notified_at) == ("notified", sent_at)
    mark_read(note, by_person=patient)
    with transaction.atomic():
        drain_notification_events()
        drain_notification_events()  # idempotent: the recent window is re-read harmlessly
    # then the alert shows notified, read, and how long each step took
    alert.refresh_from_db()
    assert alert.state == "read" and alert.read_at is not None
    assert alert.notify_seconds == (sent_at - alert.created_at).total_seconds()
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))
    assert kinds == ["created", "confirmed", "notified", "read"]
    updates = AuditEvent.objects.filter(action="alert.delivery_updated", person_uuid=patient.uuid)
    assert updates.count() == 2  # the send, the read; the repeated drain changed nothing


@pytest.mark.django_db
def test_the_stats_count_by_severity_and_state_with_review_and_notify_times(
    rules, staff, patient, other_patient, api
):
    from healthloop.alerts import services

    alerts = [alert_for(patient, "THR_UA_HIGH", value=500),
              alert_for(other_patient, "THR_TG_HIGH", value=3.0),
              alert_for(patient, "CRIT_K", value=6.6)]  # fmt: skip
    # given reviews that took 60 s and 120 s, and a send 300 s after the first alert
    for alert, seconds in zip(alerts[:2], (60, 120), strict=True):
        Alert.objects.filter(pk=alert.pk).update(
            created_at=alert.created_at - dt.timedelta(seconds=seconds)
        )
        services.confirm_alert(alert=alert, actor=staff["doctor"])
    first = Alert.objects.get(pk=alerts[0].pk)
    Alert.objects.filter(pk=first.pk).update(
        notified_at=first.created_at + dt.timedelta(seconds=300)
    )
    # when the dashboard asks
    body = api(staff["doctor"]).get(f"{API}stats/").json()
    # then
    assert body["total"] == 3 and body["by_state"] == {"confirmed": 2, "new": 1}
    assert body["by_severity"] == {"low": {"confirmed": 2}, "critical": {"new": 1}}
    assert body["urgent_waiting"] == 1
    review = body["time_to_review"]
    assert review["count"] == 2 and 90 <= review["median_seconds"] <= 91
    assert 114 <= review["p90_seconds"] <= 115
    assert body["time_to_notify"] == {"count": 1, "median_seconds": 300.0, "p90_seconds": 300.0}
    # an administrator sees the same counts (no person data in them); an outsider none
    assert api(staff["admin"]).get(f"{API}stats/").json()["total"] == 3
    assert api(staff["outsider"]).get(f"{API}stats/").json()["total"] == 0


@pytest.mark.django_db
def test_a_failed_send_is_shown_and_a_later_fallback_delivery_still_counts(rules, staff, patient):
    from healthloop.alerts import services, tasks

    alert = alert_for(patient, "THR_UA_HIGH", value=500)
    services.confirm_alert(alert=alert, actor=staff["doctor"])
    note = person_notes(patient).get()
    with transaction.atomic():
        record_notification_event(note, "failed", note.created_at)
    tasks.drain_notification_events_task.call_local()
    alert.refresh_from_db()
    assert (alert.state, alert.notify_failed_at, alert.notified_at) == (
        "confirmed", note.created_at, None
    )  # fmt: skip
    with transaction.atomic():
        record_notification_event(note, "delivered", note.created_at + dt.timedelta(seconds=9))
    tasks.drain_notification_events_task.call_local()
    alert.refresh_from_db()
    assert alert.state == "notified" and alert.notify_seconds is not None


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_for_three_alerts_as_for_nine(
    rules, staff, patient, other_patient, api
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from healthloop.audit.testing import own_queries

    client = api(staff["doctor"])
    staff["doctor"].permission_codes()  # read once per user object, i.e. once per request

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API).status_code == 200
        return len(own_queries(captured.captured_queries))

    for value in (500, 510, 520):
        alert_for(patient, "THR_UA_HIGH", value=value)
    few = queries()
    for value in (3.0, 3.1, 3.2, 3.3, 3.4, 3.5):
        alert_for(other_patient, "THR_TG_HIGH", value=value)
    assert client.get(API).json()["count"] == 9
    assert queries() == few
