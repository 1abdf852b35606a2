"""Urgent alerts nobody handles go up: department head after 30 minutes (a setting), the
administrators after as long again. The clock (core.clock.now) is moved, not waited for."""

import datetime as dt

import pytest

from healthloop.alerts import tasks
from healthloop.alerts.models import Alert
from healthloop.alerts.services import confirm_alert
from healthloop.alerts.tests.factories import alert_for
from healthloop.core import clock
from healthloop.notify.models import Notification


@pytest.fixture
def move_clock(monkeypatch):
    """Set core.clock.now to ``start + minutes`` and run the periodic task."""

    def run(alert: Alert, minutes: float) -> int:
        moment = alert.created_at + dt.timedelta(minutes=minutes)
        monkeypatch.setattr(clock, "now", lambda: moment)
        return tasks.escalate_unhandled_alerts_task.call_local()

    return run


def escalations():
    return list(
        Notification.objects.filter(template="alert.escalated")
        .order_by("id")
        .values_list("recipient_user__username", flat=True)
    )


@pytest.mark.django_db
def test_an_unhandled_critical_value_goes_to_the_head_then_to_the_administrators(
    rules, staff, patient, make_user, move_clock
):
    second_admin = make_user("admin_li", "admin")
    alert = alert_for(patient, "CRIT_K", value=6.9)
    assert Notification.objects.get().recipient_user == staff["doctor"]  # told at once
    # before 30 minutes nothing moves
    assert move_clock(alert, 29.9) == 0 and escalations() == []
    # at 30 minutes the department head is told (urgent)
    assert move_clock(alert, 30) == 1
    assert escalations() == ["head_zhao"]
    head_note = Notification.objects.get(template="alert.escalated")
    assert head_note.urgent and head_note.context["person_name"] == "王建国"
    assert head_note.context["minutes"] == 30
    # the head gets their own 30 minutes
    assert move_clock(alert, 59) == 0
    # then every administrator, without the person's name or value
    assert move_clock(alert, 60) == 1
    assert escalations() == ["head_zhao", "admin_sun", "admin_li"]
    admin_note = Notification.objects.get(recipient_user=second_admin)
    assert (admin_note.context["person_name"], admin_note.context["value"]) == ("", "")
    # and that is the top: nothing more, however long it waits
    assert move_clock(alert, 600) == 0 and len(escalations()) == 3
    alert.refresh_from_db()
    assert alert.escalation_level == 2


@pytest.mark.django_db
def test_an_alert_confirmed_in_time_is_not_escalated(rules, staff, patient, move_clock):
    alert = alert_for(patient, "CRIT_K", value=6.9)
    move_clock(alert, 10)
    confirm_alert(alert=alert, actor=staff["doctor"])
    assert move_clock(alert, 45) == 0 and escalations() == []


@pytest.mark.django_db
def test_only_urgent_alerts_escalate(rules, staff, patient, move_clock):
    alert = alert_for(patient, "THR_BP_HIGH", value=165)
    assert move_clock(alert, 120) == 0 and escalations() == []


@pytest.mark.django_db
def test_the_delay_is_a_setting_and_a_department_without_head_goes_to_the_administrators(
    rules, staff, patient, move_clock, settings
):
    settings.ALERTS_ESCALATION_MINUTES = 10
    staff["head"].is_active = False
    staff["head"].save()
    alert = alert_for(patient, "CRIT_K", value=2.5)
    assert move_clock(alert, 9) == 0
    assert move_clock(alert, 10) == 1 and escalations() == ["admin_sun"]
    alert.refresh_from_db()
    assert alert.escalation_level == 2
