"""seed_demo on PostgreSQL: time and rows for the demo population (default 50,000 persons ×
exams 2021–2025), with the ratio to a raw COPY of the same observation rows into the same
table, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_seed .venv/bin/python \
        bench/bench_seed_demo.py [--persons 50000] [--seed 2026] [--chunk-size 1000]

The database must be a bench database (its name starts with "bench"): it is dropped and
created again first, because seed_demo refuses a database that already holds persons.
Measured, in this order:
  1. seed_demo: the whole load (org tree, persons, exams, observations, facts, pending rows);
  2. raw COPY: the observation rows just written, exported to a file (untimed), the table
     truncated, and the file copied back into records_observation from the client, in as
     many transactions as seed_demo had chunks: the floor for writing that many rows, same
     table, same indexes, same deferred foreign-key checks;
  3. the ORM bulk path for comparison: records.bulk.bulk_insert of a sample of the same rows as
     model instances, against the demo's RowWriter on the same sample.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_seed"
SAMPLE = 50_000


def recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    if not name.startswith("bench"):
        sys.exit(f"refusing to drop {name!r}: use a database whose name starts with 'bench'")
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql],
            check=True,
            capture_output=True,
        )


def table_counts() -> dict[str, int]:
    from django.db import connection

    tables = (
        "people_orgunit",
        "people_person",
        "records_encounter",
        "records_observation",
        "records_condition",
        "records_medication",
        "records_familyhistory",
        "records_lifestyle",
        "records_pendingassessment",
    )
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def observation_columns() -> str:
    from django.db import connection

    from healthloop.records.models import Observation

    fields = [f for f in Observation._meta.concrete_fields if not f.primary_key]
    return ", ".join(connection.ops.quote_name(f.column) for f in fields)


def export_observations(path: Path) -> int:
    """Write the observation rows to ``path`` in COPY text format and empty the table."""
    from django.db import connection

    columns = observation_columns()
    with connection.cursor() as cursor, open(path, "wb") as out:
        with cursor.cursor.copy(f"COPY records_observation ({columns}) TO STDOUT") as copy:
            for block in copy:
                out.write(block)
        cursor.execute("SELECT count(*) FROM records_observation")
        rows = cursor.fetchone()[0]
        cursor.execute("TRUNCATE records_observation CASCADE")  # revisions: none
    return rows


def raw_copy_baseline(path: Path, rows_per_transaction: int) -> float:
    """COPY the exported rows back, one transaction per ``rows_per_transaction`` rows (as
    seed_demo commits once per chunk: the foreign keys are deferred and checked at commit)."""
    from django.db import connection, transaction

    columns = observation_columns()
    started = time.perf_counter()
    with open(path, "rb") as source:
        while batch := list(islice(source, rows_per_transaction)):
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY records_observation ({columns}) FROM STDIN") as copy,
            ):
                for start in range(0, len(batch), 10_000):
                    copy.write(b"".join(batch[start : start + 10_000]))
    return time.perf_counter() - started


def orm_comparison() -> tuple[float, float]:
    """Seconds for SAMPLE rows through records.bulk.bulk_insert and through RowWriter."""
    from django.db import transaction
    from django.utils import timezone

    from healthloop.demo.generator import OBSERVATION_FIELDS
    from healthloop.demo.rows import RowWriter, UuidStream
    from healthloop.records.bulk import bulk_insert
    from healthloop.records.models import Observation

    names = [n for n in OBSERVATION_FIELDS if n not in ("uuid", "created_at", "updated_at")]
    sample = list(Observation.objects.order_by("id").values_list(*names)[:SAMPLE])
    now = timezone.now()
    uuids = UuidStream(seed=-1, index=10**9)
    instances = [
        Observation(
            uuid=uuids.next(), created_at=now, updated_at=now, **dict(zip(names, row, strict=True))
        )
        for row in sample
    ]
    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert(Observation, instances)
        transaction.set_rollback(True)
    orm_s = time.perf_counter() - started
    tuples = [(uuids.next(), now, now, *row) for row in sample]
    started = time.perf_counter()
    with transaction.atomic():
        RowWriter(Observation, OBSERVATION_FIELDS).write(tuples)
        transaction.set_rollback(True)
    return orm_s, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--chunk-size", type=int, default=1000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("this bench measures PostgreSQL: set DATABASE_URL=postgres://…/bench_…")
    os.environ["DATABASE_URL"] = url
    # Queue the screening nudge instead of running screening inside the measured load.
    os.environ["HUEY_IMMEDIATE"] = "0"
    recreate_database(url)
    setup_django("bench_seed")

    from healthloop.demo.generator import seed_demo

    cpu0 = time.process_time()
    result = seed_demo(
        persons=args.persons,
        seed=args.seed,
        chunk_size=args.chunk_size,
        progress=lambda line: print(line, flush=True),
    )
    seed_cpu = time.process_time() - cpu0
    counts = table_counts()
    total_rows = sum(counts.values())
    chunks = -(-args.persons // args.chunk_size)
    with tempfile.TemporaryDirectory() as tmp:
        obs_rows = export_observations(Path(tmp) / "observations.copy")
        copy_s = raw_copy_baseline(Path(tmp) / "observations.copy", obs_rows // chunks)
    orm_s, writer_s = orm_comparison()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"\ndatabase: {url.split('@')[-1]}  persons: {args.persons}  seed: {args.seed}  "
        f"chunk: {args.chunk_size}"
    )
    for table, count in counts.items():
        print(f"  {table:<28} {count:>12,}")
    print(f"  {'all rows':<28} {total_rows:>12,}")
    print(
        f"seed_demo: {result.elapsed_s:8.1f} s wall, {seed_cpu:8.1f} s CPU in this process, "
        f"{total_rows / result.elapsed_s:,.0f} rows/s, peak RSS {peak_mb:,.0f} MB"
    )
    print(
        f"raw COPY of the {obs_rows:,} observation rows into records_observation: "
        f"{copy_s:.1f} s ({obs_rows / copy_s:,.0f} rows/s)"
    )
    print(f"ratio seed_demo / raw COPY of its observations: {result.elapsed_s / copy_s:.2f}x")
    print(
        f"ORM path on {SAMPLE:,} rows: records.bulk.bulk_insert {orm_s:.2f} s vs RowWriter "
        f"{writer_s:.2f} s ({orm_s / writer_s:.1f}x)"
    )


if __name__ == "__main__":
    main()
