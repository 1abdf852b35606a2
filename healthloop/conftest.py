"""Shared pytest fixtures: users of each role, an org tree, persons, the loaded catalog."""

import datetime as dt
import os

import pytest

os.environ.setdefault("HEALTHLOOP_TESTING", "1")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users need no strong password hashes (PBKDF2 costs ~0.3 s per user)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalog(db):
    """The exam-item catalog loaded from the shipped YAML (as `make run` does)."""
    from healthloop.records.catalog import get_catalog
    from healthloop.records.catalog_loader import load_catalog

    load_catalog()
    return get_catalog(refresh=True)


@pytest.fixture
def make_user(db):
    from healthloop.accounts.models import User

    def make(username: str, role: str, **extra):
        return User.objects.create_user(
            username=username, password="pw-Test-2026!", role=role, **extra
        )

    return make


@pytest.fixture
def org(db):
    """company → refinery division → two departments."""
    from healthloop.people.models import OrgUnit

    company = OrgUnit.objects.create(name="石化公司", code="C", kind="company")
    refinery = OrgUnit.objects.create(name="炼油厂", code="C01", kind="division", parent=company)
    dept_a = OrgUnit.objects.create(
        name="常减压车间", code="C0101", kind="department", parent=refinery
    )
    dept_b = OrgUnit.objects.create(name="财务部", code="C02", kind="department", parent=company)
    return {"company": company, "refinery": refinery, "dept_a": dept_a, "dept_b": dept_b}


# Valid resident ID numbers (GB 11643 check digits), sex and birth date encoded.
ID_MALE_1980 = "110105198001010016"
ID_FEMALE_1949 = "11010519491231002X"  # the standard's own worked example
ID_MALE_1965 = "440524196503150033"


@pytest.fixture
def make_person(db):
    from healthloop.people.services import PersonInput, upsert_person

    def make(
        name: str,
        *,
        id_number: str = "",
        org_unit=None,
        phone: str = "",
        employee_no: str = "",
        sex: str = "",
        birth_date: dt.date | None = None,
    ):
        person, _ = upsert_person(
            data=PersonInput(
                name=name,
                id_number=id_number,
                org_unit=org_unit,
                phone=phone,
                employee_no=employee_no,
                sex=sex,
                birth_date=birth_date,
            ),
            actor=None,
            source="test",
        )
        return person

    return make


@pytest.fixture
def api(db):
    from rest_framework.test import APIClient

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return client_for
