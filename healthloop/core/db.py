"""Small database helpers shared by the apps."""

from collections.abc import Callable

from django.db import connection, transaction


def on_commit(func: Callable[[], object]) -> None:
    """Run ``func`` after the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(func)


def vendor() -> str:
    """'postgresql', 'mysql' or 'sqlite'."""
    return connection.vendor


def supports_skip_locked() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)
