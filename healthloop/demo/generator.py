"""``seed_demo``: load a deterministic demo population into the database.

Same ``seed`` and ``persons`` → the same people, values and texts (person *i* draws from its
own random stream, so the chunk size does not matter either). Work goes in chunks of
``chunk_size`` persons, one transaction each: build the rows in memory, insert persons, read
their ids back by employee number (portable: MariaDB returns no ids from a bulk insert),
insert encounters and read their ids back by source id, then observations and the clinical
facts. At the end every person gets a ``PendingAssessment`` row so screening runs on them.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from healthloop.core.crypto import blind_index, encrypt
from healthloop.core.db import refresh_statistics
from healthloop.demo.events import plan_event
from healthloop.demo.exams import ALL_CODES, FACILITY, Exam, ExamBuilder
from healthloop.demo.findings import Structural, draw_structural
from healthloop.demo.history import HOSPITAL, History, build_history
from healthloop.demo.itembook import ItemBook
from healthloop.demo.org import DemoOrg, create_org_units
from healthloop.demo.population import PersonSpec, PopulationBuilder
from healthloop.demo.rows import DbValues, RowWriter, UuidStream, tune_connection
from healthloop.people.models import Person
from healthloop.people.names import pinyin_forms
from healthloop.records.bulk import bulk_insert
from healthloop.records.catalog import get_catalog
from healthloop.records.catalog_loader import load_catalog
from healthloop.records.models import (
    Condition,
    Encounter,
    ExamItem,
    FamilyHistory,
    Lifestyle,
    Medication,
    Observation,
)
from healthloop.records.services import mark_pending

SOURCE_SYSTEM = "demo"
PENDING_REASON = "demo_seed"
PERSON_FIELDS = (
    "uuid", "created_at", "updated_at", "name", "name_pinyin", "name_initials", "sex",
    "birth_date", "id_number", "id_number_hash", "id_last4", "phone", "phone_hash",
    "employee_no", "org_unit_id", "status", "job_type", "preferred_channel", "wechat_openid",
    "needs_identity_review",
)  # fmt: skip
ENCOUNTER_FIELDS = (
    "uuid", "created_at", "updated_at", "person_id", "kind", "occurred_at", "facility",
    "department", "exam_package", "summary", "source_system", "source_id",
)  # fmt: skip
OBSERVATION_FIELDS = (
    "uuid", "created_at", "updated_at", "person_id", "encounter_id", "item_id", "code_system",
    "code", "code_display", "value_num", "value_text", "value_code", "unit", "ref_low",
    "ref_high", "ref_text", "flag", "effective_at", "status", "source_message_id", "source_key",
)  # fmt: skip


class DemoDataPresent(Exception):
    """The person table is not empty and ``append`` was not asked for."""


@dataclass
class SeedResult:
    org: DemoOrg
    persons: int = 0
    encounters: int = 0
    observations: int = 0
    conditions: int = 0
    medications: int = 0
    family_history: int = 0
    lifestyle: int = 0
    pending: int = 0
    first_index: int = 0
    elapsed_s: float = 0.0


@dataclass
class _Planned:
    spec: PersonSpec
    exams: list[Exam]
    history: History
    uuids: UuidStream


def seed_demo(
    *,
    persons: int,
    seed: int = 2026,
    append: bool = False,
    chunk_size: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Create the demo org tree and ``persons`` persons with their 2021–2025 exams.

    Refuses (DemoDataPresent) when persons exist, unless ``append``: then the new persons
    continue the index sequence after the existing ones, with numbers unique against them.
    Returns the counts and the org units (``result.org.division`` suits a demo doctor).
    """
    started = time.perf_counter()
    say = progress or (lambda line: None)
    existing = Person.objects.count()
    if existing and not append:
        raise DemoDataPresent(f"{existing} persons already present")
    tune_connection()
    if not ExamItem.objects.exists():
        load_catalog()
        say("demo: exam-item catalog loaded")
    book = ItemBook(get_catalog(refresh=True), set(ALL_CODES))
    if book.missing:
        say("demo: catalog lacks " + ", ".join(book.missing) + " — those items are skipped")
    org = create_org_units()
    result = SeedResult(org=org, first_index=existing)
    taken: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    if existing:
        taken = (
            frozenset(
                Person.objects.exclude(id_number_hash=None).values_list("id_number_hash", flat=True)
            ),
            frozenset(Person.objects.values_list("phone_hash", flat=True)),
        )
    builder = PopulationBuilder(seed, taken_id_hashes=taken[0], taken_phone_hashes=taken[1])
    loader = _ChunkLoader(book, org, seed)
    person_ids: list[int] = []
    for start in range(existing, existing + persons, chunk_size):
        stop = min(start + chunk_size, existing + persons)
        with transaction.atomic():
            person_ids += loader.load([builder.person(i) for i in range(start, stop)], result)
        say(
            f"demo: {stop - existing}/{persons} persons · {result.encounters} encounters · "
            f"{result.observations} observations · {time.perf_counter() - started:.1f}s"
        )
    with transaction.atomic():
        result.pending = mark_pending(person_ids, reason=PENDING_REASON)
    refresh_statistics(Person, Encounter, Observation, Condition, Medication, FamilyHistory,
                       Lifestyle)  # fmt: skip
    result.persons = len(person_ids)
    result.elapsed_s = time.perf_counter() - started
    return result


class _ChunkLoader:
    def __init__(self, book: ItemBook, org: DemoOrg, seed: int) -> None:
        self.seed = seed
        self.org = org
        self.exams = ExamBuilder(book, ZoneInfo(settings.TIME_ZONE))
        self.db = DbValues()
        self.person_rows = RowWriter(Person, PERSON_FIELDS)
        self.encounter_rows = RowWriter(Encounter, ENCOUNTER_FIELDS)
        self.observation_rows = RowWriter(Observation, OBSERVATION_FIELDS)
        self.pinyin: dict[str, tuple[str, str]] = {}

    def load(self, specs: list[PersonSpec], result: SeedResult) -> list[int]:
        now = self.db.datetime(timezone.now())
        planned = [self._plan(spec) for spec in specs]
        self.person_rows.write([self._person_row(p, now) for p in planned])
        ids = dict(
            Person.objects.filter(
                employee_no__in=[p.spec.employee_no for p in planned]
            ).values_list("employee_no", "id")
        )
        encounters = [row for p in planned for row in self._encounter_rows(p, ids, now)]
        result.encounters += self.encounter_rows.write(encounters)
        enc_ids = dict(
            Encounter.objects.filter(
                source_system=SOURCE_SYSTEM, person_id__in=list(ids.values())
            ).values_list("source_id", "id")
        )
        observations = [
            row for p in planned for row in self._observation_rows(p, ids, enc_ids, now)
        ]
        result.observations += self.observation_rows.write(observations)
        self._facts(planned, ids, enc_ids, result)
        return [ids[p.spec.employee_no] for p in planned]

    def _plan(self, spec: PersonSpec) -> _Planned:
        structural: Structural = draw_structural(spec.rng, spec.traits, spec.exposures)
        event = plan_event(spec, self.seed)
        exams = [self.exams.build(spec, structural, year, event) for year in spec.exam_years]
        history = build_history(
            spec,
            structural,
            {e.year: e.occurred_at for e in exams},
            {e.year: e.fatty_grade for e in exams},
            {e.year: e.uric_acid for e in exams},
        )
        return _Planned(spec, exams, history, UuidStream(self.seed, spec.index))

    def _person_row(self, p: _Planned, now: object) -> tuple[object, ...]:
        s = p.spec
        if s.name not in self.pinyin:
            self.pinyin[s.name] = pinyin_forms(s.name)
        full, initials = self.pinyin[s.name]
        return (
            p.uuids.next(),
            now,
            now,
            s.name,
            full,
            initials,
            s.sex,
            self.db.date(s.birth_date),
            encrypt(s.id_number),
            blind_index(s.id_number),
            s.id_number[-4:],
            encrypt(s.phone),
            blind_index(s.phone),
            s.employee_no,
            self.org.units[s.unit_code].pk,
            s.status,
            s.job_type,
            s.preferred_channel,
            s.wechat_openid,
            False,
        )

    def _encounter_rows(
        self, p: _Planned, ids: dict[str, int], now: object
    ) -> list[tuple[object, ...]]:
        pid, emp = ids[p.spec.employee_no], p.spec.employee_no
        rows: list[tuple[object, ...]] = [
            (
                p.uuids.next(),
                now,
                now,
                pid,
                Encounter.Kind.EXAM,
                self.db.datetime(e.occurred_at),
                FACILITY,
                "健康管理中心",
                e.package,
                e.summary,
                SOURCE_SYSTEM,
                f"{emp}-{e.year}",
            )
            for e in p.exams
        ]
        rows += [
            (
                p.uuids.next(),
                now,
                now,
                pid,
                Encounter.Kind.OUTPATIENT,
                self.db.datetime(v.occurred_at),
                HOSPITAL,
                v.department,
                "",
                v.summary,
                SOURCE_SYSTEM,
                f"{emp}-{v.key}",
            )
            for v in p.history.visits
        ]
        return rows

    def _observation_rows(
        self, p: _Planned, ids: dict[str, int], enc_ids: dict[str, int], now: object
    ) -> list[tuple[object, ...]]:
        pid = ids[p.spec.employee_no]
        rows: list[tuple[object, ...]] = []
        for exam in p.exams:
            enc = enc_ids[f"{p.spec.employee_no}-{exam.year}"]
            when = self.db.datetime(exam.occurred_at)
            rows += [
                (
                    uid,
                    now,
                    now,
                    pid,
                    enc,
                    r[0],
                    "local",
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    "",
                    r[9],
                    when,
                    "final",
                    "",
                    None,
                )
                for uid, r in zip(p.uuids.many(len(exam.results)), exam.results, strict=True)
            ]
        return rows

    def _facts(
        self,
        planned: list[_Planned],
        ids: dict[str, int],
        enc_ids: dict[str, int],
        result: SeedResult,
    ) -> None:
        conditions, medications, family, lifestyle = [], [], [], []
        for p in planned:
            pid, emp, h = ids[p.spec.employee_no], p.spec.employee_no, p.history

            new_uuid = p.uuids.next

            conditions += [
                Condition(
                    uuid=new_uuid(),
                    person_id=pid,
                    icd10=icd,
                    name=name,
                    onset_date=onset,
                    encounter_id=enc_ids.get(f"{emp}-{key}") if key else None,
                    status="active",
                    source_system=SOURCE_SYSTEM,
                )
                for icd, name, onset, key in h.conditions
            ]
            medications += [
                Medication(
                    uuid=new_uuid(),
                    person_id=pid,
                    name=name,
                    atc_code=atc,
                    drug_class=drug_class,
                    dose=dose,
                    start_date=start,
                    status="active",
                )
                for name, atc, drug_class, dose, start in h.medications
            ]
            family += [
                FamilyHistory(
                    uuid=new_uuid(), person_id=pid, relation=relation, icd10=icd, condition=name
                )
                for relation, icd, name in h.family
            ]
            lifestyle += [
                Lifestyle(
                    uuid=new_uuid(),
                    person_id=pid,
                    kind=kind,
                    value=value,
                    detail=detail,
                    recorded_at=recorded,
                )
                for kind, value, detail, recorded in h.lifestyle
            ]
        result.conditions += bulk_insert(Condition, conditions)
        result.medications += bulk_insert(Medication, medications)
        result.family_history += bulk_insert(FamilyHistory, family)
        result.lifestyle += bulk_insert(Lifestyle, lifestyle)
