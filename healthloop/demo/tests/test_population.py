"""The seeded demo population: identities, structure, prevalences, values and alerts."""

from collections import Counter

import pytest
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.utils import timezone

from healthloop.core.clock import age_on, local_day
from healthloop.demo.events import CRITICAL_PER_MILLE
from healthloop.demo.population import AS_OF
from healthloop.demo.prevalence import TARGETS, measure_prevalence
from healthloop.demo.tests.conftest import POPULATION_SIZE
from healthloop.people.identity import normalize_mobile, parse_resident_id
from healthloop.people.models import OrgUnit, Person
from healthloop.records.catalog import get_catalog
from healthloop.records.models import (
    Condition,
    Encounter,
    Medication,
    Observation,
    PendingAssessment,
)

pytestmark = pytest.mark.django_db


def test_every_id_number_is_valid_and_agrees_with_sex_and_birth_date(population):
    # given the seeded population
    persons = list(Person.objects.all())
    # when every ID number is parsed by the people app's validator
    parsed = [(p, parse_resident_id(p.id_number, today=AS_OF)) for p in persons]
    # then each is valid, unique, and encodes the person's sex and birth date
    assert len(parsed) == POPULATION_SIZE
    assert all(r.sex == p.sex and r.birth_date == p.birth_date for p, r in parsed)
    assert len({r.number for _, r in parsed}) == POPULATION_SIZE
    assert all(p.id_number_hash and p.id_last4 == p.id_number[-4:] for p in persons)


def test_phones_are_valid_unique_mobiles_and_employee_numbers_unique(population):
    # given the seeded population
    persons = list(Person.objects.all())
    # when / then: mobile numbers pass the validator unchanged and are all different
    assert all(normalize_mobile(p.phone) == p.phone for p in persons)
    assert len({p.phone for p in persons}) == POPULATION_SIZE
    assert len({p.employee_no for p in persons}) == POPULATION_SIZE
    assert all(p.name_pinyin and p.name_initials for p in persons)


def test_about_seventy_percent_are_men(population):
    # given / when
    sexes = Counter(Person.objects.values_list("sex", flat=True))
    # then
    assert 0.66 <= sexes["male"] / POPULATION_SIZE <= 0.74
    assert set(sexes) == {"male", "female"}


def test_ages_fit_each_status(population):
    # given / when: ages at the end of the last exam year
    ages: dict[str, list[int]] = {"active": [], "retired": [], "left": []}
    for status, birth in Person.objects.values_list("status", "birth_date"):
        ages[status].append(age_on(birth, AS_OF))
    # then: staff 22–60, retirees 55–95, and all three statuses present
    assert min(ages["active"]) >= 22 and max(ages["active"]) <= 60
    assert min(ages["retired"]) >= 55 and max(ages["retired"]) <= 95
    assert ages["left"] and all(22 <= age <= 60 for age in ages["left"])
    assert 0.65 <= len(ages["active"]) / POPULATION_SIZE <= 0.79


def test_org_tree_places_retirees_in_the_retirees_office(population):
    # given
    org = population.org
    retirees = Person.objects.filter(status=Person.Status.RETIRED)
    # when
    outside = retirees.exclude(org_unit__path__startswith=org.retirees.path)
    in_division = Person.objects.filter(org_unit__path__startswith=org.division.path)
    # then
    assert org.retirees.kind == OrgUnit.Kind.RETIREES
    assert org.division.kind == OrgUnit.Kind.DIVISION and org.division.name == "炼油厂"
    assert retirees.exists() and not outside.exists()
    assert in_division.count() > POPULATION_SIZE * 0.1
    assert not Person.objects.filter(org_unit__isnull=True).exists()


def test_prevalences_land_in_the_stated_bands(population):
    # given the seeded population
    # when prevalences are measured at each person's latest exam
    measured = measure_prevalence()
    # then each lies within its band around the published Chinese figure
    assert measured.persons == POPULATION_SIZE
    outside = {
        t.key: round(measured.rates[t.key], 1)
        for t in TARGETS
        if not t.band[0] <= measured.rates[t.key] <= t.band[1]
    }
    assert outside == {}
    by_age = measured.hypertension_by_age
    assert by_age["22–34"][1] < by_age["45–54"][1] < by_age["65–74"][1]


def test_numeric_values_are_plausible_and_in_the_catalog_unit(population):
    # given the numeric observations
    numeric = Observation.objects.filter(value_num__isnull=False)
    # when compared with their catalog item in the database
    implausible = numeric.filter(
        Q(value_num__lt=F("item__plausible_min")) | Q(value_num__gt=F("item__plausible_max"))
    )
    wrong_unit = numeric.exclude(unit=F("item__unit"))
    # then none is out of bounds or in another unit, and every row names its item
    assert numeric.count() > POPULATION_SIZE * 200
    assert implausible.count() == 0
    assert wrong_unit.count() == 0
    assert not Observation.objects.filter(item__isnull=True).exists()
    assert not Observation.objects.exclude(code=F("item__code")).exists()


def test_flags_match_the_catalog_on_a_sample(population):
    # given every 7th numeric result and the catalog
    catalog = get_catalog(refresh=True)
    sample = (
        Observation.objects.annotate(slot=Mod("id", 7))
        .filter(slot=0, value_num__isnull=False)
        .values_list(
            "item_id", "value_num", "flag", "person__sex", "person__birth_date", "effective_at"
        )
    )
    # when each is flagged by the catalog itself
    mismatches = [
        (item_id, value, flag)
        for item_id, value, flag, sex, birth, when in sample
        if catalog.flag(catalog.by_id[item_id], value, sex, age_on(birth, local_day(when)))[0]
        != flag
    ]
    # then the generator's fast flags agree
    assert len(sample) > 2000
    assert mismatches == []


def test_a_few_critical_values_and_major_findings_exist(population):
    # given / when
    critical = Observation.objects.filter(flag__in=["HH", "LL"])
    persons = critical.values("person").distinct().count()
    classes = Counter(
        Observation.objects.filter(code="MAJOR_FINDING_CLASS").values_list("value_code", flat=True)
    )
    # then a handful (about 0.4 % of persons), all in class-A exams
    assert 1 <= persons <= POPULATION_SIZE * CRITICAL_PER_MILLE * 2 / 1000
    a_class = set(
        Observation.objects.filter(code="MAJOR_FINDING_CLASS", value_code="A").values_list(
            "encounter", flat=True
        )
    )
    assert set(critical.values_list("encounter", flat=True)) <= a_class
    assert classes["B"] > 0
    assert Observation.objects.filter(
        code="ECG_CONCLUSION", value_text__startswith="心房颤动"
    ).exists()


def test_text_and_coded_findings_are_present(population):
    # given / when
    coded = set(Observation.objects.exclude(value_code="").values_list("code", "value_code"))
    # then the coded grades of ultrasound and CT appear with realistic variety
    assert {("US_FATTY_LIVER", g) for g in ("NONE", "MILD", "MODERATE")} <= coded
    assert {("US_THYROID_TIRADS", "3"), ("US_BREAST_BIRADS", "3"), ("LDCT_LUNG_RADS", "2")} <= coded
    assert Observation.objects.filter(code="US_THYROID", value_text__contains="C-TIRADS").exists()
    assert Observation.objects.filter(code="LDCT_CONCLUSION", value_text__contains="mm").exists()


def test_exams_cover_2021_to_2025_and_treated_persons_have_diagnoses(population):
    # given / when
    # Years in Python: MariaDB without time-zone tables answers NULL to __year lookups.
    years = Counter(
        timezone.localtime(moment).year
        for moment in Encounter.objects.filter(kind="exam").values_list("occurred_at", flat=True)
    )
    metformin_users = set(
        Medication.objects.filter(drug_class="hypoglycemic").values_list("person", flat=True)
    )
    diabetics = set(
        Condition.objects.filter(icd10__startswith="E11").values_list("person", flat=True)
    )
    # then
    assert set(years) == {2021, 2022, 2023, 2024, 2025}
    assert years[2025] > years[2021]  # new hires outnumber leavers
    assert metformin_users and metformin_users <= diabetics
    assert set(Medication.objects.values_list("drug_class", flat=True)) >= {
        "antihypertensive",
        "hypoglycemic",
        "lipid_lowering",
        "urate_lowering",
    }
    assert Encounter.objects.filter(kind="outpatient").exists()


def test_every_person_is_pending_assessment(population):
    # given / when
    pending = PendingAssessment.objects.filter(reason="demo_seed")
    # then one row per person
    assert pending.count() == POPULATION_SIZE
    assert pending.values("person").distinct().count() == POPULATION_SIZE
