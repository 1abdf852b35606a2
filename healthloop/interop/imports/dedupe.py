"""Duplicates: results within the file and results already stored.

Each result has a deterministic ``source_key`` = source system : exam number : catalog item
code. A key already stored is a duplicate and skipped before any validation, so re-importing
a file (or a cumulative HIS export) costs one look-up per result and writes nothing. Within a
file, a repeated key with the same value is a duplicate; with another value it is a conflict.
An exam number already stored for another person, or with another date, is a conflict too.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from healthloop.records.models import Encounter, Observation

_CHUNK = 500


def source_key(source_system: str, exam_no: str, item_code: str) -> str:
    return f"{source_system}:{exam_no}:{item_code}"


def stored_keys(keys: Iterable[str]) -> set[str]:
    """The keys among ``keys`` that an observation already carries."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    if connection.vendor == "postgresql":  # one query, the keys as one array parameter
        table = Observation._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT source_key FROM {table} WHERE source_key = ANY(%s)",  # noqa: S608
                [wanted],
            )
            return {key for (key,) in cursor.fetchall()}
    for start in range(0, len(wanted), _CHUNK):
        query = Observation.objects.filter(source_key__in=wanted[start : start + _CHUNK])
        found.update(query.values_list("source_key", flat=True))
    return found


def stored_exams(source_system: str, exam_nos: Iterable[str]) -> dict[str, tuple[int, dt.datetime]]:
    """(person id, date) of the stored encounters with these exam numbers."""
    wanted = sorted(set(exam_nos))
    found: dict[str, tuple[int, dt.datetime]] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = Encounter.objects.filter(
            source_system=source_system, source_id__in=wanted[start : start + _CHUNK]
        ).values_list("source_id", "person_id", "occurred_at")
        found.update({exam_no: (person_id, when) for exam_no, person_id, when in query})
    return found
