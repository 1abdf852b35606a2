"""Writing audit events. Called by the access functions and by every service that changes data."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from healthloop.audit.models import AuditEvent


def _client_ip(request: Any) -> str | None:
    if request is None:
        return None
    meta = getattr(request, "META", {})
    return meta.get("REMOTE_ADDR") or None


def record_event(
    *,
    actor: Any,
    action: str,
    person_uuid: uuid.UUID | None = None,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    purpose: str = "",
    request: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` may be None for system work (feeds, the worker)."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "system",
        actor_role=getattr(actor, "role", "") if authenticated else "system",
        person_uuid=person_uuid,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=list(fields),
        purpose=purpose,
        client_ip=_client_ip(request),
        detail=detail or {},
    )


def record_bulk_access(
    *, actor: Any, action: str, person_uuids: Iterable[uuid.UUID], request: Any = None
) -> int:
    """One event per person for a list read (a search result page)."""
    now = timezone.now()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    events = [
        AuditEvent(
            occurred_at=now,
            actor=actor if authenticated else None,
            actor_username=actor.get_username() if authenticated else "system",
            actor_role=getattr(actor, "role", "") if authenticated else "system",
            person_uuid=person_uuid,
            action=action,
            client_ip=_client_ip(request),
        )
        for person_uuid in person_uuids
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
