"""The dispatcher against a local fake that speaks the providers' contracts."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from healthloop.notify import fakes
from healthloop.notify.channels.aliyun_sms import signature
from healthloop.notify.dispatch import dispatch_batch, dispatch_due_notifications
from healthloop.notify.models import (
    DeliveryAttempt,
    Notification,
    NotificationEvent,
    NotificationPreference,
    ProviderToken,
)
from healthloop.notify.receipts import poll_delivery_receipts
from healthloop.notify.services import enqueue

pytestmark = pytest.mark.django_db
PHONE = "13800138000"


@pytest.fixture
def fake(settings):
    server = fakes.FakeProviderServer().start()
    settings.NOTIFY_QUIET_HOURS = ""
    settings.NOTIFY_SMS_BACKEND = "aliyun"
    settings.NOTIFY_ALIYUN_ENDPOINT = server.url
    settings.NOTIFY_ALIYUN_ACCESS_KEY_ID = fakes.ALIYUN_KEY_ID
    settings.NOTIFY_ALIYUN_ACCESS_KEY_SECRET = fakes.ALIYUN_SECRET
    settings.NOTIFY_ALIYUN_SIGN_NAME = "健康管理中心"
    settings.NOTIFY_ALIYUN_TEMPLATES = "alert.confirmed=SMS_1001,followup.due=SMS_1002"
    settings.NOTIFY_WECHAT_BACKEND = "wechat"
    settings.NOTIFY_WECHAT_ENDPOINT = server.url
    settings.NOTIFY_WECHAT_APPID = fakes.WECHAT_APPID
    settings.NOTIFY_WECHAT_SECRET = fakes.WECHAT_SECRET
    settings.NOTIFY_WECHAT_TEMPLATES = "alert.confirmed=TPL-ALERT"
    settings.NOTIFY_WECOM_BACKEND = "wecom"
    settings.NOTIFY_WECOM_ENDPOINT = server.url
    settings.NOTIFY_WECOM_CORPID = fakes.WECOM_CORPID
    settings.NOTIFY_WECOM_CORPSECRET = fakes.WECOM_SECRET
    settings.NOTIFY_WECOM_AGENTID = "1000002"
    yield server
    server.stop()


def _alert(person, n=1, **extra):
    with transaction.atomic():
        return enqueue(
            recipient_person=person,
            template="alert.confirmed",
            context={"person_name": person.name, "title": "血压升高", "advice": "低盐饮食"},
            ref=f"alerts.alert:{n}",
            idempotency_key=f"alert:{n}",
            **extra,
        )


def _make_due(n: Notification) -> None:
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=timezone.now())


def test_aliyun_signature_matches_the_published_example():
    # the worked example of Aliyun's SMS signature documentation (GET, testId / testSecret)
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert signature(params, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_console_default_delivers_the_inbox_message_and_writes_events(make_person, settings):
    settings.NOTIFY_QUIET_HOURS = ""
    n = _alert(make_person("张三"))
    assert dispatch_due_notifications() == 1
    n.refresh_from_db()
    assert (n.status, n.channel, n.attempts) == ("delivered", "inapp", 1)
    assert n.sent_at and n.delivered_at and not n.lease_token and not n.outcome_unknown
    kinds = list(NotificationEvent.objects.filter(ref="alerts.alert:1").values_list("kind"))
    assert kinds == [("sent",), ("delivered",)]


def test_sms_through_aliyun_is_signed_recorded_and_receipted(make_person, fake):
    person = make_person("张三", phone=PHONE)
    person.preferred_channel = "sms"
    person.save(update_fields=["preferred_channel"])
    n = _alert(person)
    assert n.channels == ["sms", "inapp"]
    # when dispatched
    dispatch_batch()
    # then the fake accepted one correctly signed SendSms carrying our key as OutId
    stats = fake.state.stats()
    assert (stats["sms"], stats["signature_failures"]) == (1, 0)
    sms = fake.state.sms[0]
    assert sms["PhoneNumbers"] == PHONE and sms["TemplateCode"] == "SMS_1001"
    assert sms["TemplateParam"] == '{"name": "张三", "title": "血压升高"}'
    n.refresh_from_db()
    assert (
        n.status == "sent"
        and n.provider_id == sms["BizId"]
        and sms["OutId"] == f"{n.uuid.hex}-sms-0"
    )
    assert '"Code": "OK"' in n.provider_answer
    # and the receipt poll (QuerySendDetails) marks it delivered
    assert poll_delivery_receipts() == 1
    n.refresh_from_db()
    assert n.status == "delivered" and n.delivered_at is not None
    kinds = [e.kind for e in NotificationEvent.objects.filter(notification=n)]
    assert kinds == ["sent", "delivered"]


def test_provider_5xx_is_retried_with_backoff_then_delivered_once(make_person, fake, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 30
    person = make_person("张三", phone=PHONE)
    n = _alert(person, channels=["sms"])
    fake.state.config["fail_5xx"] = 2
    before = timezone.now()
    dispatch_batch()
    n.refresh_from_db()
    assert (n.status, n.attempts, n.failure_code) == ("queued", 1, "http_500")
    assert n.next_attempt_at >= before + dt.timedelta(seconds=30)
    assert dispatch_batch() == 0  # not due yet
    _make_due(n)
    dispatch_batch()
    n.refresh_from_db()
    assert n.attempts == 2
    assert n.next_attempt_at >= timezone.now() + dt.timedelta(seconds=59)  # doubled
    _make_due(n)
    dispatch_batch()
    n.refresh_from_db()
    assert n.status == "sent" and fake.state.stats()["sms"] == 1
    assert [a.outcome for a in DeliveryAttempt.objects.filter(notification=n).order_by("id")] == [
        "retry",
        "retry",
        "sent",
    ]


def test_accepted_then_5xx_is_looked_up_not_sent_twice(make_person, fake):
    person = make_person("张三", phone=PHONE)
    n = _alert(person, channels=["sms"])
    fake.state.config["accept_then_5xx"] = 1
    dispatch_batch()
    n.refresh_from_db()
    assert n.status == "queued" and n.outcome_unknown
    _make_due(n)
    dispatch_batch()
    n.refresh_from_db()
    # QuerySendDetails found our OutId: recorded as sent, nothing sent again
    assert n.status == "sent" and fake.state.stats()["sms"] == 1
    assert DeliveryAttempt.objects.filter(notification=n, outcome="found").count() == 1


def test_permanent_rejection_falls_back_then_fails_with_the_reason(make_person, fake):
    person = make_person("张三", phone=PHONE)
    fake.state.config["reject_phones"] = [PHONE]
    fallback = _alert(person, channels=["sms", "inapp"])
    alone = _alert(person, n=2, channels=["sms"])
    dispatch_due_notifications()
    fallback.refresh_from_db()
    alone.refresh_from_db()
    assert (fallback.status, fallback.channel) == ("delivered", "inapp")
    assert fallback.failure_code == "isv.MOBILE_NUMBER_ILLEGAL" and fake.state.stats()["sms"] == 0
    attempt = DeliveryAttempt.objects.get(notification=fallback, channel="sms")
    assert (attempt.outcome, attempt.code) == ("permanent", "isv.MOBILE_NUMBER_ILLEGAL")
    assert (alone.status, alone.failure_code) == ("failed", "isv.MOBILE_NUMBER_ILLEGAL")
    assert alone.failed_reason.startswith("sms: isv.MOBILE_NUMBER_ILLEGAL")
    assert NotificationEvent.objects.filter(notification=alone, kind="failed").count() == 1


def test_wechat_token_is_cached_refreshed_on_42001_and_unsubscribed_falls_back(make_person, fake):
    a = make_person("张三", phone=PHONE)
    b = make_person("李四", phone="13900139000")
    for person, openid in ((a, "openid-a"), (b, "openid-b")):
        person.wechat_openid, person.preferred_channel = openid, "wechat"
        person.save(update_fields=["wechat_openid", "preferred_channel"])
    fake.state.config["unsubscribed"] = ["openid-b"]
    first = _alert(a, n=1)
    dispatch_batch()
    first.refresh_from_db()
    assert first.status == "sent" and fake.state.token_fetches == 1
    assert fake.state.wechat[0]["data"] == {
        "name": {"value": "张三"},
        "title": {"value": "血压升高"},
    }
    assert ProviderToken.objects.get().value.startswith("tok-")
    # when the token expires at the provider, the next send refreshes it and goes through
    fakes_expire = fake.state.tokens
    for token in fakes_expire:
        fakes_expire[token] = "expired"
    second = _alert(a, n=2)
    blocked = _alert(b, n=3)
    dispatch_due_notifications()
    second.refresh_from_db()
    blocked.refresh_from_db()
    assert second.status == "sent" and fake.state.token_fetches == 2
    assert fake.state.stats()["wechat_touser"] == ["openid-a", "openid-a"]
    # the unsubscribed person got the SMS instead
    assert (blocked.status, blocked.channel) == ("sent", "sms")
    assert DeliveryAttempt.objects.get(notification=blocked, channel="wechat").code == "43004"


def test_wecom_to_staff_and_unknown_user_falls_back(make_user, fake):
    known = make_user("dr_li", "doctor")
    unknown = make_user("dr_x", "doctor")
    NotificationPreference.objects.create(user=known, wecom_userid="LiLei")
    NotificationPreference.objects.create(user=unknown, wecom_userid="Ghost")
    fake.state.config["wecom_users"] = ["LiLei"]
    rows = []
    with transaction.atomic():
        for i, user in enumerate((known, unknown)):
            rows.append(
                enqueue(
                    recipient_user=user,
                    template="alert.raised",
                    context={"person_name": "王五", "title": "血钾 6.8"},
                    ref=f"alerts.alert:{i}",
                    idempotency_key=f"raised:{i}",
                    channels=["wecom", "inapp"],
                    urgent=True,
                )
            )
    dispatch_due_notifications()
    for row in rows:
        row.refresh_from_db()
    assert (rows[0].status, rows[0].channel) == ("sent", "wecom")
    assert fake.state.wecom[0]["text"]["content"].startswith("【危急值】王五：血钾 6.8")
    assert fake.state.wecom[0]["agentid"] == 1000002
    assert (rows[1].status, rows[1].channel) == ("delivered", "inapp")
    assert DeliveryAttempt.objects.get(notification=rows[1], channel="wecom").code == "81013"


def test_rate_limit_defers_what_exceeds_the_channel_budget(make_person, fake, settings):
    settings.NOTIFY_RATE_LIMITS = "sms=2"
    people = [make_person(f"人{i}", phone=f"1380013800{i}") for i in range(5)]
    rows = [_alert(p, n=i, channels=["sms"]) for i, p in enumerate(people)]
    dispatch_due_notifications()
    statuses = sorted(
        Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)
    )
    assert statuses == ["queued", "queued", "queued", "sent", "sent"]
    assert fake.state.stats()["sms"] == 2
    deferred = Notification.objects.filter(status="queued").first()
    assert deferred.attempts == 0 and deferred.next_attempt_at > timezone.now()


def test_scheduled_send_waits_for_its_time(make_person, settings):
    settings.NOTIFY_QUIET_HOURS = ""
    later = timezone.now() + dt.timedelta(hours=2)
    n = _alert(make_person("张三"), send_at=later)
    assert dispatch_due_notifications() == 0
    Notification.objects.filter(pk=n.pk).update(next_attempt_at=timezone.now())
    assert dispatch_due_notifications() == 1
