"""Entry points of the engine: a batch of persons, the whole population, the hand-off drain.

The incremental path and the full run are the same code: ``screen_scope`` over a list of
person ids (the drain) or over consecutive pk ranges (the full run).
"""

import datetime as dt
import gc
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from django.db import connection, connections, transaction

from healthloop.assessment.engine.config import engine_config
from healthloop.assessment.engine.evaluate import Outcome, evaluate_person
from healthloop.assessment.engine.facts import Scope, fetch_facts
from healthloop.assessment.engine.modelrun import Known
from healthloop.assessment.engine.persist import write_outcomes
from healthloop.assessment.models import (
    Assessment,
    Finding,
    RegisterEntry,
    RegisterEvent,
    RiskLevel,
)
from healthloop.assessment.rules.active import RuleSet, published_ruleset
from healthloop.assessment.rules.ruleset import CompiledRule
from healthloop.core.clock import today
from healthloop.core.db import refresh_statistics, supports_skip_locked
from healthloop.people.models import Person
from healthloop.records.catalog import get_catalog
from healthloop.records.models import PendingAssessment

log = logging.getLogger(__name__)
Progress = Callable[[int, int, Counter[str]], None]


UNIT_DISPLAY = {
    "mm[Hg]": "mmHg", "10*9/L": "×10⁹/L", "10*12/L": "×10¹²/L", "umol/L": "µmol/L",
    "kg/m2": "kg/m²", "mL/min/{1.73_m2}": "mL/min/1.73 m²", "u[IU]/mL": "µIU/mL",
    "m[IU]/L": "mIU/L", "[IU]/mL": "IU/mL", "m[IU]/mL": "mIU/mL", "/min": "次/分", "1": "",
}  # fmt: skip


def display_unit(unit: str) -> str:
    """UCUM as stored → as printed on a Chinese report."""
    return UNIT_DISPLAY.get(unit, unit)


def item_labels() -> dict[str, tuple[str, str]]:
    return {
        item.code: (item.name_zh, display_unit(item.unit)) for item in get_catalog().by_id.values()
    }


def _lock_persons(scope: Scope) -> None:
    """Serialise evaluations of the same persons (two drains, a drain and a full run).
    FOR NO KEY UPDATE on PostgreSQL, so that ingestion inserting rows that reference these
    persons is not blocked."""
    if not connection.features.has_select_for_update:
        return  # SQLite: IMMEDIATE transactions already serialise writers
    no_key = bool(connection.features.has_select_for_no_key_update)
    query = Person.objects.filter(scope.q("pk")).order_by("pk").select_for_update(no_key=no_key)
    list(query.values_list("pk", flat=True))


def stored_results(scope: Scope) -> dict[int, Known]:
    """The current assessments of the persons in scope: person id → model → (input hash,
    status, result). A second run reuses them instead of calling unchanged calculators."""
    rows = Assessment.objects.filter(scope.q(), is_current=True).values_list(
        "person_id", "model", "input_hash", "status", "result"
    )
    known: dict[int, Known] = {}
    for pid, model, input_hash, status, result in rows:
        known.setdefault(pid, {})[model] = (input_hash, status, result)
    return known


def evaluate_scope(
    scope: Scope,
    ruleset: RuleSet,
    as_of: dt.date,
    shadow: CompiledRule | None = None,
    known: dict[int, Known] | None = None,
) -> list[Outcome]:
    """Fetch and evaluate, without writing (also what a dry run uses)."""
    config = engine_config()
    facts = fetch_facts(
        scope, ruleset.needs, as_of,
        window_days=config.window_days, history_years=config.history_years,
    )  # fmt: skip
    labels = item_labels()
    # Evaluation allocates many small objects while the batch's facts stay alive: the cyclic
    # collector would re-scan them again and again (a fifth of the time). Nothing here makes
    # reference cycles that outlive the batch, so it is paused for the loop.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [
            evaluate_person(f, ruleset, as_of=as_of, labels=labels, config=config,
                            shadow=shadow, known=known.get(f.id) if known else None)
            for f in facts
        ]  # fmt: skip
    finally:
        if collecting:
            gc.enable()


def screen_scope(scope: Scope, *, as_of: dt.date | None = None) -> Counter[str]:
    """Evaluate and store the published rules for the persons in ``scope``, in one
    transaction. Idempotent: a second run writes nothing new."""
    ruleset = published_ruleset()
    # No savepoint of its own: a caller inside a transaction (the drain) already holds one
    with transaction.atomic(savepoint=False):
        _lock_persons(scope)
        known = stored_results(scope)
        outcomes = evaluate_scope(scope, ruleset, as_of or today(), known=known)
        return write_outcomes(outcomes, scope, ruleset, current=known)


def screen_persons(person_ids: list[int], *, as_of: dt.date | None = None) -> Counter[str]:
    return screen_scope(Scope(ids=tuple(sorted(set(person_ids)))), as_of=as_of)


def population_batches(batch_size: int) -> list[Scope]:
    """Consecutive pk ranges of about ``batch_size`` live persons each."""
    ids = list(
        Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    bounds = ids[::batch_size]
    return [
        Scope(lo=lo, hi=bounds[i + 1] if i + 1 < len(bounds) else None)
        for i, lo in enumerate(bounds)
    ]


def _screen_batch(args: tuple[int | None, int | None, dt.date]) -> Counter[str]:
    lo, hi, as_of = args
    return screen_scope(Scope(lo=lo, hi=hi), as_of=as_of)


def default_workers() -> int:
    """Parallel batches for the full run: the database does its share of the work, so one
    worker per core up to 4; SQLite has a single writer, so 1 there."""
    if connection.vendor == "sqlite":
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def screen_population(
    *,
    batch_size: int = 2000,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> Counter[str]:
    """Every live person, batch by batch (one transaction per batch), set-based. With
    ``workers`` > 1 the batches run in that many forked processes, each with its own
    database connection (batches hold disjoint persons, so they never conflict)."""
    as_of = as_of or today()
    batches = [(scope.lo, scope.hi, as_of) for scope in population_batches(batch_size)]
    total = Person.objects.filter(merged_into__isnull=True).count()
    counts: Counter[str] = Counter()
    if workers <= 1 or len(batches) <= 1 or connection.vendor == "sqlite":
        results: Iterator[Counter[str]] = map(_screen_batch, batches)
        for batch_counts in results:
            counts.update(batch_counts)
            if progress is not None:
                progress(counts["persons"], total, counts)
        _refresh_statistics()
        return counts
    published_ruleset()  # load and compile once, before forking
    connections.close_all()  # children must open their own connections, not share sockets
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch_counts in pool.map(_screen_batch, batches):
            counts.update(batch_counts)
            if progress is not None:
                progress(counts["persons"], total, counts)
    _refresh_statistics()
    return counts


def _refresh_statistics() -> None:
    """A full run can write a million result rows: the incremental path's look-ups right after
    it should be planned from their real sizes."""
    refresh_statistics(Assessment, Finding, RiskLevel, RegisterEntry, RegisterEvent)


def drain_pending_assessments(*, batch_size: int = 200) -> int:
    """Screen the persons in ``PendingAssessment`` and delete their rows, one transaction
    per claimed batch; safe to run concurrently (SKIP LOCKED where the database has it) and
    to re-run. A batch that fails is retried person by person so one bad record cannot block
    the queue; a person who still fails keeps their row (retried by the periodic drain)."""
    done = 0
    failed: set[int] = set()
    while True:
        with transaction.atomic():
            query = PendingAssessment.objects.exclude(id__in=failed).order_by("id")
            if supports_skip_locked():
                query = query.select_for_update(skip_locked=True)
            rows = list(query.values_list("id", "person_id")[:batch_size])
            if not rows:
                return done
            person_ids = sorted({pid for _, pid in rows})
            try:
                with transaction.atomic():
                    screen_persons(person_ids)
                cleared = [row_id for row_id, _ in rows]
            except Exception:
                log.exception("screening batch failed; retrying person by person")
                cleared = _screen_one_by_one(rows, failed)
            PendingAssessment.objects.filter(id__in=cleared).delete()
            done += len({pid for row_id, pid in rows if row_id in set(cleared)})
        if len(rows) < batch_size:
            # the queue held no more when we claimed: a row committed since then nudged its
            # own run, so there is no need to ask again
            return done


def _screen_one_by_one(rows: list[tuple[int, int]], failed: set[int]) -> list[int]:
    cleared = []
    for person_id in sorted({pid for _, pid in rows}):
        ids = [row_id for row_id, pid in rows if pid == person_id]
        try:
            with transaction.atomic():
                screen_persons([person_id])
            cleared.extend(ids)
        except Exception:
            log.exception("screening person %s failed", person_id)
            failed.update(ids)
    return cleared
