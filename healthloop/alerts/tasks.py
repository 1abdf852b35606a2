"""Huey tasks of alerts: thin wrappers named after the service they run."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from healthloop.alerts.drains import drain_findings, drain_notification_events
from healthloop.alerts.escalation import escalate_unhandled_alerts


@db_periodic_task(crontab(minute="*"))
def drain_findings_task() -> int:
    """Safety net behind the engine's nudge, with a wide overlap (an hour) so that a finding
    committed long after it was stamped is still alerted."""
    return drain_findings(overlap=dt.timedelta(hours=1))


@db_periodic_task(crontab(minute="*"))
def drain_notification_events_task() -> int:
    return drain_notification_events()


@db_periodic_task(crontab(minute="*"))
def escalate_unhandled_alerts_task() -> int:
    return escalate_unhandled_alerts()
