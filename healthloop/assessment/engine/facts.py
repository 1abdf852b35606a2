"""What the engine knows about each person, fetched set-based for a whole batch.

One query per kind of fact for all persons in scope (a pk range for the full run, a list of
ids for the incremental path): the latest in-window value of each needed item (a
``ROW_NUMBER()`` window, portable across SQLite, PostgreSQL and MariaDB), the recent history
of the items trend rules need, active conditions, medications, family history, the latest
lifestyle facts, questionnaire answers and the last exam date. No per-person query.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, FloatField, Max, Q, QuerySet, Window
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from healthloop.assessment.models import QuestionnaireResponse
from healthloop.core.clock import age_on
from healthloop.people.models import Person
from healthloop.records.catalog import get_catalog
from healthloop.records.models import (
    Condition,
    Encounter,
    FamilyHistory,
    Lifestyle,
    Medication,
    Observation,
)


@dataclass(frozen=True)
class Scope:
    """The persons of one evaluation: explicit ids, or the pk range [lo, hi)."""

    ids: tuple[int, ...] | None = None
    lo: int | None = None
    hi: int | None = None

    def q(self, field: str = "person_id") -> Q:
        if self.ids is not None:
            return Q(**{f"{field}__in": self.ids})
        query = Q()
        if self.lo is not None:
            query &= Q(**{f"{field}__gte": self.lo})
        if self.hi is not None:
            query &= Q(**{f"{field}__lt": self.hi})
        return query


@dataclass
class Needs:
    """What a rule set reads: item codes (latest / history), models, questionnaires…"""

    latest: set[str] = field(default_factory=set)
    history: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    questionnaires: set[str] = field(default_factory=set)
    registers: set[str] = field(default_factory=set)
    findings: bool = False
    exams: bool = False

    def add(self, other: "Needs") -> None:
        self.latest |= other.latest
        self.history |= other.history
        self.models |= other.models
        self.questionnaires |= other.questionnaires
        self.registers |= other.registers
        self.findings = self.findings or other.findings
        self.exams = self.exams or other.exams


@dataclass(slots=True)
class Obs:
    id: int
    item: str
    value: float | None
    code: str
    text: str
    flag: str
    at: dt.datetime
    ref_low: float | None
    ref_high: float | None


@dataclass
class PersonFacts:
    id: int
    uuid: uuid.UUID
    sex: str
    birth_date: dt.date | None
    org_unit_id: int | None
    age: int | None
    latest: dict[str, Obs] = field(default_factory=dict)
    history: dict[str, list[Obs]] = field(default_factory=dict)  # newest first
    conditions: list[tuple[int, str]] = field(default_factory=list)  # (id, ICD-10 upper)
    medications: list[tuple[int, str, bool]] = field(default_factory=list)  # id, class, active
    family: list[tuple[int, str, str, str]] = field(default_factory=list)
    lifestyle: dict[str, tuple[int, str, dt.datetime]] = field(default_factory=dict)
    questionnaires: dict[str, tuple[int, Any, dt.datetime]] = field(default_factory=dict)
    last_exam_at: dt.datetime | None = None


def day_end(as_of: dt.date) -> dt.datetime:
    """The first instant after ``as_of`` in the configured time zone."""
    start = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start)


_OBS_COLUMNS = ("id", "person_id", "item_id", "value_code", "value_text", "flag", "effective_at")


def _ranked_observations(
    scope: Scope, item_ids: Iterable[int], since: dt.datetime, until: dt.datetime, depth: int
) -> QuerySet:
    rank = Window(
        RowNumber(),
        partition_by=[F("person_id"), F("item_id")],
        order_by=[F("effective_at").desc(), F("id").desc()],
    )
    query = (
        Observation.objects.filter(
            scope.q(), item_id__in=list(item_ids), effective_at__gte=since, effective_at__lt=until
        )
        .exclude(status=Observation.Status.CANCELLED)
        .annotate(rank=rank)
    )
    query = query.filter(rank=1) if depth == 1 else query.filter(rank__lte=depth)
    return query.values_list(
        *_OBS_COLUMNS,
        Cast("value_num", FloatField()),
        Cast("ref_low", FloatField()),
        Cast("ref_high", FloatField()),
    )


def _obs(row: tuple, codes: dict[int, str]) -> Obs:
    oid, _pid, item_id, code, text, flag, at, value, low, high = row
    return Obs(oid, codes[item_id], value, code, text, flag, at, low, high)


def _latest_per(query: QuerySet, key: str, order: str, columns: tuple[str, ...]) -> QuerySet:
    """The newest row per (person, key) of ``query``."""
    rank = Window(
        RowNumber(),
        partition_by=[F("person_id"), F(key)],
        order_by=[F(order).desc(), F("id").desc()],
    )
    return query.annotate(rank=rank).filter(rank=1).values_list(*columns)


def fetch_facts(
    scope: Scope, needs: Needs, as_of: dt.date, *, window_days: int, history_years: int
) -> list[PersonFacts]:
    """The facts of every live person in scope, with a fixed number of queries."""
    persons: dict[int, PersonFacts] = {}
    rows = Person.objects.filter(scope.q("pk"), merged_into__isnull=True).values_list(
        "id", "uuid", "sex", "birth_date", "org_unit_id"
    )
    for pid, puuid, sex, birth, unit in rows:
        age = age_on(birth, as_of) if birth else None
        persons[pid] = PersonFacts(pid, puuid, sex, birth, unit, age)
    if not persons:
        return []
    until = day_end(as_of)
    catalog = get_catalog()
    codes = {item.id: item.code for item in catalog.by_id.values()}
    latest_ids = [catalog.by_code[c].id for c in needs.latest if c in catalog.by_code]
    if latest_ids:
        since = until - dt.timedelta(days=window_days)
        for row in _ranked_observations(scope, latest_ids, since, until, 1):
            if row[1] in persons:
                persons[row[1]].latest[codes[row[2]]] = _obs(row, codes)
    history_ids = [catalog.by_code[c].id for c in needs.history if c in catalog.by_code]
    if history_ids:
        since = until - dt.timedelta(days=365 * history_years)
        for row in _ranked_observations(scope, history_ids, since, until, 2 * history_years):
            facts = persons.get(row[1])
            if facts is not None:
                facts.history.setdefault(codes[row[2]], []).append(_obs(row, codes))
        for facts in persons.values():
            for points in facts.history.values():
                points.sort(key=lambda o: (o.at, o.id), reverse=True)
    _fetch_record_facts(persons, scope, as_of, until, needs)
    return list(persons.values())


def _fetch_record_facts(
    persons: dict[int, PersonFacts],
    scope: Scope,
    as_of: dt.date,
    until: dt.datetime,
    needs: Needs,
) -> None:
    rows = Condition.objects.filter(scope.q(), status="active").values_list(
        "id", "person_id", "icd10"
    )
    for cid, pid, icd in rows:
        if pid in persons:
            persons[pid].conditions.append((cid, icd.strip().upper()))
    rows = Medication.objects.filter(scope.q()).values_list(
        "id", "person_id", "drug_class", "status", "start_date", "end_date"
    )
    for mid, pid, drug_class, status, start, end in rows:
        active = (
            status == "active"
            and (start is None or start <= as_of)
            and (end is None or end >= as_of)
        )
        if pid in persons:
            persons[pid].medications.append((mid, drug_class, active))
    rows = FamilyHistory.objects.filter(scope.q()).values_list(
        "id", "person_id", "relation", "icd10", "condition"
    )
    for fid, pid, relation, icd, condition in rows:
        if pid in persons:
            persons[pid].family.append((fid, relation.strip().lower(), icd.upper(), condition))
    lifestyle = _latest_per(
        Lifestyle.objects.filter(scope.q(), recorded_at__lt=until),
        "kind",
        "recorded_at",
        ("id", "person_id", "kind", "value", "recorded_at"),
    )
    for lid, pid, kind, value, at in lifestyle:
        if pid in persons:
            persons[pid].lifestyle[kind] = (lid, value, at)
    if needs.questionnaires:
        answers = _latest_per(
            QuestionnaireResponse.objects.filter(
                scope.q(), instrument__in=sorted(needs.questionnaires), answered_at__lt=until
            ),
            "instrument",
            "answered_at",
            ("id", "person_id", "instrument", "answers", "answered_at"),
        )
        for qid, pid, instrument, data, at in answers:
            if pid in persons:
                persons[pid].questionnaires[instrument] = (qid, data, at)
    if needs.exams:
        exams = (
            Encounter.objects.filter(scope.q(), kind=Encounter.Kind.EXAM, occurred_at__lt=until)
            .values("person_id")
            .annotate(last=Max("occurred_at"))
            .values_list("person_id", "last")
        )
        for pid, last in exams:
            if pid in persons:
                persons[pid].last_exam_at = last
