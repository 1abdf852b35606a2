"""The door to alerts: an alert is visible exactly when its person is (people.access)."""

import uuid
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from healthloop.alerts.models import Alert
from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound
from healthloop.people.access import visible_persons


def locked(query: QuerySet[Alert], *, skip_locked: bool = False) -> QuerySet[Alert]:
    """FOR UPDATE of the alert rows only where the database can say so (PostgreSQL refuses
    to lock the nullable side of the outer joins ``select_related`` makes)."""
    kwargs: dict[str, Any] = {"skip_locked": skip_locked}
    if connection.features.has_select_for_update_of:
        kwargs["of"] = ("self",)
    return query.select_for_update(**kwargs)


def visible_alerts(user: Any) -> QuerySet[Alert]:
    return Alert.objects.filter(person__in=visible_persons(user))


def access_alert(
    user: Any,
    alert_uuid: uuid.UUID | str,
    *,
    action: str = "alert.viewed",
    request: Any = None,
    lock: bool = False,
) -> Alert:
    """The alert if the user may see its person; audited. NotFound otherwise (never 403)."""
    try:
        key = uuid.UUID(str(alert_uuid))
    except ValueError:
        raise NotFound("alert") from None
    query = visible_alerts(user).select_related(
        "person__org_unit", "org_unit", "responsible", "reviewed_by"
    )
    if lock:
        query = locked(query)
    alert = query.filter(uuid=key).first()
    if alert is None:
        raise NotFound("alert")
    record_event(
        actor=user, action=action, person_uuid=alert.person.uuid, object_type="alert",
        object_id=str(alert.uuid), request=request,
    )  # fmt: skip
    return alert


def access_alerts(
    user: Any, alert_uuids: list[uuid.UUID], *, action: str, request: Any = None
) -> list[Alert]:
    """Several alerts at once (bulk review): all in scope, or NotFound for the whole request."""
    wanted = set(alert_uuids)
    alerts = list(visible_alerts(user).select_related("person").filter(uuid__in=wanted))
    if len(alerts) != len(wanted):
        raise NotFound("alert")
    for alert in alerts:
        record_event(
            actor=user, action=action, person_uuid=alert.person.uuid, object_type="alert",
            object_id=str(alert.uuid), request=request,
        )  # fmt: skip
    return alerts
