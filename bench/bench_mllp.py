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
import subprocess
import sys
import time

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


def _bulk_baseline(rows: int) -> float:
    import uuid

    from django.db import transaction
    from django.utils import timezone

    from healthloop.people.models import Person
    from healthloop.records.bulk import bulk_insert
    from healthloop.records.models import ExamItem, Observation

    person = Person.objects.first()
    item = ExamItem.objects.get(code="GLU")
    now = timezone.now()
    objs = [
        Observation(
            uuid=uuid.uuid4(),
            person=person,
            item=item,
            value_num=5.4,
            unit="mmol/L",
            effective_at=now,
            code="GLU",
            code_system="local",
            flag="N",
        )
        for _ in range(rows)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert(Observation, objs)
        transaction.set_rollback(True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--port", type=int, default=2599)
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
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)
    messages = _messages(args.messages, args.persons)
    try:
        warm = send_messages(
            "127.0.0.1", args.port, messages[: args.persons], connections=args.connections
        )  # creates the persons
        started = time.perf_counter()
        results = send_messages(
            "127.0.0.1",
            args.port,
            messages[args.persons :],
            connections=args.connections,
            timeout=60,
        )
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    accepted = sum(r.accepted for r in results) + sum(r.accepted for r in warm)
    sent = len(results)
    rate = sent / elapsed
    obs_rate = rate * len(ITEMS)
    baseline = _bulk_baseline(sent * len(ITEMS))
    bulk_rate = sent * len(ITEMS) / baseline
    print(
        f"database: {url.split('@')[-1]}  connections: {args.connections}  "
        f"listener workers: {args.workers}"
    )
    print(f"accepted {accepted}/{len(messages)} messages")
    print(
        f"MLLP: {sent} ORU^R01 x {len(ITEMS)} OBX in {elapsed:.2f} s = {rate:.0f} msg/s "
        f"({obs_rate:.0f} observations/s), ACK after commit"
    )
    print(f"bulk-import path (bulk_insert): {bulk_rate:.0f} observations/s")
    print(f"ratio MLLP / bulk path: {obs_rate / bulk_rate:.3f}")
    print(f"target >= 1000 msg/s: {'PASS' if rate >= 1000 else 'FAIL'}")


if __name__ == "__main__":
    main()
