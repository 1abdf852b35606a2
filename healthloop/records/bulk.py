"""The bulk path for large loads (exam-result imports, HL7 and FHIR results, the demo, screening).

Two entry points:
- ``insert_rows(model, columns, rows)``: tuples of values in ``columns`` (attribute names)
  order. On PostgreSQL they go to ``COPY … FROM STDIN`` through the raw psycopg cursor as they
  are (psycopg adapts str, int, Decimal, UUID, aware datetimes, None); elsewhere each value
  goes through its field's ``get_db_prep_save`` and ``executemany`` (correct, not fast).
- ``bulk_insert(model, instances)``: model instances. On PostgreSQL their values are read with
  one ``attrgetter`` per row and only the fields whose storage differs from the Python value
  (JSON, encrypted and other custom fields, naive datetimes) are prepared through the field;
  elsewhere ``bulk_create`` (which sets the new ids where the database returns them).

Callers validate first (``Catalog.rule`` / ``services.prepare_observation``) and run inside
their own transaction; ``services.mark_pending`` is theirs to call. Nothing here sets ids on
PostgreSQL: read them back by a natural key when needed.
"""

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import partial
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.db.models import Model
from django.utils import timezone

BATCH_SIZE = 5000
SMALL_INSERT = 4  # up to this many rows, one INSERT beats a COPY on PostgreSQL (measured)

# Field classes whose Python values psycopg sends exactly as Django would (exact classes: a
# subclass such as an encrypted field prepares its value itself and is never passed through).
_PASSTHROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.DateField,
    models.UUIDField,
    models.ForeignKey,
    models.OneToOneField,
)


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert value tuples whose items follow ``columns`` (attnames, e.g. ``person_id``)."""
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_sql = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        rows = rows if isinstance(rows, Sequence) else list(rows)
        if len(rows) <= SMALL_INSERT:
            return _insert_values(table, column_sql, len(fields), rows)
        return _copy(table, column_sql, rows)
    preps = [partial(f.get_db_prep_save, connection=connection) for f in fields]
    prepared = [tuple(prep(v) for prep, v in zip(preps, row, strict=True)) for row in rows]
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), BATCH_SIZE):
            cursor.executemany(sql, prepared[start : start + BATCH_SIZE])
    return len(prepared)


def _insert_values(table: str, column_sql: str, width: int, rows: Sequence[Sequence[Any]]) -> int:
    """A few rows: one multi-row INSERT (one round trip; a COPY costs more to set up)."""
    if not rows:
        return 0
    group = "(" + ", ".join(["%s"] * width) + ")"
    sql = f"INSERT INTO {table} ({column_sql}) VALUES " + ", ".join([group] * len(rows))  # noqa: S608
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.cursor.execute(sql, [value for row in rows for value in row])
    return len(rows)


def _copy(table: str, column_sql: str, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
                count += 1
    return count


def bulk_insert(model: type[Model], rows: Sequence[Model]) -> int:
    """Insert model instances without returning ids. Timestamps are filled in if empty."""
    if not rows:
        return 0
    now = timezone.now()
    stamps = [f.attname for f in model._meta.concrete_fields if f.attname in _STAMPS]
    for row in rows:
        for attr in stamps:
            if getattr(row, attr) is None:
                setattr(row, attr, now)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        return len(rows)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    read = attrgetter(*(f.attname for f in fields))
    preps = [(i, _preparer(f)) for i, f in enumerate(fields) if type(f) not in _PASSTHROUGH]
    if len(fields) == 1:
        values: Iterable[Sequence[Any]] = ((read(row),) for row in rows)
    else:
        values = (read(row) for row in rows)
    if preps:
        values = (_prepared(row, preps) for row in values)
    quote = connection.ops.quote_name
    return _copy(quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), values)


_STAMPS = frozenset({"created_at", "updated_at"})


def _prepared(row: tuple[Any, ...], preps: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    out = list(row)
    for index, prep in preps:
        out[index] = prep(out[index])
    return out


def _preparer(field: models.Field) -> Callable[[Any], Any]:
    prep = partial(field.get_db_prep_save, connection=connection)
    if type(field) is models.DateTimeField:
        # Aware datetimes go as they are; a naive one gets Django's handling (and warning).
        return lambda v: v if v is None or (type(v) is dt.datetime and v.tzinfo) else prep(v)
    if type(field) is models.DecimalField:
        return lambda v: v if v is None or type(v) is Decimal else prep(v)
    return prep


_RAND_BITS = 74
_RAND_B_MASK = (1 << 62) - 1


def uuid7s(count: int) -> list[uuid.UUID]:
    """``count`` UUIDv7 values (RFC 9562, method 2: monotonic random) in increasing order.

    Rows of one load get increasing ids, so the unique ``uuid`` index of a big table is
    appended to instead of written at random pages. The time prefix says when a row was made
    (to the millisecond), which a public id of a stored result may say; the other 74 bits start
    at a random value and count up within the batch.
    """
    ms = time.time_ns() // 1_000_000 & ((1 << 48) - 1)
    start = int.from_bytes(os.urandom(10)) >> (80 - _RAND_BITS + 1)  # headroom for the count
    head = ms << 80 | 0x7 << 76
    return [
        uuid.UUID(int=head | (r >> 62) << 64 | 0b10 << 62 | (r & _RAND_B_MASK))
        for r in range(start, start + count)
    ]
