"""Escalation of urgent alerts nobody handled (critical values, class-A major findings).

An urgent alert still ``new`` ``ALERTS_ESCALATION_MINUTES`` (default 30) after it reached the
responsible doctor goes to the department head (level 1); still new the same time after that,
to the administrators (level 2). A level with nobody to tell is skipped. The periodic task runs
every minute; the clock is ``core.clock.now`` so tests can move it.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from healthloop.alerts.access import locked
from healthloop.alerts.models import Alert
from healthloop.alerts.notices import notify_staff
from healthloop.alerts.routing import Router, administrators
from healthloop.audit.services import record_event
from healthloop.core import clock
from healthloop.core.db import supports_skip_locked

log = logging.getLogger(__name__)
TOP_LEVEL = 2


def escalation_delay() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ALERTS_ESCALATION_MINUTES)


def escalate(alert: Alert, *, router: Router, now: dt.datetime, minutes: int) -> int:
    """Move the alert one level up (two when the department has no head); returns the level
    reached. Caller holds the alert's row in a transaction."""
    level = alert.escalation_level + 1
    recipients: list[Any] = []
    if level == 1:
        head = router.department_head(alert.person)
        if head is not None:
            recipients = [head]
        else:
            level = 2
    if level == 2:
        recipients = administrators()
        if not recipients:
            log.warning("alert %s: no administrator to escalate to", alert.uuid)
    for user in recipients:
        notify_staff(alert, user, template="alert.escalated", level=level, now=now,
                     clinical=level < 2, minutes=minutes)  # fmt: skip
    alert.escalation_level, alert.escalated_at = level, now
    alert.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    record_event(
        actor=None, action="alert.escalated", person_uuid=alert.person.uuid,
        object_type="alert", object_id=str(alert.uuid),
        detail={"level": level, "to": [u.get_username() for u in recipients]},
    )  # fmt: skip
    return level


def escalate_unhandled_alerts(*, now: dt.datetime | None = None) -> int:
    """Escalate every urgent alert whose wait at its level is over; returns how many moved."""
    now = now or clock.now()
    delay = escalation_delay()
    moved = 0
    with transaction.atomic():
        query = Alert.objects.filter(
            is_urgent=True, state=Alert.State.NEW, escalation_level__lt=TOP_LEVEL,
            created_at__lte=now - delay,
        ).select_related("person__org_unit", "org_unit").order_by("created_at", "id")  # fmt: skip
        if supports_skip_locked():
            query = locked(query, skip_locked=True)
        router = Router()
        for alert in query:
            since = alert.escalated_at or alert.created_at
            if since + delay > now:
                continue
            waited = int((now - alert.created_at).total_seconds() // 60)
            escalate(alert, router=router, now=now, minutes=waited)
            moved += 1
    return moved
