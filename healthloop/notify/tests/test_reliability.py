"""Real processes: the dispatcher is killed -9 while it sends, the provider answers 5xx for a
while, the provider refuses some numbers for good. The fake provider counts what it accepted:
every notification reaches it exactly once, or falls back and says why."""

import signal
import threading
import time
import uuid

import pytest

from healthloop.core.testing import live_database
from healthloop.notify import fakes

SETUP = """
import datetime as dt, os
from django.db import transaction
from healthloop.people.services import PersonInput, upsert_person
from healthloop.notify.services import enqueue
for i in range(int(os.environ["N"])):
    person, _ = upsert_person(
        data=PersonInput(name=f"测试{i}", phone=f"139{i:08d}", sex="male",
                         birth_date=dt.date(1980, 1, 1)),
        actor=None, source="test")
    with transaction.atomic():
        enqueue(recipient_person=person, template="alert.confirmed",
                context={"person_name": person.name, "title": "血压升高"},
                ref=f"rel:{i}", idempotency_key=f"rel-{i}", channels=["sms", "inapp"])
"""


def _env(server, **extra):
    return {
        "NOTIFY_QUIET_HOURS": "",
        "NOTIFY_SMS_BACKEND": "aliyun",
        "NOTIFY_ALIYUN_ENDPOINT": server.url,
        "NOTIFY_ALIYUN_ACCESS_KEY_ID": fakes.ALIYUN_KEY_ID,
        "NOTIFY_ALIYUN_ACCESS_KEY_SECRET": fakes.ALIYUN_SECRET,
        "NOTIFY_ALIYUN_SIGN_NAME": "健康管理中心",
        "NOTIFY_ALIYUN_TEMPLATES": "alert.confirmed=SMS_1001",
        "NOTIFY_RATE_LIMITS": "",
        "HUEY_NAME": f"notify-test-{uuid.uuid4().hex[:8]}",  # keep nudges off the dev queue
        **extra,
    }


def _start(live, env):
    proc = live.popen("dispatch_notifications", "--loop", "--idle-seconds", "0.2", **env)
    line = proc.stdout.readline().decode()
    assert "dispatcher started" in line, line + proc.stdout.read().decode()
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc


def _wait(live, sql, expected, seconds=120):
    deadline = time.monotonic() + seconds
    while live.scalar(sql) != expected:
        assert time.monotonic() < deadline, f"{sql} = {live.scalar(sql)}, wanted {expected}"
        time.sleep(0.2)


@pytest.fixture
def fake():
    server = fakes.FakeProviderServer().start()
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_dispatcher_delivers_every_message_exactly_once(tmp_path, fake):
    # given 240 queued SMS notifications and a dispatcher sending them slowly
    n = 240
    live = live_database(tmp_path)
    env = _env(fake, NOTIFY_LEASE_SECONDS="3", NOTIFY_SEND_THREADS="4", NOTIFY_BATCH_SIZE="40")
    live.manage("shell", "-c", SETUP, N=str(n), **env)
    fake.state.config["delay_ms"] = 15
    worker = _start(live, env)
    # when it is killed -9 while the provider holds sends the database has not recorded yet
    deadline = time.monotonic() + 90
    while True:
        accepted = fake.state.stats()["sms"]
        recorded = live.scalar("SELECT count(*) FROM notify_notification WHERE status = 'sent'")
        if accepted >= 60 and accepted > recorded:
            break
        assert time.monotonic() < deadline, (accepted, recorded)
        time.sleep(0.005)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    recorded_at_kill = live.scalar("SELECT count(*) FROM notify_notification WHERE status = 'sent'")
    accepted_at_kill = fake.state.stats()["sms"]
    fake.state.config["delay_ms"] = 0
    worker = _start(live, env)
    _wait(live, "SELECT count(*) FROM notify_notification WHERE status = 'sent'", n)
    worker.terminate()
    worker.wait(timeout=30)
    # then the provider received each notification exactly once
    stats = fake.state.stats()
    assert recorded_at_kill < accepted_at_kill < n
    assert stats["sms"] == n
    assert len(set(stats["sms_out_ids"])) == n
    assert stats["signature_failures"] == 0
    # the sends the killed worker never recorded were found by OutId, not sent again
    found = live.scalar("SELECT count(*) FROM notify_deliveryattempt WHERE outcome = 'found'")
    assert found >= accepted_at_kill - recorded_at_kill
    assert live.scalar("SELECT count(*) FROM notify_notificationevent WHERE kind = 'sent'") == n


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_outage_is_retried_and_refused_numbers_fall_back_with_the_reason(tmp_path, fake):
    # given 30 notifications, a provider down for its next 25 calls, and 3 refused numbers
    n = 30
    live = live_database(tmp_path)
    env = _env(fake, NOTIFY_RETRY_BASE_SECONDS="1", NOTIFY_RETRY_MAX_SECONDS="2")
    live.manage("shell", "-c", SETUP, N=str(n), **env)
    refused = [f"139{i:08d}" for i in (3, 13, 23)]
    fake.state.config.update(fail_5xx=25, reject_phones=refused)
    # when the dispatcher runs
    worker = _start(live, env)
    _wait(live, "SELECT count(*) FROM notify_notification WHERE status = 'queued'", 0)
    worker.terminate()
    worker.wait(timeout=30)
    # then the others were delivered once each after retries, the refused ones in the inbox
    stats = fake.state.stats()
    assert stats["sms"] == n - 3
    assert len(set(stats["sms_out_ids"])) == n - 3
    assert live.scalar("SELECT count(*) FROM notify_notification WHERE status = 'sent'") == n - 3
    assert (
        live.scalar(
            "SELECT count(*) FROM notify_notification WHERE status = 'delivered' "
            "AND channel = 'inapp' AND failure_code = 'isv.MOBILE_NUMBER_ILLEGAL'"
        )
        == 3
    )
    assert (
        live.scalar(
            "SELECT count(*) FROM notify_deliveryattempt "
            "WHERE outcome = 'permanent' AND code = 'isv.MOBILE_NUMBER_ILLEGAL'"
        )
        == 3
    )
    assert live.scalar("SELECT count(*) FROM notify_deliveryattempt WHERE code = 'http_500'") >= 25
