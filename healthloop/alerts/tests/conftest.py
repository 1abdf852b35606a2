"""Fixtures of the alerts tests: the catalog and the shipped rules (loaded once per module,
removed at its end, as in the assessment tests), a department with its doctor and head, a
doctor of another department, an administrator, patients."""

import pytest

from healthloop.assessment.testing import load_reference_data, module_reference_data
from healthloop.assessment.tests.factories import born

_reference_data = module_reference_data()


@pytest.fixture
def rules(db, _reference_data):
    """The catalog and the published rules (as a deploy loads them)."""
    from healthloop.assessment.models import ScreeningRule

    load_reference_data()
    return ScreeningRule.objects.filter(status="published")


@pytest.fixture
def staff(make_user, org):
    """dept_a (常减压车间, inside the refinery) is looked after by dr_wang and headed by
    head_zhao; dr_qian looks after the finance department only; one administrator."""
    from healthloop.people.models import StaffScope

    users = {
        "doctor": make_user("dr_wang", "doctor"),
        "head": make_user("head_zhao", "dept_head"),
        "outsider": make_user("dr_qian", "doctor"),
        "admin": make_user("admin_sun", "admin"),
    }
    StaffScope.objects.create(staff=users["doctor"], org_unit=org["dept_a"])
    StaffScope.objects.create(staff=users["head"], org_unit=org["refinery"])
    StaffScope.objects.create(staff=users["outsider"], org_unit=org["dept_b"])
    return users


@pytest.fixture
def patient(make_person, org):
    return make_person("王建国", sex="male", birth_date=born(60), org_unit=org["dept_a"])


@pytest.fixture
def other_patient(make_person, org):
    return make_person("李秀英", sex="female", birth_date=born(52), org_unit=org["dept_a"])
