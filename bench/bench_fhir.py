"""FHIR transaction Bundles: how many observations per second the facade ingests.

Posts transaction Bundles shaped like health-exam reports (per person: a conditional-create
Patient, one DiagnosticReport and its lab/vital results coded in LOINC with UCUM units) through
the whole request path (DRF parsing, fhir.resources validation, mapping, writes, response), then
measures the foundation's bulk path (``records.bulk.bulk_insert``, COPY on PostgreSQL) on the
same number of Observation rows, and prints both rates and their ratio. Target: >= 5,000
observations/s through FHIR.

    psql -h 127.0.0.1 -U postgres -c 'create database bench_fhir'
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_fhir
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_catalog
    .venv/bin/python bench/bench_fhir.py [--bundles 20] [--persons 10] [--results 50]
"""

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthloop.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from healthloop.accounts.models import User  # noqa: E402
from healthloop.people.services import PersonInput, upsert_person  # noqa: E402
from healthloop.records.bulk import bulk_insert  # noqa: E402
from healthloop.records.catalog import get_catalog  # noqa: E402
from healthloop.records.models import Observation  # noqa: E402
from healthloop.records.services import ObservationInput, prepare_observation  # noqa: E402

TARGET = 5000
MRN = "http://bench.example/mrn"
LAB = "http://bench.example/lab"


def _items(count: int) -> list:
    """Numeric catalog items with a LOINC code and a two-sided range, with a normal value."""
    chosen = []
    for item in sorted(get_catalog().by_id.values(), key=lambda i: i.code):
        ranges = [r for r in item.ranges if r.low is not None and r.high is not None]
        if item.value_type == "numeric" and item.loinc and ranges:
            chosen.append((item, (ranges[0].low + ranges[0].high) / 2))
    return (chosen * (count // max(len(chosen), 1) + 1))[:count]


def _bundle(run: str, number: int, persons: int, items: list) -> dict:
    entries = []
    for p in range(persons):
        mrn = f"{run}-{number}-{p}"
        patient_url, report_url = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{uuid.uuid4()}"
        results = [f"urn:uuid:{uuid.uuid4()}" for _ in items]
        subject = {"reference": patient_url}
        entries.append(
            {
                "fullUrl": patient_url,
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": MRN, "value": mrn}],
                    "name": [{"text": f"测试{number}-{p}"}],
                    "gender": "female",
                    "birthDate": "1975-03-02",
                },
                "request": {
                    "method": "POST",
                    "url": "Patient",
                    "ifNoneExist": f"identifier={MRN}|{mrn}",
                },
            }
        )
        entries.append(
            {
                "fullUrl": report_url,
                "resource": {
                    "resourceType": "DiagnosticReport",
                    "status": "final",
                    "identifier": [{"system": LAB, "value": f"{mrn}-report"}],
                    "code": {"text": "年度职工体检"},
                    "subject": subject,
                    "effectiveDateTime": "2025-06-01T08:00:00+08:00",
                    "result": [{"reference": url} for url in results],
                },
                "request": {"method": "POST", "url": "DiagnosticReport"},
            }
        )
        for n, (url, (item, value)) in enumerate(zip(results, items, strict=True)):
            entries.append(
                {
                    "fullUrl": url,
                    "resource": {
                        "resourceType": "Observation",
                        "status": "final",
                        "identifier": [{"system": LAB, "value": f"{mrn}-{n}"}],
                        "category": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                        "code": "laboratory",
                                    }
                                ]
                            }
                        ],
                        "code": {
                            "coding": [
                                {
                                    "system": "http://loinc.org",
                                    "code": item.loinc,
                                    "display": item.name_zh,
                                }
                            ]
                        },
                        "subject": subject,
                        "effectiveDateTime": "2025-06-01T08:00:00+08:00",
                        "valueQuantity": {
                            "value": float(round(value + n % 3, 2)),
                            "unit": item.unit,
                            "system": "http://unitsofmeasure.org",
                            "code": item.unit,
                        },
                    },
                    "request": {"method": "POST", "url": "Observation"},
                }
            )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def _registrations(body: bytes) -> bytes:
    """The Bundle's Patient entries alone: registering the persons before their exams."""
    bundle = json.loads(body)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    return json.dumps(bundle).encode()


def _fhir_rate(bundles: list[bytes], observations: int, user: User) -> tuple[float, float]:
    """(observations per second of wall time, per second of this process's CPU time)."""
    client = APIClient()
    client.force_authenticate(user=user)
    start, cpu = time.perf_counter(), time.process_time()
    for body in bundles:
        response = client.post("/fhir/R4/", data=body, content_type="application/fhir+json")
        assert response.status_code == 200, response.content[:500]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return observations / wall, observations / cpu


def _bulk_rate(observations: int) -> tuple[float, float]:
    catalog = get_catalog()
    person, _ = upsert_person(data=PersonInput(name="基线", sex="male"), actor=None)
    items = _items(50)
    rows = [
        prepare_observation(
            catalog,
            person,
            ObservationInput(
                code=items[n % 50][0].code, value=str(items[n % 50][1]), unit=items[n % 50][0].unit
            ),
            effective_at=timezone.now(),
        )
        for n in range(observations)
    ]
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        bulk_insert(Observation, rows)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return observations / wall, observations / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundles", type=int, default=21, help="the first one warms up")
    parser.add_argument("--persons", type=int, default=10, help="exams per Bundle")
    parser.add_argument("--results", type=int, default=50, help="observations per exam")
    parser.add_argument(
        "--new-persons",
        action="store_true",
        help="every exam's Patient is new to the index (default: the persons are registered "
        "first, untimed, as HR sync would have done, and the Bundles match them)",
    )
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    user, _ = User.objects.get_or_create(
        username="bench_fhir_feed", defaults={"role": "health_manager"}
    )
    items = _items(args.results)
    bundles = [
        json.dumps(_bundle(run, b, args.persons, items)).encode() for b in range(args.bundles)
    ]
    observations = (args.bundles - 1) * args.persons * args.results
    megabytes = sum(map(len, bundles)) / 1e6
    if not args.new_persons:
        _fhir_rate([_registrations(body) for body in bundles], 1, user)
    _fhir_rate(bundles[:1], args.persons * args.results, user)  # warm-up: imports, catalog
    fhir, fhir_cpu = _fhir_rate(bundles[1:], observations, user)
    bulk, bulk_cpu = _bulk_rate(observations)
    load = os.getloadavg()[0]
    print(
        f"database: {connection.vendor}; {args.bundles - 1} transaction Bundles (+1 warm-up) of "
        f"{args.persons} exams x {args.results} results ({megabytes:.1f} MB JSON), "
        f"{'new' if args.new_persons else 'registered'} persons"
    )
    print(f"machine load average: {load:.1f} on {os.cpu_count()} CPUs (wall figures suffer)")
    verdict = "met" if fhir >= TARGET else "NOT met"
    print(
        f"FHIR transaction Bundles: {fhir:,.0f} observations/s wall (target {TARGET:,}: "
        f"{verdict}); {fhir_cpu:,.0f}/s per second of app-process CPU"
    )
    print(
        f"bulk_insert baseline:     {bulk:,.0f} observations/s wall; "
        f"{bulk_cpu:,.0f}/s per second of app-process CPU"
    )
    print(f"ratio FHIR / bulk_insert: {fhir / bulk:.3f} wall, {fhir_cpu / bulk_cpu:.3f} CPU")


if __name__ == "__main__":
    main()
