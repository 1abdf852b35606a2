"""The hash chain over audit events: canonical serialisation, hashing and verification.

Each event stores ``seq`` (1, 2, 3 … with no gaps), ``prev_hash`` (the hash of event seq-1, or
64 zeros for the first) and ``hash`` = SHA-256 over the canonical serialisation below, which
includes ``prev_hash``. Changing any field of an event breaks its own hash; deleting or inserting
an event breaks the link of the next one; removing or adding events at the tail disagrees with
the chain head (``AuditChainHead``), which is updated in the same transaction as every append.

The serialisation is versioned (``"v": 1``). Never change it in place: add a version.
"""

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
FORMAT_VERSION = 1


def normalise_ip(value: str | None) -> str | None:
    """The compressed textual form the databases return (PostgreSQL's inet normalises)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def normalise_json(value: Any) -> Any:
    """What a JSON column gives back: tuples become lists, keys become strings."""
    return json.loads(json.dumps(value, default=str))


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite/MariaDB without USE_TZ conversions hand back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(event: Any) -> bytes:
    payload = {
        "v": FORMAT_VERSION,
        "seq": event.seq,
        "prev": event.prev_hash,
        "at": _timestamp(event.occurred_at),
        "actor_id": event.actor_id,
        "actor": event.actor_username,
        "role": event.actor_role,
        "dept": event.actor_department,
        "person": str(event.person_uuid) if event.person_uuid else None,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": event.fields,
        "purpose": event.purpose,
        "ip": event.client_ip,
        "detail": event.detail,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


def event_hash(event: Any) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


@dataclass(frozen=True)
class Problem:
    kind: str  # altered | deleted | inserted | head
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "chain"
        return f"{self.kind.upper()} at {where}: {self.message}"


def verify_chain(events: Iterable[Any], *, head_seq: int, head_hash: str) -> Iterator[Problem]:
    """Walk events in ``seq`` order and yield every break of the chain, saying which event."""
    expected_seq, expected_prev = 1, GENESIS
    last_seq, last_hash = 0, GENESIS
    for event in events:
        recomputed = event_hash(event)
        if recomputed != event.hash:
            yield Problem(
                "altered",
                event.seq,
                f"event id {event.id} ({event.action}) does not match its hash",
            )
        if event.seq > expected_seq and event.prev_hash != expected_prev:
            missing = (
                str(expected_seq)
                if event.seq == expected_seq + 1
                else f"{expected_seq}–{event.seq - 1}"
            )
            yield Problem("deleted", expected_seq, f"event(s) seq {missing} are missing")
        elif event.seq < expected_seq:
            yield Problem("inserted", event.seq, f"event id {event.id} repeats seq {event.seq}")
        elif event.prev_hash != expected_prev:
            yield Problem(
                "inserted",
                event.seq,
                f"event id {event.id} does not link to seq {event.seq - 1}: an event was "
                f"inserted or replaced at seq {event.seq - 1} or {event.seq}",
            )
        expected_seq, expected_prev = event.seq + 1, event.hash
        last_seq, last_hash = event.seq, event.hash
    if last_seq > head_seq:
        yield Problem(
            "inserted", head_seq + 1, f"events seq {head_seq + 1}–{last_seq} lie beyond the head"
        )
    elif last_seq < head_seq:
        yield Problem(
            "deleted", last_seq + 1, f"events seq {last_seq + 1}–{head_seq} are missing at the end"
        )
    elif last_hash != head_hash:
        yield Problem("head", last_seq or None, "the last event does not match the chain head")
