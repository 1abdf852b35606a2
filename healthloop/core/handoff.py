"""Durable hand-offs from a lower layer to an upper one, without importing upward.

A lower app (records) writes a row the upper app (assessment) drains, in the same transaction
as its own change, then calls ``nudge("assessment")``. After commit this enqueues one Huey
task that runs the drain function the upper app registered in its ``AppConfig.ready``. If the
nudge is lost (the worker was down), the upper app's periodic drain still finds the rows: the
row is the truth, the nudge only makes it fast.
"""

from collections.abc import Callable

from django.db import transaction
from huey.contrib.djhuey import db_task

_drains: dict[str, Callable[[], object]] = {}


def register_drain(name: str, func: Callable[[], object]) -> None:
    _drains[name] = func


def registered_drain(name: str) -> Callable[[], object] | None:
    return _drains.get(name)


@db_task(priority=10)
def run_drain_task(name: str) -> object:
    func = _drains.get(name)
    return func() if func is not None else None


def nudge(name: str) -> None:
    """Ask for the named drain to run soon after the current transaction commits."""
    transaction.on_commit(lambda: run_drain_task(name))
