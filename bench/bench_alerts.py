"""From an observation committed to the alert in the doctor's queue (target p99 ≤ 1 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alerts .venv/bin/python \
        bench/bench_alerts.py [--persons 500] [--samples 200] [--worker]

Creates a department with its doctor and ``--persons`` persons with a healthy exam (once),
then, ``--samples`` times, records a new result set with a critical potassium for a random
person through ``records.services.record_encounter_results`` — the path every ingestion
takes — and measures from the commit of that write to the moment its Alert exists (the
records commit nudges the screening drain, which writes the Finding and nudges the alerts
drain, which writes the Alert and tells the doctor).

- default (inline): Huey runs each nudged task at once in this process (HUEY_IMMEDIATE), so
  the figure is the work itself — screening + alerting — without queue hops (notify's
  dispatcher is left out: in production it sends the doctor's message as its own task);
- ``--worker``: a real Huey consumer (``manage.py run_huey``, Redis at ``REDIS_URL``, default
  db 4) does the work, and this process polls the database every 2 ms for the alert: the
  figure includes both queue hops and the poll interval.

The first `--warmup` samples (default 5) are not measured: a worker that just started compiles
the rules and loads the catalog on its first task.

Baseline, measured in the same run: the bare records write (validate, insert, commit) of the
same results. Ratio = commit→alert time / write time.
"""

import argparse
import os
import random
import subprocess
import sys
import time

from common import ROOT, setup_django, summary_ms


def _population(count: int):
    from django.db import transaction

    from healthloop.accounts.models import User
    from healthloop.assessment.rules.loader import load_rules
    from healthloop.assessment.tests.factories import born, record_exam
    from healthloop.people.models import OrgUnit, Person, StaffScope
    from healthloop.people.services import PersonInput, upsert_person

    load_rules(actor=None)
    unit, _ = OrgUnit.objects.get_or_create(
        code="BENCH_AL", defaults={"name": "预警压测车间", "kind": "department"}
    )
    doctor, _ = User.objects.get_or_create(
        username="bench_alert_doctor", defaults={"role": "doctor"}
    )
    StaffScope.objects.get_or_create(staff=doctor, org_unit=unit)
    have = list(Person.objects.filter(org_unit=unit).order_by("pk"))
    rng = random.Random(3)
    for index in range(len(have), count):
        with transaction.atomic():
            person, _ = upsert_person(
                data=PersonInput(name=f"压测{index:05d}", sex=rng.choice(["male", "female"]),
                                 birth_date=born(rng.randint(30, 70)), org_unit=unit),
                actor=None, source="bench",
            )  # fmt: skip
            record_exam(person)
        have.append(person)
    return have


def _write(person, index: int, marks: dict[str, float]) -> None:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from healthloop.records.services import ObservationInput, record_encounter_results

    when = timezone.now() - dt.timedelta(minutes=5) + dt.timedelta(milliseconds=index)
    with transaction.atomic():
        # registered first, so it runs first after the commit (before the nudges' work)
        transaction.on_commit(lambda: marks.__setitem__("commit", time.perf_counter()))
        record_encounter_results(
            person=person, kind="followup", occurred_at=when, actor=None,
            results=[ObservationInput(code="K", value=round(6.3 + (index % 20) / 10, 1)),
                     ObservationInput(code="SBP", value=128),
                     ObservationInput(code="DBP", value=80)],
        )  # fmt: skip


def _start_worker(redis_url: str, log_path: str):
    env = {**os.environ, "REDIS_URL": redis_url, "HUEY_IMMEDIATE": "0"}
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    time.sleep(3)  # consumer start-up
    return worker


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--worker", action="store_true", help="a real Huey consumer on Redis")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per sample")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured samples first")
    parser.add_argument("--worker-log", default="", help="file for the consumer's log")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/4"
    if args.worker:
        os.environ["REDIS_URL"] = redis_url
        os.environ["HUEY_IMMEDIATE"] = "0"
    url = setup_django("bench_alerts")
    print(
        f"database: {url.rsplit('@', 1)[-1]}; mode: {'worker (Redis)' if args.worker else 'inline'}"
    )

    from healthloop.alerts.models import Alert

    persons = _population(args.persons)
    if not args.worker:
        # Inline, the dispatcher would send the doctor's message inside the alerts drain's
        # commit hook, before this process sees the alert; in production it is its own task.
        from healthloop.core import handoff

        handoff._drains.pop("notify", None)
    worker = _start_worker(redis_url, args.worker_log) if args.worker else None
    rng = random.Random(17)
    writes, latencies, missing = [], [], 0
    try:
        for index in range(-args.warmup, args.samples):
            person = rng.choice(persons)
            before = Alert.objects.filter(person=person, rule_code="CRIT_K").count()
            marks: dict[str, float] = {}
            started = time.perf_counter()
            _write(person, index + args.warmup, marks)
            deadline = marks["commit"] + args.timeout
            while Alert.objects.filter(person=person, rule_code="CRIT_K").count() == before:
                if time.perf_counter() > deadline:
                    missing += 1
                    break
                time.sleep(0.002)
            else:
                if index >= 0:
                    latencies.append(time.perf_counter() - marks["commit"])
            if index >= 0:
                writes.append(marks["commit"] - started)
            elif missing:
                raise SystemExit("warm-up: no alert within the timeout; is the worker running?")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    lat, base = summary_ms(latencies), summary_ms(writes)
    print(f"records write (baseline): {base} ms")
    print(f"observation commit → alert exists: {lat} ms; missing after {args.timeout} s: {missing}")
    met = lat["p99"] <= 1000 and not missing
    print(f"ratio p50 {lat['p50'] / base['p50']:.1f}×, p99 {lat['p99'] / base['p99']:.1f}× the "
          f"write; target p99 ≤ 1000 ms: {'met' if met else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
