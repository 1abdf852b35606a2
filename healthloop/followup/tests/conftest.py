"""Fixtures of the follow-up tests: the catalog, the screening rules and the follow-up
templates (committed once per module, removed at its end), staff in and out of scope."""

import datetime as dt

import pytest

from healthloop.assessment.testing import (
    load_reference_data,
    module_reference_data,
    unload_reference_data,
)


def _load() -> None:
    from healthloop.followup.models import FollowUpTemplate
    from healthloop.followup.template_loader import load_templates

    load_reference_data()
    if not FollowUpTemplate.objects.exists():
        load_templates(actor=None)


def _unload() -> None:
    from healthloop.followup.models import FollowUpTemplate

    FollowUpTemplate.objects.all().delete()
    unload_reference_data()


_reference_data = module_reference_data(_load, _unload)


@pytest.fixture
def catalog(db, _reference_data):
    from healthloop.records.catalog import get_catalog

    _load()
    return get_catalog()


@pytest.fixture
def templates(catalog):
    from healthloop.followup.models import FollowUpTemplate

    return FollowUpTemplate.objects.all()


@pytest.fixture
def manager(make_user, org):
    """A health manager who looks after the refinery division (and its departments)."""
    from healthloop.people.models import StaffScope

    user = make_user("hm_zhou", "health_manager")
    StaffScope.objects.create(staff=user, org_unit=org["refinery"])
    return user


@pytest.fixture
def operator(make_user, org):
    """A follow-up operator (随访专员) for the refinery division."""
    from healthloop.people.models import StaffScope

    user = make_user("op_sun", "outreach")
    StaffScope.objects.create(staff=user, org_unit=org["refinery"])
    return user


@pytest.fixture
def head(make_user, org):
    """The department head over the whole company."""
    from healthloop.people.models import StaffScope

    user = make_user("head_wu", "dept_head")
    StaffScope.objects.create(staff=user, org_unit=org["company"])
    return user


def born(age: int) -> dt.date:
    from django.utils import timezone

    day = timezone.localdate() - dt.timedelta(days=10)
    return day.replace(year=day.year - age, day=min(day.day, 28))


@pytest.fixture
def patient(make_person, org):
    """A 60-year-old man in the refinery (in scope of manager and operator)."""
    return make_person("王建国", sex="male", birth_date=born(60), org_unit=org["dept_a"])


@pytest.fixture
def stranger(make_person, org):
    """A woman in finance: outside the refinery staff's scope."""
    return make_person("赵敏", sex="female", birth_date=born(45), org_unit=org["dept_b"])
