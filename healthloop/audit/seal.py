"""Sealing: linking committed audit events into the hash chain.

``record_event`` inserts an event *unsealed* (``seq`` NULL) inside the caller's transaction and
takes no lock, so business transactions never wait for each other on the audit trail. After
the caller commits, ``core.handoff.nudge`` runs ``seal_pending`` on the worker (a periodic task
catches anything a lost nudge left behind, and ``audit_verify`` seals before it checks). The
sealer runs short transactions: lock the chain head, read the committed unsealed events in id
order, give each the next ``seq``, ``prev_hash`` and ``hash``, move the head, commit. Only
committed events are visible to it (READ COMMITTED on PostgreSQL and MariaDB; SQLite admits one
writer), so the chain follows commit order and an event of a rolled-back transaction never
enters it. Never call ``seal_pending`` inside a business transaction: the head lock would then
be held until that transaction commits.

Hashes are computed from the row as read back from the database, exactly as verification
reads it, so a value the database normalises (an IP address, a timestamp's precision) cannot
make a sound event look altered.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from healthloop.audit.chain import GENESIS, event_hash
from healthloop.audit.models import AuditChainHead, AuditEvent
from healthloop.core.db import update_rows

HEAD_PK = 1
SEAL_DRAIN = "audit_seal"
CHAIN_FIELDS = (
    "id", "seq", "prev_hash", "hash", "occurred_at", "actor_id", "actor_username",
    "actor_role", "actor_department", "person_uuid", "action", "object_type", "object_id",
    "fields", "purpose", "client_ip", "detail",
)  # fmt: skip
DEFAULT_GRACE_SECONDS = 300


def seal_grace() -> dt.timedelta:
    """How long an event may stay unsealed before ``audit_verify`` reports it."""
    seconds = getattr(settings, "AUDIT_SEAL_GRACE_SECONDS", DEFAULT_GRACE_SECONDS)
    return dt.timedelta(seconds=seconds)


def locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=HEAD_PK, seq=0, hash=GENESIS)
    except IntegrityError:
        pass  # another sealer created it first
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)


def _seal_batch(batch: int) -> int:
    with transaction.atomic():
        head = locked_head()
        pending = list(
            AuditEvent.objects.filter(seq__isnull=True).order_by("id").only(*CHAIN_FIELDS)[:batch]
        )
        if not pending:
            return 0
        seq, prev = head.seq, head.hash
        for event in pending:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = event_hash(event)
        update_rows(AuditEvent, pending, ["seq", "prev_hash", "hash"])
        AuditChainHead.objects.filter(pk=HEAD_PK).update(seq=seq, hash=prev)
    return len(pending)


def seal_pending(*, batch: int = 2000) -> int:
    """Seal every committed unsealed event; returns how many were sealed."""
    total = 0
    while True:
        sealed = _seal_batch(batch)
        total += sealed
        if sealed < batch:
            return total


def unsealed_overdue(*, now: dt.datetime | None = None) -> tuple[int, dt.datetime | None]:
    """Committed events still unsealed after the grace period: (count, oldest time)."""
    cutoff = (now or timezone.now()) - seal_grace()
    overdue = AuditEvent.objects.filter(seq__isnull=True, occurred_at__lt=cutoff)
    oldest = overdue.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    return (overdue.count() if oldest else 0), oldest
