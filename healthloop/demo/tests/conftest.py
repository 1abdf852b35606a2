"""Fixtures of the demo tests: one seeded population per module, rolled back afterwards."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from healthloop.demo.generator import SeedResult, seed_demo
from healthloop.records.catalog import get_catalog
from healthloop.records.catalog_loader import load_catalog

POPULATION_SIZE = 1500
POPULATION_SEED = 7


@pytest.fixture(scope="module")
def population(django_db_setup, django_db_blocker) -> Iterator[SeedResult]:
    """1,500 persons seeded once for the module inside a transaction that is rolled back at
    the end, so nothing leaks into other tests. Tests using it still need ``django_db``."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_catalog()
            yield seed_demo(persons=POPULATION_SIZE, seed=POPULATION_SEED, chunk_size=750)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            get_catalog(refresh=True)  # forget the rolled-back catalog rows
