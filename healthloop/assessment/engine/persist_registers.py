"""Storing register verdicts: the engine decides automatic entries only; for manual ones it
records whether the person still qualifies, the level and the basis. Every inclusion and
exclusion is a RegisterEvent (the history)."""

from collections import Counter
from typing import Any

from healthloop.assessment.engine.evaluate import Outcome, RegisterVerdict
from healthloop.assessment.engine.facts import Scope
from healthloop.assessment.models import RegisterEntry, RegisterEvent
from healthloop.assessment.rules.active import RuleSet
from healthloop.assessment.rules.base import summarize
from healthloop.core.db import update_rows
from healthloop.records.bulk import bulk_insert

ENTRY_FIELDS = ["status", "source", "reason", "qualifies", "level", "basis", "rule_code",
                "rule_version", "included_at", "updated_at"]  # fmt: skip
INCLUDED, EXCLUDED = RegisterEntry.Status.INCLUDED, RegisterEntry.Status.EXCLUDED


def apply_verdict(entry: RegisterEntry, verdict: RegisterVerdict, now: Any) -> str | None:
    """Apply the engine's verdict to an entry; the new status when it changed."""
    entry.qualifies = verdict.included
    entry.level = verdict.level.colour if verdict.level is not None else ""
    entry.basis = summarize(verdict.evidence)
    entry.rule_code, entry.rule_version = verdict.rule.code, verdict.rule.version
    if entry.source == RegisterEntry.Source.MANUAL:
        return None
    if verdict.included and entry.status != INCLUDED:
        entry.status, entry.included_at = INCLUDED, now
        entry.reason = "自动纳入：" + "；".join(entry.basis[:3])
        return entry.status
    if not verdict.included and entry.status == INCLUDED:
        entry.status, entry.reason = EXCLUDED, "自动移出：不再符合纳入标准"
        return entry.status
    return None


def write_registers(outcomes: list[Outcome], scope: Scope, ruleset: RuleSet, now: Any,
                    counts: Counter[str], changed: set[int]) -> None:  # fmt: skip
    stored = {
        (e.person_id, e.disease): e
        for e in RegisterEntry.objects.filter(scope.q(), disease__in=ruleset.diseases)
    }
    create, update, events = [], [], []
    for outcome in outcomes:
        pid = outcome.person.id
        for verdict in outcome.registers:
            entry = stored.get((pid, verdict.rule.disease))
            is_new = entry is None
            if entry is None:
                if not verdict.included:
                    continue
                entry = RegisterEntry(
                    person_id=pid,
                    disease=verdict.rule.disease,
                    status="",
                    source=RegisterEntry.Source.AUTO,
                    created_at=now,
                )
                create.append(entry)
            before = [getattr(entry, f) for f in ENTRY_FIELDS]
            status = apply_verdict(entry, verdict, now)
            if status is not None:
                events.append((entry, status))
                counts[f"register_{status}"] += 1
                changed.add(pid)
            if not is_new and [getattr(entry, f) for f in ENTRY_FIELDS] != before:
                entry.updated_at = now
                update.append(entry)
    for entry in create:
        entry.updated_at = now
    RegisterEntry.objects.bulk_create(create, batch_size=2000)
    if create and create[0].pk is None:  # a database that returns no ids from bulk inserts
        ids = {(e.person_id, e.disease): e.pk for e in RegisterEntry.objects.filter(scope.q())}
        for entry in create:
            entry.pk = ids[(entry.person_id, entry.disease)]
    update_rows(RegisterEntry, update, ENTRY_FIELDS)
    bulk_insert(RegisterEvent, [
        RegisterEvent(entry_id=e.pk, at=now, status=s, source=e.source, reason=e.reason)
        for e, s in events
    ])  # fmt: skip
