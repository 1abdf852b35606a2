"""Reminders, overdue detection and escalation, run as the Huey tasks do, day by day on the
clock (core.clock.today is moved forward)."""

import datetime as dt

import pytest

from healthloop.audit.models import AuditEvent
from healthloop.followup import tasks as huey_tasks
from healthloop.followup.models import FollowUpTask
from healthloop.followup.tests.factories import plan_with_task
from healthloop.notify.models import Notification

START, DUE = dt.date(2025, 1, 2), dt.date(2025, 4, 2)  # 90 days, window ±18, remind 3 days before


@pytest.fixture
def on_day(monkeypatch):
    """Set the clock's today for the code under test."""

    def set_day(day):
        monkeypatch.setattr("healthloop.core.clock.today", lambda: day)

    return set_day


def _sent(template):
    return list(
        Notification.objects.filter(template=template)
        .order_by("pk")
        .values_list("recipient_user__username", "urgent")
    )


def test_reminder_goes_to_the_assignee_once_before_the_due_date(
    templates, patient, operator, on_day
):
    _, task = plan_with_task(patient, start=START, due=DUE, assignee=operator)
    on_day(DUE - dt.timedelta(days=4))
    assert huey_tasks.send_due_reminders_task.call_local() == 0
    on_day(DUE - dt.timedelta(days=3))
    assert huey_tasks.send_due_reminders_task.call_local() == 1
    on_day(DUE - dt.timedelta(days=2))
    assert huey_tasks.send_due_reminders_task.call_local() == 0
    assert _sent("followup.reminder") == [("op_sun", False)]
    reminder = Notification.objects.get(template="followup.reminder")
    assert reminder.ref == f"followup.task:{task.uuid}"
    assert (
        reminder.context["person_name"] == "王**" and reminder.context["due_date"] == "2025-04-02"
    )


def test_overdue_then_escalated_to_the_head_after_three_days(
    templates, patient, operator, head, on_day
):
    # given a task whose window closes on 2025-04-20
    _, task = plan_with_task(patient, start=START, due=DUE, assignee=operator)
    window_end = DUE + dt.timedelta(days=18)
    # on the last day of the window nothing happens
    on_day(window_end)
    assert huey_tasks.mark_overdue_tasks_task.call_local() == 0
    # the day after, the task is overdue and the assignee is told
    on_day(window_end + dt.timedelta(days=1))
    assert huey_tasks.mark_overdue_tasks_task.call_local() == 1
    assert huey_tasks.escalate_overdue_tasks_task.call_local() == 0
    assert _sent("followup.overdue") == [("op_sun", False)]
    # three days past the window: still within the grace period
    on_day(window_end + dt.timedelta(days=3))
    assert huey_tasks.escalate_overdue_tasks_task.call_local() == 0
    # four days past: escalated (urgent) to the department head, once
    on_day(window_end + dt.timedelta(days=4))
    assert huey_tasks.escalate_overdue_tasks_task.call_local() == 1
    on_day(window_end + dt.timedelta(days=5))
    assert huey_tasks.escalate_overdue_tasks_task.call_local() == 0
    assert huey_tasks.mark_overdue_tasks_task.call_local() == 0
    assert _sent("followup.overdue") == [("op_sun", False), ("head_wu", True)]
    task.refresh_from_db()
    assert task.status == "overdue" and task.escalated_at is not None
    event = AuditEvent.objects.get(action="followup.task_escalated")
    assert event.detail == {"to": ["head_wu"], "days_overdue": 4}


def test_done_and_cancelled_tasks_are_never_reminded_or_overdue(
    templates, patient, operator, on_day
):
    _, task = plan_with_task(patient, start=START, due=DUE, assignee=operator)
    FollowUpTask.objects.filter(pk=task.pk).update(status="cancelled")
    on_day(DUE + dt.timedelta(days=60))
    counts = [huey_tasks.send_due_reminders_task.call_local(),
              huey_tasks.mark_overdue_tasks_task.call_local(),
              huey_tasks.escalate_overdue_tasks_task.call_local()]  # fmt: skip
    assert counts == [0, 0, 0]
    assert not Notification.objects.filter(
        template__in=["followup.reminder", "followup.overdue"]
    ).exists()
