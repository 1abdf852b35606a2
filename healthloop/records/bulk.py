"""The bulk path for large loads (exam-result imports, the demo population).

On PostgreSQL rows go in with ``COPY … FROM STDIN`` (binary-safe text format through psycopg 3);
elsewhere with ``bulk_create`` in batches. Callers validate first (``services.
prepare_observation``) and run inside their own transaction; ``mark_pending`` is theirs to call.
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone

BATCH_SIZE = 5000


def bulk_insert(model: type[Model], rows: Sequence[Model]) -> int:
    """Insert model instances without returning ids. Timestamps are filled in if empty."""
    if not rows:
        return 0
    now = timezone.now()
    for row in rows:
        for attr in ("created_at", "updated_at"):
            if hasattr(row, attr) and getattr(row, attr) is None:
                setattr(row, attr, now)
    if connection.vendor == "postgresql":
        return _copy(model, rows)
    model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _copy(model: type[Model], rows: Sequence[Model]) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                )
    return len(rows)
