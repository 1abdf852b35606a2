"""The hash chain detects events altered, deleted or inserted directly in the database, on every
database the suite runs on, and concurrent writers in separate processes never fork it."""

import datetime as dt
import itertools
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from healthloop.audit.chain import event_hash
from healthloop.audit.models import AuditChainHead, AuditEvent
from healthloop.audit.seal import seal_pending
from healthloop.audit.services import record_bulk_access, record_event
from healthloop.audit.verification import verify_audit_chain
from healthloop.core.testing import live_database

TABLE = AuditEvent._meta.db_table


def _sql(statement: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", connection.ops.quote_name(TABLE)), params or [])
        return cursor.rowcount


def _raw_insert(event: AuditEvent) -> None:
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    marks = ", ".join(["%s"] * len(fields))
    _sql(f"INSERT INTO {{t}} ({columns}) VALUES ({marks})", values)  # noqa: S608 - test tampering


def _verify_command() -> tuple[bool, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


@pytest.fixture
def five_events(make_user):
    doctor = make_user("doc", "doctor", department="健康管理中心")
    person = uuid.uuid4()
    for n in range(3):
        record_event(actor=doctor, action="person.viewed", person_uuid=person, purpose=f"p{n}")
    record_bulk_access(actor=doctor, action="person.listed", person_uuids=[uuid.uuid4()] * 2)
    assert seal_pending() == 5  # what the nudge after commit does
    return doctor


@pytest.mark.django_db
def test_an_intact_chain_verifies_and_links_every_event(five_events):
    # when
    ok, output = _verify_command()
    # then
    assert ok, output
    assert "5 events, head seq 5" in output
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert events[0].actor_department == "健康管理中心"
    assert AuditChainHead.objects.get().hash == events[-1].hash


@pytest.mark.django_db
def test_an_updated_event_is_reported_as_altered_with_its_seq(five_events):
    # given an administrator with database access rewrites the purpose of event 2
    assert _sql("UPDATE {t} SET purpose = 'nothing to see' WHERE seq = 2") == 1
    # when
    ok, output = _verify_command()
    # then
    assert not ok
    assert "ALTERED at seq 2" in output
    assert "1 problem(s)" in output


@pytest.mark.django_db
def test_a_deleted_event_in_the_middle_is_reported_as_deleted(five_events):
    assert _sql("DELETE FROM {t} WHERE seq = 3") == 1
    ok, output = _verify_command()
    assert not ok
    assert "DELETED at seq 3: event(s) seq 3 are missing" in output


@pytest.mark.django_db
def test_deleted_events_at_the_end_disagree_with_the_head(five_events):
    assert _sql("DELETE FROM {t} WHERE seq >= 4") == 2
    ok, output = _verify_command()
    assert not ok
    assert "DELETED at seq 4: events seq 4–5 are missing at the end" in output


@pytest.mark.django_db
def test_a_well_forged_event_appended_behind_the_head_is_reported_as_inserted(five_events):
    # given a forger who appends a correctly hashed event but cannot move the head
    last = AuditEvent.objects.order_by("-seq").first()
    forged = AuditEvent(
        seq=6, prev_hash=last.hash, occurred_at=last.occurred_at, actor_username="doc",
        actor_role="doctor", action="person.viewed", object_id="", fields=[], detail={},
    )  # fmt: skip
    forged.hash = event_hash(forged)
    _raw_insert(forged)
    # when
    ok, output = _verify_command()
    # then
    assert not ok
    assert "INSERTED at seq 6" in output


@pytest.mark.django_db
def test_an_event_replaced_with_a_rehashed_forgery_breaks_the_next_link(five_events):
    # given event 2 deleted and a recomputed forgery put in its place
    second = AuditEvent.objects.get(seq=2)
    _sql("DELETE FROM {t} WHERE seq = 2")
    forged = AuditEvent(
        seq=2, prev_hash=second.prev_hash, occurred_at=second.occurred_at + dt.timedelta(hours=3),
        actor_username="someone_else", actor_role="nurse", action="person.viewed",
        person_uuid=second.person_uuid, fields=[], detail={},
    )  # fmt: skip
    forged.hash = event_hash(forged)
    _raw_insert(forged)
    # when
    result = verify_audit_chain()
    # then the forgery hashes correctly but event 3 no longer links to it
    assert [(p.kind, p.seq) for p in result.problems] == [("inserted", 3)]
    assert "inserted or replaced at seq 2 or 3" in result.problems[0].message


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_an_event(five_events):
    event = AuditEvent.objects.get(seq=1)
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_in_separate_processes_never_fork_the_chain(tmp_path):
    # given four processes appending 40 events each at the same time
    live = live_database(tmp_path)
    script = (
        "from healthloop.audit.services import record_event, record_bulk_access\n"
        "import uuid\n"
        "for n in range(20):\n"
        "    record_event(actor=None, action='test.appended', detail={'n': n})\n"
        "    record_bulk_access(actor=None, action='test.bulk', person_uuids=[uuid.uuid4()])\n"
    )
    workers = [live.popen("shell", "-c", script) for _ in range(4)]
    # when they finish
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output.decode()
    # then the chain has 160 contiguous, intact links
    assert live.scalar("SELECT COUNT(*) FROM audit_auditevent WHERE action LIKE 'test.%%'") == 160
    verified = live.manage("audit_verify")
    assert "audit chain OK" in verified.stdout
    assert live.scalar("SELECT MAX(seq) - MIN(seq) + 1 FROM audit_auditevent") == live.scalar(
        "SELECT COUNT(*) FROM audit_auditevent"
    )
