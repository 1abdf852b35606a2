"""HL7 v2 over MLLP: sustained ORU^R01 throughput with ACKs (target ≥ 1,000 msg/s of 20 OBX
over 8 connections on PostgreSQL), and the ratio to the bulk-import path in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mllp .venv/bin/python \
        bench/bench_mllp.py [--messages 2000] [--connections 8] [--workers 8]

The listener runs as a real `manage.py mllp_server` process; each message is parsed, its
person resolved, 20 results validated against the catalog and committed with its archive row
before the ACK goes back. Baseline: the same number of observation rows written through
`records.bulk.bulk_insert` (COPY on PostgreSQL) — the foundation's bulk-import path.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, setup_django

ITEMS = [
    ("SBP", "mmHg", "128"), ("DBP", "mmHg", "82"), ("GLU", "mmol/L", "5.4"),
    ("TC", "mmol/L", "4.8"), ("TG", "mmol/L", "1.6"), ("HDL_C", "mmol/L", "1.2"),
    ("LDL_C", "mmol/L", "2.9"), ("UA", "umol/L", "380"), ("CREA", "umol/L", "78"),
    ("ALT", "U/L", "25"), ("AST", "U/L", "22"), ("GGT", "U/L", "30"), ("TBIL", "umol/L", "12"),
    ("ALB", "g/L", "45"), ("WBC", "10*9/L", "6.2"), ("HGB", "g/L", "145"),
    ("PLT", "10*9/L", "220"), ("HBA1C", "%", "5.6"), ("WEIGHT", "kg", "70"),
    ("HEIGHT", "cm", "172"),
]  # fmt: skip


def _messages(count: int, persons: int) -> list[bytes]:
    from healthloop.people.identity import check_char

    out = []
    for n in range(count):
        p = n % persons
        first17 = f"1101051970{1 + p % 12:02d}{1 + p % 28:02d}{(2 * p + 1) % 1000:03d}"
        segs = [
            f"MSH|^~\\&|PEIS|BENCH|HL|HMC|20250601093000||ORU^R01|B{n:07d}|P|2.5.1|||||CHN|"
            "UNICODE UTF-8",
            f"PID|1||{first17}{check_char(first17)}^^^CHN^ID~BP{p:05d}^^^HIS^PI||测试{p}||19700101|M",
            f"OBR|1||BX{n:07d}|EXAM^体检^L|||20250601083000",
        ]
        segs += [
            f"OBX|{i}|NM|{c}^^L||{v}|{u}||N|||F|||20250601083000"
            for i, (c, u, v) in enumerate(ITEMS, 1)
        ]
        out.append(("\r".join(segs) + "\r").encode())
    return out


def _bulk_baseline(messages: int) -> tuple[float, float]:
    """The bulk-import path on the same results: ``messages`` × the 20 values validated with
    ``records.services.prepare_result`` and written by ``insert_results`` (COPY), one
    transaction, rolled back. (wall seconds, CPU seconds of this process)."""
    from django.db import transaction

    from healthloop.people.models import Person
    from healthloop.records.catalog import get_catalog
    from healthloop.records.services import insert_results, prepare_result

    catalog = get_catalog(refresh=True)
    persons = list(Person.objects.order_by("id").values_list("id", "sex")[:500])
    items = [(catalog.resolve(code), unit, value) for code, unit, value in ITEMS]
    now = timezone_now()
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        groups = []
        for n in range(messages):
            person_id, sex = persons[n % len(persons)]
            results = [
                prepare_result(catalog, item, value, unit=unit, sex=sex, age=55,
                               source_key=f"baseline:{n}:{item.code}")
                for item, unit, value in items
            ]  # fmt: skip
            groups.append((person_id, None, now, results))
        insert_results(groups)
        transaction.set_rollback(True)
    return time.perf_counter() - started, time.process_time() - cpu


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--port", type=int, default=2599)
    parser.add_argument("--server-log", default="", help="write the listener's log here")
    args = parser.parse_args()
    url = setup_django("bench_mllp")
    from django.core.management import call_command

    from healthloop.core.testing import LiveDatabase
    from healthloop.interop.hl7v2 import send_messages

    call_command("flush", "--noinput", verbosity=0)
    call_command("load_catalog", verbosity=0)
    live = LiveDatabase(url, None)
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "mllp_server",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
        ],
        cwd=ROOT,
        env=live.env(LOG_LEVEL="WARNING"),
        stdout=subprocess.DEVNULL,
        stderr=open(args.server_log, "wb") if args.server_log else subprocess.DEVNULL,  # noqa: SIM115
    )
    time.sleep(3)
    messages = _messages(args.messages, args.persons)
    try:
        warm = send_messages(
            "127.0.0.1", args.port, messages[: args.persons], connections=args.connections
        )  # creates the persons
        started, cpu_before = time.perf_counter(), _cpu_seconds(server.pid)
        results = send_messages(
            "127.0.0.1",
            args.port,
            messages[args.persons :],
            connections=args.connections,
            timeout=60,
        )
        elapsed = time.perf_counter() - started
        server_cpu = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait()
    accepted = sum(r.accepted for r in results) + sum(r.accepted for r in warm)
    sent = len(results)
    rate = sent / elapsed
    obs_rate = rate * len(ITEMS)
    baseline, baseline_cpu = _bulk_baseline(sent)
    bulk_rate = sent * len(ITEMS) / baseline
    print(
        f"database: {url.split('@')[-1]}  connections: {args.connections}  "
        f"listener workers: {args.workers}  load average: {os.getloadavg()[0]:.1f}"
    )
    print(f"accepted {accepted}/{len(messages)} messages")
    print(
        f"MLLP: {sent} ORU^R01 x {len(ITEMS)} OBX in {elapsed:.2f} s = {rate:,.0f} msg/s "
        f"({obs_rate:,.0f} observations/s), ACK after commit; listener CPU {server_cpu:.2f} s "
        f"= {sent / server_cpu:,.0f} msg per CPU-second of the listener"
    )
    print(
        f"bulk-import path (prepare_result + insert_results, same values): {baseline:.2f} s = "
        f"{bulk_rate:,.0f} observations/s; {sent * len(ITEMS) / baseline_cpu:,.0f} obs per "
        "CPU-second"
    )
    print(f"ratio MLLP / bulk path (observations/s, wall clock): {obs_rate / bulk_rate:.3f}")
    print(f"target >= 1000 msg/s: {'PASS' if rate >= 1000 else 'FAIL'} ({rate:,.0f} msg/s)")


if __name__ == "__main__":
    main()
