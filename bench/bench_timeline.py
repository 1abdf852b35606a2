"""Person timeline API latency on the 50,000-person demo database (target p95 ≤ 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_timeline .venv/bin/python \
        bench/bench_timeline.py [--persons 50000] [--requests 300]

Seeds the demo population if the database is empty, then calls
GET /api/v1/records/persons/{uuid}/timeline/?page_size=10 as a doctor whose scope is the whole
company, for random persons with five years of exams. Baseline, measured in the same run: the
same encounters and observations fetched with two raw SQL queries (no ORM, no serialisation,
no access check or audit): the ratio says what the API layers cost.
"""

import argparse
import random

from common import setup_django, summary_ms, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    url = setup_django("bench_timeline")

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from healthloop.accounts.models import User
    from healthloop.people.models import OrgUnit, Person, StaffScope

    if not Person.objects.exists():
        call_command("seed_demo", persons=args.persons, seed=2026)
    doctor, _ = User.objects.get_or_create(username="bench_doctor", defaults={"role": "doctor"})
    for root in OrgUnit.objects.filter(parent__isnull=True):
        StaffScope.objects.get_or_create(staff=doctor, org_unit=root)
    rng = random.Random(7)
    ids = list(Person.objects.filter(encounters__isnull=False).values_list("uuid", "pk")[:20000])
    sample = [rng.choice(ids) for _ in range(args.requests)]
    client = Client()
    client.force_login(doctor)

    def api(person_uuid):
        response = client.get(f"/api/v1/records/persons/{person_uuid}/timeline/?page_size=10")
        assert response.status_code == 200, response.status_code

    def raw(pk):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM records_encounter WHERE person_id = %s "
                "ORDER BY occurred_at DESC LIMIT 10",
                [pk],
            )
            enc = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT * FROM records_observation WHERE encounter_id = ANY(%s)"
                if connection.vendor == "postgresql"
                else "SELECT * FROM records_observation WHERE person_id = %s",
                [enc] if connection.vendor == "postgresql" else [pk],
            )
            cursor.fetchall()

    for person_uuid, pk in sample[:20]:  # warm-up
        api(person_uuid)
        raw(pk)
    api_samples = [timed(lambda u=u: api(u)) for u, _ in sample]
    raw_samples = [timed(lambda p=p: raw(p)) for _, p in sample]
    api_stats, raw_stats = summary_ms(api_samples), summary_ms(raw_samples)
    observations = connection.cursor()
    observations.execute("SELECT count(*) FROM records_observation")
    total_obs = observations.fetchone()[0]
    print(
        f"database: {url.split('@')[-1]}  persons: {Person.objects.count()}  "
        f"observations: {total_obs}"
    )
    print(f"timeline API  (ms): {api_stats}")
    print(f"raw SQL base  (ms): {raw_stats}")
    print(f"ratio p95 API / raw SQL: {api_stats['p95'] / max(raw_stats['p95'], 0.001):.1f}x")
    print(f"target p95 <= 100 ms: {'PASS' if api_stats['p95'] <= 100 else 'FAIL'}")


if __name__ == "__main__":
    main()
