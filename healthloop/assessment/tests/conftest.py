"""Fixtures of the assessment tests: the catalog and the YAML rules, staff in and out of
scope.

Loading the catalog takes about a second; most tests here need it together with the rules,
so both are committed to the test database once per module (and removed at the module's
end, so other apps' tests start from an empty database as they expect). A transactional test
flushes them: ``catalog`` and ``rules`` then load them again inside the test."""

import pytest

from healthloop.assessment.testing import load_reference_data, module_reference_data
from healthloop.assessment.tests.factories import born

_reference_data = module_reference_data()


@pytest.fixture
def catalog(db, _reference_data):
    """The exam-item catalog (overrides the project fixture: loaded once per module)."""
    from healthloop.records.catalog import get_catalog

    load_reference_data()
    return get_catalog()


@pytest.fixture
def rules(catalog):
    """The shipped rules, as a deploy loads them (``manage.py load_rules``)."""
    from healthloop.assessment.models import ScreeningRule

    return ScreeningRule.objects.filter(status="published")


@pytest.fixture
def doctor(make_user, org):
    """A doctor who looks after the refinery division (and its departments)."""
    from healthloop.people.models import StaffScope

    user = make_user("dr_li", "doctor")
    StaffScope.objects.create(staff=user, org_unit=org["refinery"])
    return user


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", "admin")


@pytest.fixture
def patient(make_person, org):
    """A 60-year-old man in the doctor's scope."""
    return make_person("王建国", sex="male", birth_date=born(60), org_unit=org["dept_a"])


@pytest.fixture
def stranger(make_person, org):
    """A woman outside the doctor's scope (finance department)."""
    return make_person("赵敏", sex="female", birth_date=born(45), org_unit=org["dept_b"])
