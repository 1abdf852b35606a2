"""Appends take no lock: events are inserted unsealed in the business transaction and the sealer
links committed events into the chain afterwards, in commit order."""

import datetime as dt
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from healthloop.audit.models import AuditChainHead, AuditEvent
from healthloop.audit.seal import seal_pending
from healthloop.audit.services import record_event
from healthloop.audit.verification import verify_audit_chain
from healthloop.core.testing import live_database


@pytest.mark.django_db
def test_an_event_is_unsealed_until_its_transaction_commits_then_sealed_by_the_nudge(
    django_capture_on_commit_callbacks,
):
    # given an event recorded in a transaction that has not committed yet
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_event(actor=None, action="test.first")
        record_event(actor=None, action="test.second")
        pending = list(AuditEvent.objects.values_list("seq", "hash"))
        # then it is stored but not in the chain, and the head was not touched
        assert pending == [(None, ""), (None, "")]
        assert AuditChainHead.objects.filter(seq__gt=0).count() == 0
    # when the transaction commits (one nudge for both events) the sealer links them in order
    assert len(callbacks) == 1
    sealed = list(AuditEvent.objects.order_by("seq").values_list("seq", "action"))
    assert sealed == [(1, "test.first"), (2, "test.second")]
    assert AuditChainHead.objects.get().seq == 2
    assert verify_audit_chain(seal=False).ok


@pytest.mark.django_db
def test_an_event_of_a_rolled_back_transaction_never_enters_the_chain():
    record_event(actor=None, action="test.kept")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record_event(actor=None, action="test.rolled_back")
        _ = 1 / 0
    assert seal_pending() == 1
    assert list(AuditEvent.objects.values_list("seq", "action")) == [(1, "test.kept")]


@pytest.mark.django_db
def test_verify_reports_events_left_unsealed_beyond_the_grace_period(settings):
    # given an event committed twenty minutes ago that no sealer has linked
    settings.AUDIT_SEAL_GRACE_SECONDS = 600
    old = record_event(actor=None, action="test.old")
    twenty_minutes_ago = timezone.now() - dt.timedelta(minutes=20)
    AuditEvent.objects.filter(pk=old.pk).update(occurred_at=twenty_minutes_ago)
    record_event(actor=None, action="test.recent")
    # when verifying without sealing
    result = verify_audit_chain(seal=False)
    # then the overdue event is reported, the recent one is only counted as pending
    assert [(p.kind, p.seq) for p in result.problems] == [("unsealed", None)]
    assert result.problems[0].message.startswith("1 event(s) unsealed for more than 600 s")
    assert result.unsealed == 2
    # and a normal verification seals both and is clean
    sealed = verify_audit_chain()
    assert (sealed.ok, sealed.sealed, sealed.unsealed, sealed.checked) == (True, 2, 0, 2)


@pytest.mark.django_db
def test_a_forged_row_in_the_next_seq_stops_the_sealer_and_is_reported():
    record_event(actor=None, action="test.a")
    seal_pending()
    forged = record_event(actor=None, action="test.forged")
    AuditEvent.objects.filter(pk=forged.pk).update(seq=2, prev_hash="x" * 64, hash="y" * 64)
    record_event(actor=None, action="test.b")
    result = verify_audit_chain()
    kinds = [p.kind for p in result.problems]
    assert kinds[0] == "seal" and "inserted" in kinds
    assert result.unsealed == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_long_open_transaction_with_an_audit_event_does_not_block_another_process(tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite admits one writing transaction at a time whatever the audit does")
    live = live_database(tmp_path)
    release = tmp_path / "release"
    # given process A holding an open transaction that has recorded an audit event
    holder = live.popen(
        "shell",
        "-c",
        "import pathlib, time\n"
        "from django.db import transaction\n"
        "from healthloop.audit.services import record_event\n"
        "with transaction.atomic():\n"
        "    record_event(actor=None, action='test.long_import')\n"
        "    print('holding', flush=True)\n"
        f"    release = pathlib.Path({str(release)!r})\n"
        "    deadline = time.monotonic() + 90\n"
        "    while not release.exists() and time.monotonic() < deadline:\n"
        "        time.sleep(0.05)\n",
    )
    try:
        lines = iter(holder.stdout.readline, b"")
        assert any(line.decode().strip() == "holding" for line in lines)
        # when process B appends and seals its own event meanwhile
        started = time.monotonic()
        other = live.manage(
            "shell",
            "-c",
            "import time\n"
            "from healthloop.audit.seal import seal_pending\n"
            "from healthloop.audit.services import record_event\n"
            "t = time.monotonic()\n"
            "record_event(actor=None, action='test.api_read')\n"
            "seal_pending()\n"
            "print(round(time.monotonic() - t, 3))\n",
        )
        # then B was not blocked: it finished while A still holds its transaction
        assert holder.poll() is None, "the holder ended before B finished"
        assert float(other.stdout.strip().splitlines()[-1]) < 5.0
        assert time.monotonic() - started < 60
    finally:
        release.touch()
        holder.communicate(timeout=120)
    assert holder.returncode == 0
    # and after A commits, verification seals its event after B's: the chain is in commit order
    assert "audit chain OK" in live.manage("audit_verify").stdout
    order = live.scalar(
        "SELECT COUNT(*) FROM audit_auditevent a JOIN audit_auditevent b ON a.seq < b.seq "
        "WHERE a.action = 'test.api_read' AND b.action = 'test.long_import'"
    )
    assert order == 1
