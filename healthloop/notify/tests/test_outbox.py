"""The outbox contract upper layers build on: enqueue, notifications_for_ref, mark_read."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from healthloop.audit.models import AuditEvent
from healthloop.core.errors import NotFound, ServiceError
from healthloop.notify.models import MessageTemplate, Notification, NotificationPreference
from healthloop.notify.selectors import events_after, notifications_for_ref, person_inbox
from healthloop.notify.services import enqueue, mark_read

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC) + dt.timedelta(hours=-8)  # 12:00 Shanghai


def _enqueue(person, **extra):
    args = {
        "recipient_person": person,
        "template": "alert.confirmed",
        "context": {"person_name": person.name, "title": "空腹血糖升高", "advice": "请复查。"},
        "ref": "alerts.alert:1",
        "idempotency_key": "alert:1:person",
        "send_at": NOON,
    }
    args.update(extra)
    with transaction.atomic():
        return enqueue(**args)


def test_enqueue_writes_one_queued_row_with_rendered_text_and_plan(make_person):
    # given a person who prefers the in-app inbox (the default)
    person = make_person("张三", phone="13800138000")
    # when an upper layer enqueues a confirmed alert
    n = _enqueue(person)
    # then one queued row holds the rendered zh-CN text and the fallback plan
    assert Notification.objects.count() == 1
    assert n.status == Notification.Status.QUEUED
    assert n.title == "健康提醒：空腹血糖升高"
    assert n.body == "张三您好：您的检查结果提示「空腹血糖升高」。请复查。"
    assert n.channels == ["inapp", "sms"]  # in-app first; SMS because a phone is known
    assert n.channel == "inapp"
    assert n.next_attempt_at == NOON
    assert AuditEvent.objects.filter(action="notification.queued", person_uuid=person.uuid).count()


def test_same_idempotency_key_returns_the_first_notification(make_person):
    person = make_person("张三")
    first = _enqueue(person)
    # when the same key is enqueued again (a retried upper-layer transaction)
    again = _enqueue(person, context={"title": "另一条"})
    # then nothing new is written
    assert again.pk == first.pk
    assert Notification.objects.count() == 1


def test_explicit_channels_and_staff_recipient(make_user):
    doctor = make_user("dr_li", "doctor", email="li@example.org")
    with transaction.atomic():
        n = enqueue(
            recipient_user=doctor,
            template="alert.raised",
            context={"person_name": "王五", "title": "血钾 6.8 mmol/L"},
            ref="alerts.alert:9",
            idempotency_key="alert:9:doctor",
            channels=["wecom", "sms", "inapp"],
            urgent=True,
        )
    assert n.channels == ["wecom", "sms", "inapp"]
    assert n.title == "【危急值】王五：血钾 6.8 mmol/L"


def test_staff_default_plan_uses_addresses_they_have(make_user):
    doctor = make_user("dr_wang", "doctor", email="wang@example.org")
    NotificationPreference.objects.create(user=doctor, wecom_userid="WangYi")
    with transaction.atomic():
        n = enqueue(
            recipient_user=doctor,
            template="followup.reminder",
            context={"person_name": "赵六", "due_date": "2026-03-05", "method": "电话"},
            ref="followup.task:3",
            idempotency_key="task:3:remind",
        )
    assert n.channels == ["inapp", "wecom", "email"]


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"template": "no.such"}, "unknown_template", "template"),
        ({"context": {"person_name": "张三"}}, "missing_variable", "context.title"),
        ({"context": {"title": dt.date(2026, 1, 1)}}, "invalid_context", "context"),
        ({"channels": ["pigeon"]}, "unknown_channel", "channels"),
        ({"recipient_person": None}, "recipient_required", "recipient"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(make_person, extra, code, field):
    person = make_person("张三")
    with pytest.raises(ServiceError) as err:
        _enqueue(person, **extra)
    assert (err.value.code, err.value.field) == (code, field)
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(make_person):
    # given autocommit (no caller transaction)
    person = make_person("张三")
    # when enqueue is called bare, then it is refused and nothing is written
    with pytest.raises(ServiceError) as err:
        enqueue(
            recipient_person=person,
            template="message",
            context={"body": "x"},
            ref="r",
            idempotency_key="k",
        )
    assert err.value.code == "not_in_transaction"
    assert Notification.objects.count() == 0


def test_quiet_hours_move_the_first_attempt_but_urgent_staff_messages_bypass(
    make_person, make_user
):
    person = make_person("张三")
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=timezone.get_current_timezone())
    n = _enqueue(person, send_at=late)
    assert timezone.localtime(n.next_attempt_at) == dt.datetime(
        2026, 3, 3, 8, 0, tzinfo=timezone.get_current_timezone()
    )
    doctor = make_user("dr_li", "doctor")
    with transaction.atomic():
        urgent = enqueue(
            recipient_user=doctor,
            template="alert.raised",
            context={"title": "血钾 6.8"},
            ref="alerts.alert:2",
            idempotency_key="alert:2:doctor",
            send_at=late,
            urgent=True,
        )
    assert urgent.next_attempt_at == late


def test_personal_quiet_hours_and_english(make_person):
    person = make_person("Li Lei")
    NotificationPreference.objects.create(
        person=person, language="en", quiet_start=dt.time(12, 0), quiet_end=dt.time(14, 0)
    )
    n = _enqueue(person, context={"person_name": "Li Lei", "title": "High glucose"})
    assert n.title == "Health notice: High glucose"
    assert timezone.localtime(n.next_attempt_at).time() == dt.time(14, 0)


def test_administrator_override_of_a_template_text(make_person):
    MessageTemplate.objects.create(
        code="alert.confirmed", language="zh-hans", title="提示：{title}", body="{title}，请复查"
    )
    n = _enqueue(make_person("张三"))
    assert (n.title, n.body) == ("提示：空腹血糖升高", "空腹血糖升高，请复查")


def test_notifications_for_ref_returns_only_that_cause(make_person):
    person = make_person("张三")
    a = _enqueue(person)
    _enqueue(person, ref="alerts.alert:2", idempotency_key="alert:2:person")
    rows = list(notifications_for_ref("alerts.alert:1"))
    assert [r.pk for r in rows] == [a.pk]
    assert rows[0].read_at is None and rows[0].sent_at is None


def test_mark_read_records_one_read_event_and_refuses_other_persons(make_person):
    person = make_person("张三")
    other = make_person("李四")
    n = _enqueue(person)
    # when someone else tries to read it
    with pytest.raises(NotFound):
        mark_read(n, by_person=other)
    # when the recipient reads it twice
    first = mark_read(n, by_person=person)
    second = mark_read(n, by_person=person)
    # then read_at is the first time and exactly one "read" event exists for the ref
    assert first.read_at is not None and second.read_at == first.read_at
    events = list(events_after(0))
    assert [(e.kind, e.ref, e.notification_id) for e in events] == [
        ("read", "alerts.alert:1", n.pk)
    ]
    assert list(events_after(events[0].id)) == []
    assert [x.pk for x in person_inbox(person)] == [n.pk]
    assert list(person_inbox(other)) == []
