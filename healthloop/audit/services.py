"""Writing audit events. Called by the access functions and by every service that reads or
changes person data.

Appends take no lock: an event is inserted unsealed in the caller's transaction (so it commits
or rolls back with the change it records) and the sealer (``seal.py``) links it into the hash
chain after commit, in a short transaction of its own under the chain head lock.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthloop.audit.chain import normalise_ip, normalise_json
from healthloop.audit.errors import AuditError
from healthloop.audit.models import AuditAnomaly, AuditEvent
from healthloop.audit.seal import SEAL_DRAIN
from healthloop.core.errors import ServiceError
from healthloop.core.handoff import run_drain_task


def client_ip(request: Any) -> str | None:
    if request is None:
        return None
    meta = getattr(request, "META", {})
    return normalise_ip(meta.get("REMOTE_ADDR"))


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {
            "actor": None,
            "actor_username": "system",
            "actor_role": "system",
            "actor_department": "",
        }
    return {
        "actor": actor,
        "actor_username": actor.get_username(),
        "actor_role": getattr(actor, "role", ""),
        "actor_department": getattr(actor, "department", "") or "",
    }


def _seal_after_commit() -> None:
    run_drain_task(SEAL_DRAIN)


def _schedule_seal() -> None:
    """Nudge the sealer once per transaction (``core.handoff``), after it commits."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _seal_after_commit for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_seal_after_commit)


def _append(events: list[AuditEvent]) -> None:
    """Insert events unsealed, in the caller's transaction, without any lock (``seal.py``)."""
    if not events:
        return
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events, batch_size=500)
    _schedule_seal()


def _event(
    *,
    actor_fields: dict[str, Any],
    at: Any,
    action: str,
    person_uuid: uuid.UUID | str | None = None,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    purpose: str = "",
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent(
        occurred_at=at,
        person_uuid=uuid.UUID(str(person_uuid)) if person_uuid else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=normalise_json(list(fields)),
        purpose=purpose[:200],
        client_ip=ip,
        detail=normalise_json(detail or {}),
        **actor_fields,
    )


def record_event(
    *,
    actor: Any,
    action: str,
    person_uuid: uuid.UUID | str | None = None,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    purpose: str = "",
    request: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` may be None for system work (feeds, the worker)."""
    event = _event(
        actor_fields=_actor_fields(actor),
        at=timezone.now(),
        action=action,
        person_uuid=person_uuid,
        object_type=object_type,
        object_id=object_id,
        fields=fields,
        purpose=purpose,
        ip=client_ip(request),
        detail=detail,
    )
    _append([event])
    return event


def record_bulk_access(
    *,
    actor: Any,
    action: str,
    person_uuids: Iterable[uuid.UUID],
    request: Any = None,
    purpose: str = "",
    fields: Iterable[str] = (),
) -> int:
    """One event per person for a list read (a search result page, an export, an import)."""
    now, who, ip, field_list = (
        timezone.now(),
        _actor_fields(actor),
        client_ip(request),
        list(fields),
    )
    events = [
        _event(
            actor_fields=who,
            at=now,
            action=action,
            person_uuid=person_uuid,
            fields=field_list,
            purpose=purpose,
            ip=ip,
        )
        for person_uuid in person_uuids
    ]
    _append(events)
    return len(events)


def raise_anomaly(
    *,
    kind: str,
    actor: Any,
    actor_username: str,
    window_key: str,
    summary: str,
    event_count: int = 0,
    person_count: int = 0,
    first_event_at: Any = None,
    last_event_at: Any = None,
    detail: dict[str, Any] | None = None,
) -> tuple[AuditAnomaly, bool]:
    """Store one anomaly; the same (kind, user, window) found again is not stored twice."""
    with transaction.atomic():
        existing = AuditAnomaly.objects.filter(
            kind=kind, actor_username=actor_username, window_key=window_key
        ).first()
        if existing is not None:
            return existing, False
        anomaly = AuditAnomaly.objects.create(
            kind=kind,
            actor=actor,
            actor_username=actor_username,
            window_key=window_key,
            detected_at=timezone.now(),
            first_event_at=first_event_at,
            last_event_at=last_event_at,
            event_count=event_count,
            person_count=person_count,
            summary=summary[:300],
            detail=normalise_json(detail or {}),
        )
        record_event(
            actor=None,
            action="audit.anomaly_raised",
            object_type="audit_anomaly",
            object_id=str(anomaly.pk),
            detail={"kind": kind, "user": actor_username, "summary": anomaly.summary},
        )
    return anomaly, True


def review_anomaly(
    *, anomaly: AuditAnomaly, actor: Any, status: str, note: str, request: Any = None
) -> AuditAnomaly:
    """An administrator closes an anomaly as confirmed or dismissed, with a note."""
    if status not in (AuditAnomaly.Status.CONFIRMED, AuditAnomaly.Status.DISMISSED):
        raise ServiceError(
            AuditError.BAD_STATUS, "status must be confirmed or dismissed", field="status"
        )
    if not note.strip():
        raise ServiceError(AuditError.NOTE_REQUIRED, "a review note is required", field="note")
    with transaction.atomic():
        locked = AuditAnomaly.objects.select_for_update().get(pk=anomaly.pk)
        if locked.status != AuditAnomaly.Status.OPEN:
            raise ServiceError(AuditError.ALREADY_REVIEWED, "anomaly already reviewed", status=409)
        locked.status, locked.review_note = status, note.strip()[:500]
        locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
        locked.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        record_event(
            actor=actor,
            action="audit.anomaly_reviewed",
            object_type="audit_anomaly",
            object_id=str(locked.pk),
            request=request,
            detail={"status": status},
        )
    return locked
