"""Small database helpers shared by the apps."""

from collections.abc import Callable, Sequence

from django.db import connection, transaction
from django.db.models import Model


def on_commit(func: Callable[[], object]) -> None:
    """Run ``func`` after the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(func)


def vendor() -> str:
    """'postgresql', 'mysql' or 'sqlite'."""
    return connection.vendor


def supports_skip_locked() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)


def update_rows(model: type[Model], rows: Sequence[Model], fields: Sequence[str]) -> int:
    """Write ``fields`` of existing ``rows`` back, one parametrised UPDATE per row sent with
    ``executemany`` (psycopg pipelines it: one round trip for all). Same effect as
    ``bulk_update`` without its CASE WHEN expression per row and column, which costs more to
    build than to run (a few rows take milliseconds). Like ``bulk_update``, no ``save()``
    signals and no ``auto_now``."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)
    pk = qn(model._meta.pk.column)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns]
                + [row.pk]
                for row in rows
            ],
        )
    return len(rows)


def refresh_statistics(*models: type[Model]) -> None:
    """Refresh PostgreSQL's planner statistics of these tables after a bulk write (a full
    screening run, a demo load): without them the next small look-ups are planned from stale
    estimates until autovacuum's next pass, if autovacuum runs at all. MariaDB (InnoDB)
    recalculates its statistics itself, and ANALYZE TABLE would commit the caller's
    transaction; SQLite's planner does without."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
