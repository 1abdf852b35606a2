"""Huey tasks of follow-up: thin wrappers named after the service they run. The consumer
started by ``make run`` (serve_all → run_huey) runs the periodic ones."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from healthloop.followup.drain import drain_register_events, reconcile_register_plans
from healthloop.followup.periodic import (
    escalate_overdue_tasks,
    mark_overdue_tasks,
    send_due_reminders,
)


@db_periodic_task(crontab(minute="*"))
def drain_register_events_task() -> dict[str, int]:
    """Plans for persons who entered a register (within a minute of the screening run)."""
    return drain_register_events()


@db_periodic_task(crontab(minute="17"))
def reconcile_register_plans_task() -> int:
    return reconcile_register_plans()


@db_periodic_task(crontab(minute="*/15"))
def send_due_reminders_task() -> int:
    return send_due_reminders()


@db_periodic_task(crontab(minute="*/15"))
def mark_overdue_tasks_task() -> int:
    return mark_overdue_tasks()


@db_periodic_task(crontab(minute="5,35"))
def escalate_overdue_tasks_task() -> int:
    return escalate_overdue_tasks()
