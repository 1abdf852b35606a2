"""Huey tasks of audit: thin wrappers named after the service they run."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from healthloop.audit.anomalies import scan_anomalies
from healthloop.audit.seal import seal_pending


@db_periodic_task(crontab(minute="*/5"))
def scan_anomalies_task() -> dict[str, int]:
    return scan_anomalies()


@db_periodic_task(crontab(minute="*"))
def seal_pending_task() -> int:
    """Seal what a lost nudge left unsealed (the nudge after each commit is the fast path)."""
    return seal_pending()
