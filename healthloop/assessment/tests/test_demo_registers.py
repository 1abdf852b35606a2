"""Screening the generated demo population fills the registers at the prevalences the
generator was built with (healthloop/demo/prevalence.py: published Chinese figures, adjusted to
this population's sex mix).

Bands: each register must lie within the generator's own acceptance band for the condition
(``Target.band``, set for 1,500 persons) and within 3 percentage points of the prevalence the
generator measures on the same persons with its own definition (a check that the engine applies
the same definition to the record, not only a similar rate)."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction

from healthloop.assessment.engine.run import screen_population
from healthloop.assessment.models import RegisterEntry
from healthloop.assessment.rules.loader import load_rules
from healthloop.demo.generator import seed_demo
from healthloop.demo.prevalence import TARGETS, measure_prevalence
from healthloop.records.catalog import get_catalog
from healthloop.records.catalog_loader import load_catalog

PERSONS = 1500
AS_OF = dt.date(2025, 12, 31)  # the demo's exams run 2021–2025
# register (disease code) → the generator's prevalence key
REGISTERS = {
    "hypertension": "hypertension",
    "diabetes": "diabetes",
    "dyslipidemia": "dyslipidaemia",
    "hyperuricemia": "hyperuricaemia",
    "fatty_liver": "fatty_liver",
    "obesity": "obesity",
}


@pytest.fixture(scope="module")
def screened_population(django_db_setup, django_db_blocker) -> Iterator[dict]:
    """1,500 demo persons seeded and screened once for the module, rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_catalog()
            get_catalog(refresh=True)
            seed_demo(persons=PERSONS, seed=7, chunk_size=750)
            load_rules(actor=None)
            counts = screen_population(as_of=AS_OF)
            included = {
                disease: RegisterEntry.objects.filter(disease=disease, status="included").count()
                for disease in REGISTERS | {"prediabetes": ""}
            }
            yield {"counts": counts, "included": included, "measured": measure_prevalence()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            get_catalog(refresh=True)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("disease", sorted(REGISTERS))
def test_register_sizes_match_the_generators_prevalences(screened_population, disease):
    # given
    target = next(t for t in TARGETS if t.key == REGISTERS[disease])
    measured = screened_population["measured"].rates[target.key]
    # when
    rate = 100.0 * screened_population["included"][disease] / PERSONS
    # then
    low, high = target.band
    assert low <= rate <= high, f"{disease}: {rate:.1f} % outside {target.band}"
    assert abs(rate - measured) <= 3.0, f"{disease}: {rate:.1f} % vs generator {measured:.1f} %"


@pytest.mark.slow
@pytest.mark.django_db
def test_prediabetes_register_follows_the_chinese_definition(screened_population):
    # The generator's "prediabetes" target uses the ADA definition (FPG 5.6–6.9 or HbA1c
    # 5.7–6.4 %); the register uses CDS 2020 (IFG 6.1–6.9 or IGT), which the generator
    # measures as ``ifg_cds``.
    rate = 100.0 * screened_population["included"]["prediabetes"] / PERSONS
    measured = screened_population["measured"].rates["ifg_cds"]
    assert abs(rate - measured) <= 3.0, f"{rate:.1f} % vs generator {measured:.1f} %"


@pytest.mark.slow
@pytest.mark.django_db
def test_every_person_of_the_population_was_screened(screened_population):
    assert screened_population["counts"]["persons"] == PERSONS
