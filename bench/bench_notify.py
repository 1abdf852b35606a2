"""Notification dispatcher throughput to the fake SMS provider (target ≥ 500 notifications/s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_notify .venv/bin/python \
        bench/bench_notify.py [--notifications 5000] [--threads 4] [--batch 500]

Enqueues N SMS notifications (Aliyun SendSms, signed requests) in the outbox, then times
``dispatch_due_notifications()``: claim with a lease, render, sign, POST to the fake provider
(a separate process speaking the Aliyun contract and verifying every signature), record the
answer, attempts and events. Checks the fake received each notification exactly once.
Baseline, measured in the same run: the same number of signed SendSms POSTs from one loop on
one keep-alive connection, with no database at all. The ratio says what the outbox costs
(or, with threads, gains) over a bare HTTP client.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request

from common import ROOT, setup_django

from healthloop.core.testing import free_port


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "_fake/stats", timeout=1).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("fake provider did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=4)  # the defaults of notify/conf.py
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    port = free_port()
    fake = subprocess.Popen(
        [sys.executable, "-m", "healthloop.notify.fakes", "--port", str(port)], cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}/"
    from healthloop.notify import fakes

    os.environ.update(
        NOTIFY_QUIET_HOURS="",
        NOTIFY_RATE_LIMITS="",
        NOTIFY_SMS_BACKEND="aliyun",
        NOTIFY_ALIYUN_ENDPOINT=url,
        NOTIFY_ALIYUN_ACCESS_KEY_ID=fakes.ALIYUN_KEY_ID,
        NOTIFY_ALIYUN_ACCESS_KEY_SECRET=fakes.ALIYUN_SECRET,
        NOTIFY_ALIYUN_SIGN_NAME="健康管理中心",
        NOTIFY_ALIYUN_TEMPLATES="alert.confirmed=SMS_1001",
        NOTIFY_SEND_THREADS=str(args.threads),
        NOTIFY_BATCH_SIZE=str(args.batch),
    )
    try:
        db_url = setup_django("bench_notify")
        _wait_for(url)
        run(args, url, db_url)
    finally:
        fake.terminate()
        fake.wait()


def run(args, url: str, db_url: str) -> None:
    from django.db import transaction
    from django.utils import timezone

    from healthloop.notify.channels.aliyun_sms import AliyunSmsAdapter
    from healthloop.notify.channels.base import OutgoingMessage
    from healthloop.notify.dispatch import dispatch_due_notifications
    from healthloop.notify.models import Notification
    from healthloop.notify.services import enqueue
    from healthloop.people.models import Person

    Notification.objects.filter(ref__startswith="bench:").delete()
    persons = list(Person.objects.filter(name__startswith="压测")[:500])
    if len(persons) < 500:
        Person.objects.bulk_create(
            Person(name=f"压测{i}", sex="male", phone=f"139{i:08d}") for i in range(500)
        )
        persons = list(Person.objects.filter(name__startswith="压测")[:500])
    run_id = dt.datetime.now().strftime("%H%M%S")
    later = timezone.now() + dt.timedelta(hours=1)
    started = time.perf_counter()
    for start in range(0, args.notifications, 500):
        with transaction.atomic():
            for i in range(start, min(start + 500, args.notifications)):
                person = persons[i % len(persons)]
                enqueue(
                    recipient_person=person,
                    template="alert.confirmed",
                    context={"person_name": person.name, "title": "血压升高"},
                    ref=f"bench:{i}",
                    idempotency_key=f"bench-{run_id}-{i}",
                    channels=["sms"],
                    send_at=later,  # held back so the on-commit nudge does not send them yet
                )
    enqueue_s = time.perf_counter() - started
    Notification.objects.filter(ref__startswith="bench:").update(next_attempt_at=timezone.now())

    started = time.perf_counter()
    dispatched = dispatch_due_notifications()
    dispatch_s = time.perf_counter() - started
    stats = json.loads(urllib.request.urlopen(url + "_fake/stats").read())  # noqa: S310
    sent = Notification.objects.filter(ref__startswith="bench:", status="sent").count()
    assert dispatched == sent == args.notifications, (dispatched, sent)
    assert stats["sms"] == args.notifications, stats["sms"]
    assert len(set(stats["sms_out_ids"])) == args.notifications
    assert stats["signature_failures"] == 0

    adapter = AliyunSmsAdapter()
    message = OutgoingMessage(
        notification_uuid="x", idempotency_key="baseline", channel="sms", address="13900000000",
        title="", body="", template="alert.confirmed",
        params={"name": "压测", "title": "血压升高"}, language="zh-hans", urgent=False,
    )  # fmt: skip
    started = time.perf_counter()
    for _ in range(args.notifications):
        assert adapter.send(message).outcome == "sent"
    baseline_s = time.perf_counter() - started

    rate = args.notifications / dispatch_s
    baseline = args.notifications / baseline_s
    print(f"database: {db_url.split('@')[-1]}")
    print(f"notifications: {args.notifications}, threads {args.threads}, batch {args.batch}")
    print(f"enqueue: {args.notifications / enqueue_s:,.0f}/s ({enqueue_s:.2f} s)")
    print(f"dispatch: {rate:,.0f} notifications/s ({dispatch_s:.2f} s)  target ≥ 500/s")
    print(f"baseline (signed SendSms POSTs, one loop, no database): {baseline:,.0f}/s")
    print(f"ratio dispatch / baseline: {rate / baseline:.2f}")


if __name__ == "__main__":
    main()
