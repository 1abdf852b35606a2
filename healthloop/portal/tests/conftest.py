import datetime as dt
import re

import pytest

ID_1 = "110105198001010016"  # male, 1980-01-01
ID_2 = "11010519491231002X"  # female, 1949-12-31
PHONE_1 = "13800138001"
PHONE_2 = "13900139002"
PASSWORD = "Portal-Pass-2026!"


@pytest.fixture
def roster(make_person, org):
    """Two employees on the company roster, neither with an account yet."""
    one = make_person(
        "李建国", id_number=ID_1, phone=PHONE_1, employee_no="E10001", org_unit=org["dept_a"]
    )
    two = make_person("周淑芬", id_number=ID_2, phone=PHONE_2, org_unit=org["dept_b"])
    return one, two


@pytest.fixture
def sent_code():
    """The code in the newest SMS queued for a person (what the console backend prints)."""
    from healthloop.notify.models import Notification

    def read(person) -> str:
        sms = Notification.objects.filter(recipient_person=person).order_by("-id").first()
        assert sms is not None and sms.channels == ["sms"]
        return re.search(r"验证码为(\d{6})", sms.body).group(1)

    return read


@pytest.fixture
def employee_of(make_user):
    """An employee account linked to the person."""

    def link(person, username=None):
        user = make_user(username or f"emp{person.pk}", "employee")
        person.user = user
        person.save(update_fields=["user"])
        return user

    return link


@pytest.fixture
def clock(monkeypatch):
    """Move timezone.now() forward inside the portal services."""
    from django.utils import timezone

    real_now = timezone.now
    shift = {"by": dt.timedelta()}
    monkeypatch.setattr("healthloop.portal.services.timezone.now", lambda: real_now() + shift["by"])

    def advance(**delta):
        shift["by"] += dt.timedelta(**delta)

    return advance
