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

from django.db import connection
from django.db.models import Model, Q
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

    def sql(self, column: str) -> tuple[str, list[int]]:
        """The same condition as ``q`` as SQL on ``column`` (quoted), with its parameters."""
        if self.ids is not None:
            if not self.ids:
                return "1 = 0", []
            return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", list(self.ids)
        parts, params = [], []
        if self.lo is not None:
            parts.append(f"{column} >= %s")
            params.append(self.lo)
        if self.hi is not None:
            parts.append(f"{column} < %s")
            params.append(self.hi)
        return " AND ".join(parts), params


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


class _Table:
    """Portable SQL over one model's table, written once instead of compiled by the ORM per
    batch (compiling a window query cost more than running it for one person). Values come
    back through the same converters the ORM applies (datetimes on SQLite and MariaDB, JSON),
    so the rows equal what ``values_list`` would return."""

    def __init__(self, model: type[Model], columns: tuple[str, ...]) -> None:
        self.model = model
        self.columns = columns
        self.table = connection.ops.quote_name(model._meta.db_table)

    def column(self, name: str) -> str:
        return connection.ops.quote_name(self.model._meta.get_field(name).column)

    def converters(self, names: tuple[str, ...]) -> list[tuple[int, list[Any], Any]]:
        found = []
        for index, name in enumerate(names):
            field = self.model._meta.get_field(name)
            col = field.get_col(self.model._meta.db_table)
            convert = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if convert:
                found.append((index, convert, col))
        return found

    def select(self, scope: "Scope", where: str = "", params: Iterable[Any] = (),
               *, rank: tuple[str, str] | None = None, depth: int = 1,
               extra: tuple[str, ...] = ()) -> list[tuple]:  # fmt: skip
        """Rows of ``columns`` (+ ``extra`` SQL expressions) for the persons in ``scope``
        matching ``where``; with ``rank`` = (key, order field), only the ``depth`` newest rows
        per (person, key), ties broken by the newest id."""
        scope_sql, scope_params = scope.sql(self.column("person"))
        exprs = [self.column(c) for c in self.columns] + list(extra)
        conditions = " AND ".join(c for c in (scope_sql, where) if c)
        # identifiers quoted by the backend, values as parameters
        sql = f"SELECT {', '.join(exprs)} FROM {self.table} WHERE {conditions}"  # noqa: S608
        if rank is not None:
            key, order = (self.column(c) for c in rank)
            window = (
                f"ROW_NUMBER() OVER (PARTITION BY {self.column('person')}, {key} "
                f"ORDER BY {order} DESC, {self.column('id')} DESC)"
            )
            inner = ", ".join(f"{expr} AS c{i}" for i, expr in enumerate(exprs))
            outer = ", ".join(f"c{i}" for i in range(len(exprs)))
            sql = (
                f"SELECT {outer} FROM (SELECT {inner}, {window} AS rn FROM {self.table} "  # noqa: S608
                f"WHERE {conditions}) ranked WHERE rn <= %s"
            )
            params = (*params, depth)
        with connection.cursor() as cursor:
            cursor.execute(sql, (*scope_params, *params))
            rows = cursor.fetchall()
        converters = self.converters(self.columns)
        if not converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for index, convert, col in converters:
                value = values[index]
                for function in convert:
                    value = function(value, col, connection)
                values[index] = value
            converted.append(tuple(values))
        return converted


_OBS_COLUMNS = ("id", "person", "item", "value_code", "value_text", "flag", "effective_at")
_FLOAT = {"postgresql": "DOUBLE PRECISION", "mysql": "DOUBLE", "sqlite": "REAL"}


def _ranked_observations(
    scope: Scope, item_ids: list[int], since: dt.datetime, until: dt.datetime, depth: int
) -> list[tuple]:
    """The ``depth`` newest non-cancelled observations per (person, item) in [since, until),
    numbers as floats."""
    table = _Table(Observation, _OBS_COLUMNS)
    as_float = _FLOAT.get(connection.vendor, "DOUBLE PRECISION")
    extra = tuple(
        f"CAST({table.column(name)} AS {as_float})" for name in ("value_num", "ref_low", "ref_high")
    )
    placeholders = ", ".join(["%s"] * len(item_ids))
    where = (
        f"{table.column('item')} IN ({placeholders}) AND {table.column('effective_at')} >= %s "
        f"AND {table.column('effective_at')} < %s AND {table.column('status')} <> %s"
    )
    params = (
        *item_ids,
        connection.ops.adapt_datetimefield_value(since),
        connection.ops.adapt_datetimefield_value(until),
        Observation.Status.CANCELLED.value,
    )
    rank = ("item", "effective_at")
    return table.select(scope, where, params, rank=rank, depth=depth, extra=extra)


def _obs(row: tuple, codes: dict[int, str]) -> Obs:
    oid, _pid, item_id, code, text, flag, at, value, low, high = row
    return Obs(oid, codes[item_id], value, code, text, flag, at, low, high)


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
    at_until = connection.ops.adapt_datetimefield_value(until)
    conditions = _Table(Condition, ("id", "person", "icd10"))
    rows = conditions.select(scope, f"{conditions.column('status')} = %s", ["active"])
    for cid, pid, icd in rows:
        if pid in persons:
            persons[pid].conditions.append((cid, icd.strip().upper()))
    medications = _Table(
        Medication, ("id", "person", "drug_class", "status", "start_date", "end_date")
    )
    for mid, pid, drug_class, status, start, end in medications.select(scope):
        active = (
            status == "active"
            and (start is None or start <= as_of)
            and (end is None or end >= as_of)
        )
        if pid in persons:
            persons[pid].medications.append((mid, drug_class, active))
    family = _Table(FamilyHistory, ("id", "person", "relation", "icd10", "condition"))
    for fid, pid, relation, icd, condition in family.select(scope):
        if pid in persons:
            persons[pid].family.append((fid, relation.strip().lower(), icd.upper(), condition))
    lifestyle = _Table(Lifestyle, ("id", "person", "kind", "value", "recorded_at"))
    rows = lifestyle.select(
        scope, f"{lifestyle.column('recorded_at')} < %s", [at_until],
        rank=("kind", "recorded_at"),
    )  # fmt: skip
    for lid, pid, kind, value, at in rows:
        if pid in persons:
            persons[pid].lifestyle[kind] = (lid, value, at)
    if needs.questionnaires:
        answers = _Table(
            QuestionnaireResponse, ("id", "person", "instrument", "answers", "answered_at")
        )
        instruments = sorted(needs.questionnaires)
        where = (
            f"{answers.column('instrument')} IN ({', '.join(['%s'] * len(instruments))}) "
            f"AND {answers.column('answered_at')} < %s"
        )
        rows = answers.select(
            scope, where, [*instruments, at_until], rank=("instrument", "answered_at")
        )
        for qid, pid, instrument, data, at in rows:
            if pid in persons:
                persons[pid].questionnaires[instrument] = (qid, data, at)
    if needs.exams:
        exams = _Table(Encounter, ("id", "person", "kind", "occurred_at"))
        where = f"{exams.column('kind')} = %s AND {exams.column('occurred_at')} < %s"
        rows = exams.select(
            scope, where, [Encounter.Kind.EXAM.value, at_until], rank=("kind", "occurred_at")
        )
        for _eid, pid, _kind, last in rows:
            if pid in persons:
                persons[pid].last_exam_at = last
