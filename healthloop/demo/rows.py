"""Insert plain value tuples into a model's table: COPY on PostgreSQL, executemany elsewhere.

``records.bulk.bulk_insert`` takes model instances and prepares every field of every row
through the ORM; measured here that costs about 45 µs per Observation before the database
sees it, which would dominate a 15-million-row demo load. The generator therefore builds rows
as tuples of database-ready values (``DbValues`` adapts the few types that differ between
back ends once per exam, not once per row) and this writer sends them as they are.

Candidate to move into records/bulk.py as ``bulk_insert_values`` (see the demo's report).
"""

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

BATCH_ROWS = 5000


class RowWriter:
    """Write tuples whose values follow ``fields`` (attribute names, e.g. ``person_id``)."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        columns = [by_attname[name].column for name in fields]
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.column_sql = ", ".join(quote(c) for c in columns)
        self.fields = tuple(fields)
        self.rows_written = 0

    def write(self, rows: Sequence[tuple[Any, ...]]) -> int:
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            self._copy(rows)
        else:
            placeholders = ", ".join(["%s"] * len(self.fields))
            sql = f"INSERT INTO {self.table} ({self.column_sql}) VALUES ({placeholders})"  # noqa: S608
            with connection.cursor() as cursor:
                for start in range(0, len(rows), BATCH_ROWS):
                    cursor.executemany(sql, rows[start : start + BATCH_ROWS])
        self.rows_written += len(rows)
        return len(rows)

    def _copy(self, rows: Sequence[tuple[Any, ...]]) -> None:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {self.table} ({self.column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


def tune_connection() -> None:
    """A 256 MB page cache for this connection on SQLite (the default 2 MB makes index
    inserts into a large Observation table read pages back from the OS all the time)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


class DbValues:
    """Database-ready forms of the values whose storage differs between back ends."""

    def __init__(self) -> None:
        self.native = connection.vendor == "postgresql"
        self.ops = connection.ops

    def datetime(self, value: dt.datetime) -> Any:
        return value if self.native else self.ops.adapt_datetimefield_value(value)

    def date(self, value: dt.date | None) -> Any:
        if value is None or self.native:
            return value
        return self.ops.adapt_datefield_value(value)


_DEMO_EPOCH_MS = 1_767_110_400_000  # 2025-12-31 00:00 +08:00
_MS_BITS = (1 << 48) - 1
_RAND_B = (1 << 62) - 1


class UuidStream:
    """UUIDv7 values (RFC 9562) for one person's rows, deterministic from (seed, index).

    The 48-bit time field is a pseudo-timestamp that grows with the person index and the row
    number (4096 per person), so the rows' UUIDs increase in insertion order: unique-index
    inserts append instead of landing at random pages (about 25 % faster on SQLite here).
    The other 74 bits are random from the seeded stream. Written as 32 hex digits: how Django
    stores UUIDs on SQLite and MariaDB, and text that PostgreSQL accepts.
    """

    def __init__(self, seed: int, index: int) -> None:
        self.bits = random.Random(f"uuid:{seed}:{index}").getrandbits
        self.ms = _DEMO_EPOCH_MS + index * 4096

    def next(self) -> str:
        rand = self.bits(74)
        value = (
            (self.ms & _MS_BITS) << 80
            | 0x7 << 76
            | (rand >> 62) << 64
            | 0b10 << 62
            | (rand & _RAND_B)
        )
        self.ms += 1
        return f"{value:032x}"

    def many(self, count: int) -> list[str]:
        """``count`` UUIDs at once (the observation rows' hot path)."""
        ms, bits = self.ms & _MS_BITS, self.bits
        self.ms += count
        return [
            f"{(ms + i) << 80 | 0x7 << 76 | (r >> 62) << 64 | 0b10 << 62 | (r & _RAND_B):032x}"
            for i, r in enumerate(bits(74) for _ in range(count))
        ]
