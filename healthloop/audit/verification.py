"""Verify the stored chain: every event against its hash, every link, and the head; and that
no committed event was left unsealed (outside the chain) for longer than the grace period."""

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from healthloop.audit.chain import GENESIS, Problem, verify_chain
from healthloop.audit.models import AuditChainHead, AuditEvent
from healthloop.audit.seal import CHAIN_FIELDS, seal_grace, seal_pending, unsealed_overdue


@dataclass
class Verification:
    checked: int = 0
    head_seq: int = 0
    sealed: int = 0
    unsealed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _head() -> tuple[int, str] | None:
    row = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return (int(row[0]), str(row[1])) if row else None


def verify_audit_chain(*, chunk_size: int = 5000, seal: bool = True) -> Verification:
    """Seal what is committed (unless ``seal`` is False), then walk the chain up to the head
    read at the start; events sealed meanwhile are legit if the head read at the end covers
    them, otherwise they were inserted behind our back. Finally report events still unsealed
    after the grace period (the sealer failed or is not running)."""
    result = Verification()
    if seal:
        try:
            with transaction.atomic():
                result.sealed = seal_pending()
        except DatabaseError as exc:  # e.g. a forged row occupies the next seq
            result.problems.append(Problem("seal", None, f"sealing failed: {exc}"))
    head = _head()
    if head is None:
        head = (0, GENESIS)
        if AuditEvent.objects.exists():
            result.problems.append(Problem("head", None, "the chain head row is missing"))
    result.head_seq = head[0]
    counted = _Counter(
        AuditEvent.objects.filter(seq__lte=head[0])
        .order_by("seq")
        .only(*CHAIN_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    result.problems.extend(verify_chain(counted, head_seq=head[0], head_hash=head[1]))
    result.checked = counted.count
    later = _head() or head
    beyond = AuditEvent.objects.filter(seq__gt=max(head[0], later[0])).order_by("seq")
    for event in beyond.only("id", "seq", "action")[:100]:
        result.problems.append(
            Problem(
                "inserted", event.seq, f"event id {event.id} ({event.action}) lies beyond the head"
            )
        )
    result.unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    overdue, oldest = unsealed_overdue()
    if overdue:
        age = int((timezone.now() - oldest).total_seconds())
        result.problems.append(
            Problem(
                "unsealed",
                None,
                f"{overdue} event(s) unsealed for more than {int(seal_grace().total_seconds())} s "
                f"(oldest {age} s, at {oldest.isoformat()})",
            )
        )
    return result


class _Counter:
    def __init__(self, events):
        self._events, self.count = events, 0

    def __iter__(self):
        for event in self._events:
            self.count += 1
            yield event
