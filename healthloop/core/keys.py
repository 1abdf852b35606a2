"""Key rotation for identifiers at rest (``core.crypto``): re-encrypt every encrypted column
under the current data key and recompute every blind index under the current index key.

Which columns: every ``EncryptedTextField`` of every installed model. Which blind indexes: a
model lists them as ``BLIND_INDEXES = {"<hash field>": "<plain field>"}`` (the plain field is
stored normalised, so its blind index is ``blind_index(value)``). Rows are read raw (the key id
prefix tells which key encrypted them), rewritten one by one with an optimistic check (the row
still holds what we read), in short transactions, so the command can run while the system is
up and can be re-run: a second run finds nothing to do. Old data keys must stay in the key
ring until a run reports nothing left under them.
"""

import base64
import json
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from healthloop.core.crypto import EncryptedTextField, blind_index, decrypt, encrypt, key_ring


@dataclass
class RotationReport:
    reencrypted: Counter[str] = field(default_factory=Counter)  # "app.Model.field" → rows
    reindexed: Counter[str] = field(default_factory=Counter)
    by_old_key: Counter[str] = field(default_factory=Counter)
    current_key: str = ""


def add_data_key(*, new_index_key: bool = False) -> str:
    """Key-file mode: add a fresh data key and make it current (optionally a fresh index key
    too). Returns the new key id. With ``FIELD_KEYS`` from the environment the operator puts
    the new key first in the variable instead."""
    if settings.FIELD_KEYS:
        raise RuntimeError(
            "keys come from FIELD_KEYS: put the new key first there (keep the old ones after it)"
        )
    path = Path(settings.FIELD_KEY_FILE)
    ring = key_ring()  # creates the file on first use
    data = json.loads(path.read_text())
    number = 1 + max(int(k[1:]) for k in data["keys"] if k[1:].isdigit())
    key_id = f"k{number}"
    data["keys"][key_id] = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
    data["current"] = key_id
    if new_index_key:
        data["index"] = base64.b64encode(secrets.token_bytes(32)).decode()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    key_ring.cache_clear()
    assert key_ring().current_id == key_id and ring is not None
    return key_id


def encrypted_columns() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]


def _label(model: type[models.Model], name: str) -> str:
    return f"{model._meta.label}.{name}"


def _reencrypt(model, fld, current: str, report: RotationReport, batch: int) -> None:
    table, quote = model._meta.db_table, connection.ops.quote_name
    pk, col = quote(model._meta.pk.column), quote(fld.column)
    last = None
    while True:
        where = f"{col} IS NOT NULL AND {col} <> ''" + (f" AND {pk} > %s" if last else "")
        sql = f"SELECT {pk}, {col} FROM {quote(table)} WHERE {where} ORDER BY {pk}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql + f" LIMIT {int(batch)}", [last] if last else [])
            rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        stale = [(key, raw) for key, raw in rows if raw.partition(":")[0] != current]
        with transaction.atomic():
            for key, raw in stale:
                fresh = encrypt(decrypt(raw))
                update = f"UPDATE {quote(table)} SET {col} = %s WHERE {pk} = %s AND {col} = %s"  # noqa: S608
                with connection.cursor() as cursor:
                    cursor.execute(update, [fresh, key, raw])
                    if cursor.rowcount:
                        report.reencrypted[_label(model, fld.name)] += 1
                        report.by_old_key[raw.partition(":")[0]] += 1


def _reindex(model, hash_field: str, plain_field: str, report: RotationReport, batch: int):
    rows = model._default_manager.exclude(**{plain_field: ""}).exclude(**{plain_field: None})
    rows = rows.order_by("pk").only("pk", hash_field, plain_field)
    start = 0
    while True:
        chunk = list(rows.filter(pk__gt=start)[:batch])
        if not chunk:
            return
        start = chunk[-1].pk
        with transaction.atomic():
            for row in chunk:
                wanted = blind_index(getattr(row, plain_field))
                if getattr(row, hash_field) != wanted:
                    model._default_manager.filter(pk=row.pk).update(**{hash_field: wanted})
                    report.reindexed[_label(model, hash_field)] += 1


def rotate_field_keys(*, batch: int = 500) -> RotationReport:
    """Bring every encrypted column and blind index to the current keys (idempotent)."""
    ring = key_ring()
    report = RotationReport(current_key=ring.current_id)
    for model, fld in encrypted_columns():
        _reencrypt(model, fld, ring.current_id, report, batch)
    for model in apps.get_models():
        for hash_field, plain_field in getattr(model, "BLIND_INDEXES", {}).items():
            _reindex(model, hash_field, plain_field, report, batch)
    return report


def remaining_under_other_keys() -> Counter[str]:
    """Rows per key id that is not current (should be empty after a rotation)."""
    current, left = key_ring().current_id, Counter()
    quote = connection.ops.quote_name
    for model, fld in encrypted_columns():
        col = quote(fld.column)
        sql = f"SELECT {col} FROM {quote(model._meta.db_table)} WHERE {col} IS NOT NULL AND {col} <> ''"  # noqa: S608,E501
        with connection.cursor() as cursor:
            cursor.execute(sql)
            for (raw,) in cursor.fetchall():
                key_id = raw.partition(":")[0]
                if key_id != current:
                    left[key_id] += 1
    return left
