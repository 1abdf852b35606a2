"""Test helpers for audit. Tests that write events outside a rolled-back transaction (module
fixtures, ``transactional_db``) and clean up after themselves must reset the chain head as well,
or the next test starts with a chain whose head points at deleted events."""

from healthloop.audit.chain import GENESIS
from healthloop.audit.models import AuditChainHead, AuditEvent


def reset_audit_chain() -> None:
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.update(seq=0, hash=GENESIS)


def own_queries(captured: list[dict]) -> list[dict]:
    """The queries of a ``CaptureQueriesContext`` that are not audit bookkeeping.

    Recording an access writes the event and, on some databases and transaction states, a
    savepoint around it and a sealing nudge; how many of those run is the audit app's business,
    so query-count tests of other apps count only their own queries.
    """
    return [
        q
        for q in captured
        if "audit_" not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
