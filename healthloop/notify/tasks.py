"""Huey tasks of notify: the periodic sweep behind the on-commit nudge, and receipts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from healthloop.notify.dispatch import dispatch_due_notifications
from healthloop.notify.receipts import poll_delivery_receipts


@db_periodic_task(crontab(minute="*"))
def dispatch_due_notifications_task() -> int:
    """Every minute: scheduled sends, retries whose back-off ended, rows whose nudge was lost,
    rows a dead worker held (their lease expired)."""
    return dispatch_due_notifications()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("notify-receipts")
def poll_delivery_receipts_task() -> int:
    return poll_delivery_receipts()
