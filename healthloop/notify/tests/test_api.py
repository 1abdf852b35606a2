"""The notify API: staff inbox, delivery statistics and list, resend, preferences."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from healthloop.notify.dispatch import dispatch_due_notifications
from healthloop.notify.models import Notification, NotificationEvent
from healthloop.notify.services import enqueue
from healthloop.people.models import PersonAssignment

pytestmark = pytest.mark.django_db


def _to_staff(user, key, template="alert.raised"):
    with transaction.atomic():
        return enqueue(
            recipient_user=user,
            template=template,
            context={"person_name": "王五", "title": "血钾 6.8", "body": "x"},
            ref=f"alerts.alert:{key}",
            idempotency_key=key,
            channels=["inapp"],
            urgent=True,
        )


def test_staff_inbox_lists_own_messages_and_marks_read(api, make_user, settings):
    settings.NOTIFY_QUIET_HOURS = ""
    doctor = make_user("dr_li", "doctor")
    other = make_user("dr_wang", "doctor")
    mine = _to_staff(doctor, "a")
    theirs = _to_staff(other, "b")
    dispatch_due_notifications()
    client = api(doctor)
    # when the doctor opens the inbox
    page = client.get("/api/v1/notify/inbox/").json()
    # then only their message is there, unread
    assert [r["uuid"] for r in page["results"]] == [str(mine.uuid)]
    assert page["unread_count"] == 1
    assert page["results"][0]["title"] == "【危急值】王五：血钾 6.8"
    # reading someone else's is "not found"; reading one's own records a read event
    assert client.post(f"/api/v1/notify/inbox/{theirs.uuid}/read/").status_code == 404
    answer = client.post(f"/api/v1/notify/inbox/{mine.uuid}/read/")
    assert answer.status_code == 200 and answer.json()["read_at"]
    assert client.get("/api/v1/notify/inbox/?unread=1").json()["count"] == 0
    assert NotificationEvent.objects.filter(ref="alerts.alert:a", kind="read").count() == 1


def test_delivery_stats_count_by_day_channel_status(api, make_user, make_person, settings):
    settings.NOTIFY_QUIET_HOURS = ""
    head = make_user("head", "dept_head")
    doctor = make_user("dr_li", "doctor")
    for i in range(3):
        _to_staff(doctor, f"k{i}")
    dispatch_due_notifications()
    Notification.objects.filter(idempotency_key="k2").update(status="failed")
    today = timezone.localdate().isoformat()
    answer = api(head).get(f"/api/v1/notify/deliveries/stats/?since={today}&until={today}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["channels"] == [
        {"channel": "inapp", "counts": {"delivered": 2, "failed": 1}, "success_rate": 0.6667}
    ]
    assert body["days"] == [
        {"day": today, "channel": "inapp", "status": "delivered", "count": 2},
        {"day": today, "channel": "inapp", "status": "failed", "count": 1},
    ]
    bad = api(head).get("/api/v1/notify/deliveries/stats/?since=2026-01-01&until=2025-01-01")
    assert bad.status_code == 400 and bad.json()["field"] == "until"
    assert (
        api(doctor).get(f"/api/v1/notify/deliveries/stats/?since={today}&until={today}").status_code
        == 403
    )


def test_resend_failed_requeues_from_the_first_channel_in_scope(
    api, make_user, make_person, org, settings
):
    settings.NOTIFY_QUIET_HOURS = ""
    manager = make_user("hm", "health_manager")
    near = make_person("张三", org_unit=org["dept_a"])
    far = make_person("李四", org_unit=org["dept_b"])
    PersonAssignment.objects.create(person=near, staff=manager)
    rows = []
    for i, person in enumerate((near, far)):
        with transaction.atomic():
            rows.append(
                enqueue(
                    recipient_person=person,
                    template="message",
                    context={"body": "请按时复查"},
                    ref=f"r{i}",
                    idempotency_key=f"k{i}",
                    channels=["sms", "inapp"],
                )
            )
    Notification.objects.update(
        status="failed",
        channel_index=1,
        channel="inapp",
        failure_code="x",
        failed_at=timezone.now(),
    )
    client = api(manager)
    listed = client.get("/api/v1/notify/deliveries/?status=failed").json()
    assert [r["uuid"] for r in listed["results"]] == [str(rows[0].uuid)]  # only in scope
    answer = client.post("/api/v1/notify/deliveries/resend/", {"all_failed": True}, format="json")
    assert answer.json() == {"queued": 1}
    near_row = Notification.objects.get(pk=rows[0].pk)
    assert (near_row.status, near_row.channel, near_row.resend_count) == ("queued", "sms", 1)
    assert Notification.objects.get(pk=rows[1].pk).status == "failed"
    empty = client.post("/api/v1/notify/deliveries/resend/", {}, format="json")
    assert empty.status_code == 400 and empty.json()["field"] == "uuids"


def test_person_preference_sets_channels_quiet_hours_and_language(api, make_user, make_person, org):
    nurse = make_user("nurse", "nurse")
    person = make_person("张三", org_unit=org["dept_a"], phone="13800138000")
    PersonAssignment.objects.create(person=person, staff=nurse)
    url = f"/api/v1/notify/preferences/persons/{person.uuid}/"
    answer = api(nurse).put(
        url,
        {
            "channels": ["sms", "inapp"],
            "quiet_start": "21:00",
            "quiet_end": "09:00",
            "language": "en",
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["channels"] == ["sms", "inapp"]
    late = dt.datetime(2026, 3, 2, 21, 30, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        n = enqueue(
            recipient_person=person,
            template="alert.confirmed",
            context={"title": "High BP"},
            ref="r",
            idempotency_key="k",
            send_at=late,
        )
    assert n.channels == ["sms", "inapp"] and n.title == "Health notice: High BP"
    assert timezone.localtime(n.next_attempt_at).time() == dt.time(9, 0)
    bad = api(nurse).put(url, {"channels": ["pigeon"]}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "channels"
    half = api(nurse).put(url, {"quiet_start": "21:00"}, format="json")
    assert half.status_code == 400 and half.json()["code"] == "invalid_preference"
    stranger = make_person("李四", org_unit=org["dept_b"])
    assert api(nurse).get(f"/api/v1/notify/preferences/persons/{stranger.uuid}/").status_code == 404


def test_staff_set_their_own_addresses(api, make_user):
    doctor = make_user("dr_li", "doctor")
    answer = api(doctor).put(
        "/api/v1/notify/preferences/me/",
        {"wecom_userid": "LiLei", "phone": "13700137000"},
        format="json",
    )
    assert answer.status_code == 200
    assert answer.json()["wecom_userid"] == "LiLei"
    assert answer.json()["phone_masked"] == "137****7000" and "phone" not in answer.json()
    employee = make_user("emp", "employee")
    assert api(employee).get("/api/v1/notify/inbox/").status_code == 403
