"""Anomaly checks over the audit trail: many persons viewed, bulk export, off-hours access;
incremental and never doubled."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from healthloop.audit.anomalies import is_off_hours, scan_anomalies
from healthloop.audit.models import AuditAnomaly
from healthloop.audit.services import record_bulk_access, record_event
from healthloop.audit.tasks import scan_anomalies_task

DAYTIME = {"work_start_hour": 0, "work_end_hour": 24}


@pytest.fixture
def doctor(make_user):
    return make_user("dr_zhao", "doctor")


def _view(user, n):
    for _ in range(n):
        record_event(actor=user, action="person.viewed", person_uuid=uuid.uuid4())


@pytest.mark.django_db
def test_many_persons_viewed_in_a_window_raise_one_anomaly(settings, doctor):
    settings.AUDIT_ANOMALY = {**DAYTIME, "many_persons": 5}
    # given five different persons opened
    _view(doctor, 5)
    # when the scan runs twice
    first = scan_anomalies()
    second = scan_anomalies()
    # then one anomaly, counted once, and the second scan had nothing new
    anomaly = AuditAnomaly.objects.get()
    assert (anomaly.kind, anomaly.actor, anomaly.person_count) == ("many_persons", doctor, 5)
    assert first["many_persons"] == 1 and second == {
        "events": 0, "bulk_export": 0, "many_persons": 0, "off_hours": 0,
    }  # fmt: skip


@pytest.mark.django_db
def test_fewer_persons_than_the_threshold_raise_nothing(settings, doctor):
    settings.AUDIT_ANOMALY = {**DAYTIME, "many_persons": 5}
    _view(doctor, 4)
    record_event(actor=doctor, action="person.viewed", person_uuid=None)
    assert scan_anomalies()["many_persons"] == 0
    assert not AuditAnomaly.objects.exists()


@pytest.mark.django_db
def test_a_bulk_export_raises_an_anomaly_from_the_periodic_task(settings, doctor):
    settings.AUDIT_ANOMALY = {**DAYTIME, "bulk_export_persons": 10}
    record_bulk_access(
        actor=doctor, action="register.exported", person_uuids=[uuid.uuid4() for _ in range(10)]
    )
    # when (HUEY_IMMEDIATE runs the task in-process)
    scan_anomalies_task()
    # then
    anomaly = AuditAnomaly.objects.get()
    assert (anomaly.kind, anomaly.person_count, anomaly.event_count) == ("bulk_export", 10, 10)


@pytest.mark.django_db
def test_staff_access_outside_working_hours_is_flagged_once_per_day_but_not_employees(
    settings, doctor, make_user
):
    settings.AUDIT_ANOMALY = {"work_start_hour": 0, "work_end_hour": 0}  # always off hours
    employee = make_user("emp", "employee")
    _view(doctor, 2)
    _view(employee, 1)
    record_event(actor=doctor, action="login.succeeded")  # no person data: not counted
    # when
    counts = scan_anomalies()
    _view(doctor, 1)
    scan_anomalies()
    # then
    assert counts["off_hours"] == 1
    anomaly = AuditAnomaly.objects.get()
    assert (anomaly.kind, anomaly.actor_username, anomaly.event_count) == (
        "off_hours",
        "dr_zhao",
        2,
    )


def test_working_hours_are_judged_in_local_time():
    shanghai = ZoneInfo("Asia/Shanghai")
    conf = {"work_start_hour": 7, "work_end_hour": 20, "weekend_is_off_hours": True}
    assert is_off_hours(dt.datetime(2026, 1, 5, 23, 30, tzinfo=shanghai), conf)
    assert not is_off_hours(dt.datetime(2026, 1, 5, 10, 0, tzinfo=shanghai), conf)
    # 10:00 Shanghai on a Saturday, and 02:00 UTC = 10:00 Shanghai on a Monday
    assert is_off_hours(dt.datetime(2026, 1, 10, 10, 0, tzinfo=shanghai), conf)
    assert not is_off_hours(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC), conf)
