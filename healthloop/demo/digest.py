"""A SHA-256 fingerprint of the demo data in the database, to check determinism.

Covers what the generator decides: persons (with decrypted ID and phone numbers, so two
databases with different field keys still compare equal), encounters, observations, and the
clinical facts, by natural keys (employee number, source id), never by database ids, sorted in
Python so that SQLite, PostgreSQL and MariaDB give the same digest for the same data. Row
creation times are left out: they are the time of loading.
"""

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from healthloop.people.models import Person
from healthloop.records.models import (
    Condition,
    Encounter,
    FamilyHistory,
    Lifestyle,
    Medication,
    Observation,
)


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.4f}"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return "" if value is None else str(value)


def _feed(digest: "hashlib._Hash", label: str, rows: Iterable[Iterable[object]]) -> None:
    """Rows are sorted here, not by the database: collations differ between back ends."""
    digest.update(label.encode())
    for line in sorted("\x1f".join(_text(v) for v in row) for row in rows):
        digest.update(line.encode())
        digest.update(b"\x1e")


def population_digest() -> str:
    digest = hashlib.sha256()
    persons = Person.objects.select_related("org_unit")
    _feed(
        digest,
        "persons",
        (
            (p.employee_no, p.uuid, p.name, p.name_pinyin, p.sex, p.birth_date, p.id_number,
             p.phone, p.org_unit.code if p.org_unit else "", p.status, p.job_type,
             p.preferred_channel, p.wechat_openid)
            for p in persons.iterator(chunk_size=2000)
        ),
    )  # fmt: skip
    _feed(digest, "encounters", Encounter.objects.values_list(
        "source_id", "uuid", "kind", "occurred_at", "facility", "department", "exam_package",
        "summary").iterator(chunk_size=5000))  # fmt: skip
    _feed(digest, "observations", Observation.objects.values_list(
        "encounter__source_id", "code", "uuid", "value_num", "value_text", "value_code", "unit",
        "ref_low", "ref_high", "flag", "effective_at").iterator(chunk_size=20_000))  # fmt: skip
    for label, model, fields in (
        ("conditions", Condition, ("uuid", "person__employee_no", "icd10", "name",
                                   "onset_date", "encounter__source_id")),
        ("medications", Medication, ("uuid", "person__employee_no", "name", "atc_code",
                                     "drug_class", "dose", "start_date")),
        ("family", FamilyHistory, ("uuid", "person__employee_no", "relation", "icd10",
                                   "condition")),
        ("lifestyle", Lifestyle, ("uuid", "person__employee_no", "kind", "value", "detail",
                                  "recorded_at")),
    ):  # fmt: skip
        _feed(digest, label, model.objects.values_list(*fields))
    return digest.hexdigest()
