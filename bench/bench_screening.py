"""Screening engine: full-population run and incremental evaluation (docs/screening.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_screen .venv/bin/python \
        bench/bench_screening.py [--persons 50000] [--naive-sample 300] [--incremental 200]

Targets: a full run over 50,000 persons × 5 years of exams ≤ 60 s; one person's incremental
evaluation after new results p95 ≤ 50 ms. Seeds the demo population when the database has
fewer persons (the screening drain is switched off while seeding, so the full run does all the
work). Measured in the same run:

1. cold full run — every result table empty, everything written (set-based, batches);
2. warm full run — the same again: nothing changes (idempotence), nothing is written;
3. naive loop — the same engine called once per person (per-person queries), on a random
   sample whose results were deleted first; per-person time × population = the naive
   estimate, and its ratio to the cold run;
4. incremental — a new exam result recorded through ``records.services`` for a random person,
   then that person's pending evaluation drained; p50/p95/p99 of the drain.
Before 3 and 4, an untimed VACUUM ANALYZE does what autovacuum does on a maintained server
(this machine's PostgreSQL runs with autovacuum off).
"""

import argparse
import datetime as dt
import random
import time

from common import setup_django, summary_ms

AS_OF = dt.date(2025, 12, 31)  # the demo population's exams run 2021–2025


def _seed(persons: int) -> None:
    from django.core.management import call_command

    from healthloop.core import handoff
    from healthloop.people.models import Person
    from healthloop.records.models import PendingAssessment

    have = Person.objects.count()
    if have < persons:
        drain = handoff._drains.pop("assessment", None)  # seed only; screen below
        started = time.perf_counter()
        call_command("seed_demo", persons=persons - have, seed=2026, append=have > 0,
                     chunk_size=2000)  # fmt: skip
        print(f"seeded {persons - have} persons in {time.perf_counter() - started:.0f} s")
        if drain is not None:
            handoff.register_drain("assessment", drain)
    PendingAssessment.objects.all().delete()


def _clear_results(person_ids: list[int] | None = None) -> None:
    from healthloop.assessment.models import (
        Assessment,
        Finding,
        RegisterEntry,
        RegisterEvent,
        RiskLevel,
    )

    for model in (RegisterEvent, RegisterEntry, RiskLevel, Finding, Assessment):
        query = model.objects.all()
        if person_ids is not None:
            field = "entry__person_id__in" if model is RegisterEvent else "person_id__in"
            query = query.filter(**{field: person_ids})
        query.delete()


def _vacuum() -> None:
    """What autovacuum does on a maintained server (it is off on this machine's PostgreSQL):
    clear the dead row versions the runs left (every sealed audit event, every retired
    assessment) and refresh statistics, so that the incremental samples measure the engine
    rather than a table never vacuumed. Untimed."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _row_counts() -> dict[str, int]:
    from healthloop.assessment.models import Assessment, Finding, RegisterEntry, RiskLevel

    return {m.__name__: m.objects.count() for m in (Assessment, Finding, RegisterEntry, RiskLevel)}


def _full_run(label: str, workers: int) -> float:
    from healthloop.assessment.engine.run import screen_population

    started = time.perf_counter()
    counts = screen_population(batch_size=2000, as_of=AS_OF, workers=workers)
    elapsed = time.perf_counter() - started
    written = {k: v for k, v in sorted(counts.items()) if v and k != "persons"}
    print(f"{label}, {workers} worker(s): {counts['persons']} persons in {elapsed:.1f} s "
          f"({elapsed / max(counts['persons'], 1) * 1000:.2f} ms/person); {written}")  # fmt: skip
    return elapsed


def _naive(sample: list[int], population: int, cold_s: float) -> None:
    from healthloop.assessment.engine.run import screen_persons

    _clear_results(sample)
    started = time.perf_counter()
    for person_id in sample:
        screen_persons([person_id], as_of=AS_OF)
    per_person = (time.perf_counter() - started) / len(sample)
    estimate = per_person * population
    print(
        f"naive per-person loop: {per_person * 1000:.1f} ms/person on {len(sample)} persons "
        f"→ {estimate:.0f} s for {population}; set-based is {estimate / cold_s:.1f}× faster"
    )


def _incremental(person_ids: list[int], requests: int) -> None:
    from django.db import transaction

    from healthloop.assessment.engine.run import drain_pending_assessments
    from healthloop.core import handoff
    from healthloop.people.models import Person
    from healthloop.records.services import ObservationInput, record_encounter_results

    drain = handoff._drains.pop("assessment")  # time the drain itself, not the nudge
    rng = random.Random(11)
    samples = []
    for index in range(requests):
        person = Person.objects.get(pk=rng.choice(person_ids))
        with transaction.atomic():
            record_encounter_results(
                person=person, kind="followup", actor=None,
                occurred_at=dt.datetime(2025, 12, 20, 9, tzinfo=dt.UTC) + dt.timedelta(
                    minutes=index),
                results=[ObservationInput(code="SBP", value=rng.randint(110, 190)),
                         ObservationInput(code="K", value=round(rng.uniform(3.0, 6.5), 1))],
            )  # fmt: skip
        started = time.perf_counter()
        drain()
        samples.append(time.perf_counter() - started)
    handoff.register_drain("assessment", drain)
    print(f"incremental (one person, new SBP and K, drained): {summary_ms(samples)} ms")
    del drain_pending_assessments


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--naive-sample", type=int, default=300)
    parser.add_argument("--incremental", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None, help="default: cores, up to 4")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    url = setup_django("bench_screen")
    print(f"database: {url.rsplit('@', 1)[-1]}")
    _seed(args.persons)
    if args.seed_only:
        return

    from healthloop.assessment.engine.run import default_workers
    from healthloop.assessment.rules.loader import load_rules
    from healthloop.core import handoff

    # The engine alone: the drains it nudges above it (alerts, follow-up plans, and notify
    # behind them) run inline under HUEY_IMMEDIATE; bench_alerts.py times that chain.
    # The audit sealer (``audit.seal``) is nudged the same way and runs on the worker in
    # production, after the drain's commit, not inside it; the chain is sealed after timing.
    for name in ("alerts", "followup.registers", "notify", "notify.events", "audit_seal"):
        handoff._drains.pop(name, None)
    from healthloop.people.models import Person
    from healthloop.records.models import Observation

    load_rules(actor=None)
    ids = list(Person.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    print(f"{len(ids)} persons, {Observation.objects.count()} observations")
    workers = args.workers or default_workers()
    _clear_results()
    cold = _full_run("cold full run", workers)
    counts = _row_counts()
    _full_run("warm full run (idempotent)", workers)
    assert _row_counts() == counts, "a second run must not write new rows"
    _vacuum()
    rng = random.Random(5)
    _naive(rng.sample(ids, args.naive_sample), len(ids), cold)
    _incremental(ids, args.incremental)
    from healthloop.audit.seal import seal_pending

    print(f"audit events sealed after timing: {seal_pending()}")


if __name__ == "__main__":
    main()
