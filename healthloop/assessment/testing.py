"""Test support: the exam-item catalog and the shipped screening rules as reference data.

Loading them takes about a second, and most screening, alert and follow-up tests need them, so
those test modules commit them once per module (``module_reference_data``) and remove them at
the module's end, so that other apps' tests start from an empty database as they expect. A
transactional test flushes them; the per-test fixtures call the loader again, which puts back
only what is missing.
"""

from collections.abc import Callable, Iterator

import pytest


def load_reference_data() -> None:
    """The catalog and the published rules, as a deploy loads them; idempotent."""
    from healthloop.assessment.models import ScreeningRule
    from healthloop.assessment.rules.loader import load_rules
    from healthloop.records.catalog import get_catalog
    from healthloop.records.catalog_loader import load_catalog
    from healthloop.records.models import ExamItem

    if not ExamItem.objects.exists():
        load_catalog()
        get_catalog(refresh=True)
    if not ScreeningRule.objects.exists():
        load_rules(actor=None)


def unload_reference_data() -> None:
    from healthloop.assessment.models import ScreeningRule
    from healthloop.audit.testing import reset_audit_chain
    from healthloop.records.catalog import get_catalog
    from healthloop.records.models import ExamItem

    ScreeningRule.objects.all().delete()
    reset_audit_chain()  # the module loaded rules outside a test transaction
    ExamItem.objects.all().delete()
    get_catalog(refresh=True)


def module_reference_data(
    load: Callable[[], None] = load_reference_data,
    unload: Callable[[], None] = unload_reference_data,
) -> Callable[..., Iterator[None]]:
    """A module-scoped fixture that commits the reference data for the module's tests."""

    @pytest.fixture(scope="module")
    def _reference_data(django_db_setup, django_db_blocker) -> Iterator[None]:
        with django_db_blocker.unblock():
            load()
        yield
        with django_db_blocker.unblock():
            unload()

    return _reference_data
