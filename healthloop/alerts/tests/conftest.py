"""Fixtures of the alerts tests: the catalog and the shipped rules (loaded once per module,
removed at its end, as in the assessment tests), a department with its doctor and head, a
doctor of another department, an administrator, patients."""

import pytest

from healthloop.assessment.tests.factories import born


def _load() -> None:
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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _reference_data(django_db_setup, django_db_blocker):
    from healthloop.assessment.models import ScreeningRule
    from healthloop.audit.testing import reset_audit_chain
    from healthloop.records.catalog import get_catalog
    from healthloop.records.models import ExamItem

    with django_db_blocker.unblock():
        _load()
    yield
    with django_db_blocker.unblock():
        ScreeningRule.objects.all().delete()
        reset_audit_chain()  # the module loaded rules outside a test transaction
        ExamItem.objects.all().delete()
        get_catalog(refresh=True)


@pytest.fixture
def rules(db, _reference_data):
    """The catalog and the published rules (as a deploy loads them)."""
    from healthloop.assessment.models import ScreeningRule

    _load()
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
