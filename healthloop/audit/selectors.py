"""Reading the audit trail: the administrators' search and the person's own access history."""

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet

from healthloop.audit.models import AuditAnomaly, AuditEvent

# What a person sees in "who accessed my record": the kind of access, never staff names.
PERSON_VISIBLE_FIELDS = ("occurred_at", "action", "actor_role", "actor_department", "purpose")


def search_events(
    *,
    actor_username: str = "",
    person_uuid: uuid.UUID | None = None,
    action: str = "",
    role: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    client_ip: str = "",
) -> QuerySet[AuditEvent]:
    """Newest first (by id: unsealed events have no seq yet). ``action`` matches a prefix
    ("person." finds every person action)."""
    events = AuditEvent.objects.all()
    if actor_username:
        events = events.filter(actor_username=actor_username)
    if person_uuid is not None:
        events = events.filter(person_uuid=person_uuid)
    if action:
        events = events.filter(action__startswith=action)
    if role:
        events = events.filter(actor_role=role)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if client_ip:
        events = events.filter(client_ip=client_ip)
    return events.order_by("-id")


def person_access_events(
    person_uuid: uuid.UUID, *, exclude_actor_id: int | None = None
) -> QuerySet[AuditEvent]:
    """Every event about this person, newest first, without the given account's own actions.

    For "who accessed my record": show only ``PERSON_VISIBLE_FIELDS`` (role and department,
    not staff names). The caller has already authorised the person.
    """
    events = AuditEvent.objects.filter(person_uuid=person_uuid)
    if exclude_actor_id is not None:
        events = events.exclude(actor_id=exclude_actor_id)
    return events.order_by("-id")


def person_access_log(
    person_uuid: uuid.UUID, *, since: dt.datetime | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Who accessed this person's record and when, as role and department (not staff names).

    The caller has already authorised the person (``people.access.access_person`` for the
    person's own account). The person's own actions are left out; system work (feeds, the
    screening engine) is shown as role "system".
    """
    events = person_access_events(person_uuid).exclude(actor_role="employee")
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return list(events.values(*PERSON_VISIBLE_FIELDS)[:limit])


def anomaly_list(*, status: str = "", kind: str = "") -> QuerySet[AuditAnomaly]:
    anomalies = AuditAnomaly.objects.all()
    if status:
        anomalies = anomalies.filter(status=status)
    if kind:
        anomalies = anomalies.filter(kind=kind)
    return anomalies.order_by("-detected_at", "-id")
