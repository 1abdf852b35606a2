"""Messages to staff about an urgent alert, through notify's outbox (in the caller's
transaction). Their ref is ``alerts.alert-staff:<uuid>``, so that their delivery events are not
mistaken for the person's notification (``alerts.alert:<uuid>``)."""

import datetime as dt
from typing import Any

from healthloop.alerts.models import Alert, AlertEvent
from healthloop.notify.services import enqueue


def staff_ref(alert: Alert) -> str:
    return f"alerts.alert-staff:{alert.uuid}"


def person_ref(alert: Alert) -> str:
    return f"alerts.alert:{alert.uuid}"


def _value(alert: Alert) -> str:
    first = alert.evidence[0] if alert.evidence and isinstance(alert.evidence[0], dict) else {}
    if first.get("value") is None:
        return ""
    return f"{first.get('value')}{first.get('unit', '')}"


def _context(alert: Alert, *, clinical: bool, minutes: int = 0) -> dict[str, Any]:
    """Administrators manage but do not browse clinical data: no name or value for them."""
    department = alert.org_unit.name if alert.org_unit_id and alert.org_unit else ""
    return {
        "title": alert.title,
        "person_name": alert.person.name if clinical else "",
        "department": department,
        "value": _value(alert) if clinical else "",
        "severity": alert.severity,
        "minutes": minutes,
        "alert": str(alert.uuid),
    }


def notify_staff(alert: Alert, user: Any, *, template: str, level: int, now: dt.datetime,
                 clinical: bool = True, minutes: int = 0) -> None:  # fmt: skip
    enqueue(
        recipient_user=user,
        template=template,
        context=_context(alert, clinical=clinical, minutes=minutes),
        ref=staff_ref(alert),
        idempotency_key=f"{staff_ref(alert)}:{template}:{level}:{user.pk}",
        urgent=True,
    )
    kind = AlertEvent.Kind.STAFF_NOTIFIED if level == 0 else AlertEvent.Kind.ESCALATED
    AlertEvent.objects.create(
        alert=alert, at=now, kind=kind, detail={"level": level, "to": user.get_username()}
    )


def notify_responsible(alert: Alert, *, router: Any, now: dt.datetime) -> None:
    """An urgent alert tells its responsible doctor at once. With no responsible doctor the
    alert starts one level up (the department head), and then at the administrators."""
    if alert.responsible is not None:
        notify_staff(alert, alert.responsible, template="alert.raised", level=0, now=now)
        return
    from healthloop.alerts.escalation import escalate

    escalate(alert, router=router, now=now, minutes=0)
