"""Storing a batch's outcomes: compare with what is stored, write only the differences.

One read per table for the whole batch (ids and digests, not documents), then bulk inserts
(COPY on PostgreSQL through ``records.bulk``), bulk updates and set-based UPDATE/DELETE
statements. Running the same batch twice writes nothing and raises nothing twice.
"""

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone

from healthloop.assessment.engine.evaluate import Outcome
from healthloop.assessment.engine.facts import Scope
from healthloop.assessment.engine.modelrun import Known
from healthloop.assessment.engine.persist_registers import write_registers
from healthloop.assessment.models import Assessment, Finding, RiskLevel
from healthloop.assessment.rules.active import RuleSet
from healthloop.assessment.rules.base import Hit, summarize
from healthloop.audit.services import record_bulk_access
from healthloop.core.db import update_rows
from healthloop.core.handoff import nudge
from healthloop.records.bulk import bulk_insert

CHUNK = 900
ALERTS_DRAIN = "alerts"
REGISTERS_DRAIN = "followup.registers"  # follow-up plans start when a person enters a register


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def digest(*parts: Any) -> str:
    """A stable hash of JSON-like values built in a fixed order (repr is exact for them)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def write_outcomes(
    outcomes: list[Outcome], scope: Scope, ruleset: RuleSet, current: dict[int, Known]
) -> Counter[str]:
    """``current``: the batch's current assessments (``run.stored_results``)."""
    now = timezone.now()
    counts: Counter[str] = Counter()
    changed: set[int] = set()
    _assessments(outcomes, scope, current, now, counts, changed)
    _risk_levels(outcomes, scope, ruleset, now, counts, changed)
    write_registers(outcomes, scope, ruleset, now, counts, changed)
    _findings(outcomes, scope, ruleset, now, counts, changed)
    if counts["findings_raised"] or counts["findings_reopened"]:
        # alerts (above us) registered a drain under this name: it runs after our commit
        nudge(ALERTS_DRAIN)
    if counts["register_included"] or counts["register_excluded"]:
        nudge(REGISTERS_DRAIN)
    uuids = [o.person.uuid for o in outcomes if o.person.id in changed]
    if uuids:
        record_bulk_access(actor=None, action="assessment.results_updated", person_uuids=uuids)
    counts["persons"] += len(outcomes)
    counts["persons_changed"] += len(uuids)
    return counts


def _assessments(outcomes: list[Outcome], scope: Scope, current: dict[int, Known], now: Any,
                 counts: Counter[str], changed: set[int]) -> None:  # fmt: skip
    new, retire = [], []
    for outcome in outcomes:
        pid = outcome.person.id
        stored = current.get(pid, {})
        for name, run in outcome.models.items():
            old = stored.get(name)
            if old is not None and old[0] == run.input_hash:
                continue
            if old is not None:
                retire.append((pid, name))
            changed.add(pid)
            new.append(Assessment(
                person_id=pid, model=name, version=run.version, status=run.status,
                inputs=run.snapshot, missing=run.missing, result=run.result, value=run.value,
                category=run.category, colour=run.colour, input_hash=run.input_hash,
                is_current=True, assessed_at=now,
            ))  # fmt: skip
    for model in {name for _, name in retire}:
        persons = [pid for pid, name in retire if name == model]
        for part in chunks(persons):
            Assessment.objects.filter(person_id__in=part, model=model, is_current=True).update(
                is_current=False
            )
    bulk_insert(Assessment, new)
    counts["assessments_written"] += len(new)


def _risk_levels(outcomes: list[Outcome], scope: Scope, ruleset: RuleSet, now: Any,
                 counts: Counter[str], changed: set[int]) -> None:  # fmt: skip
    stored = {
        (pid, disease): (rid, old)
        for rid, pid, disease, old in RiskLevel.objects.filter(
            scope.q(), disease__in=ruleset.diseases
        ).values_list("id", "person_id", "disease", "digest")
    }
    create, update, keep = [], [], set()
    for outcome in outcomes:
        pid = outcome.person.id
        for verdict in outcome.registers:
            level, rule = verdict.level, verdict.rule
            if level is None:
                continue
            key = (pid, rule.disease)
            keep.add(key)
            basis = [level.label, *summarize(verdict.level_evidence or verdict.evidence)]
            new_digest = digest(level.colour, level.label, basis, rule.code, rule.version)
            old = stored.get(key)
            if old is not None and old[1] == new_digest:
                continue
            changed.add(pid)
            row = RiskLevel(
                person_id=pid, disease=rule.disease, colour=level.colour, label=level.label,
                basis=basis, rule_code=rule.code, rule_version=rule.version, digest=new_digest,
                created_at=now, updated_at=now,
            )  # fmt: skip
            if old is None:
                create.append(row)
            else:
                row.pk = old[0]
                update.append(row)
    bulk_insert(RiskLevel, create)
    fields = ["colour", "label", "basis", "rule_code", "rule_version", "digest", "updated_at"]
    update_rows(RiskLevel, update, fields)
    stale = [rid for key, (rid, _) in stored.items() if key not in keep]
    for part in chunks(stale):
        RiskLevel.objects.filter(id__in=part).delete()
    changed.update(key[0] for key in stored if key not in keep)
    counts["risk_levels_written"] += len(create) + len(update) + len(stale)


def _finding_fields(hit: Hit, content: str, now: Any) -> dict[str, Any]:
    rule = hit.rule
    return {
        "rule_id": rule.id, "rule_code": rule.code, "rule_version": rule.version,
        "kind": rule.kind, "severity": rule.severity, "major_class": rule.major_class,
        "disease": rule.disease, "title": rule.title, "evidence": hit.evidence,
        "advice": hit.advice, "content_hash": content, "last_seen_at": now, "updated_at": now,
    }  # fmt: skip


_UPDATABLE = ["rule_id", "rule_code", "rule_version", "kind", "severity", "major_class",
              "disease", "title", "evidence", "advice", "content_hash", "status", "raised_at",
              "resolved_at", "last_seen_at", "updated_at"]  # fmt: skip


def _findings(outcomes: list[Outcome], scope: Scope, ruleset: RuleSet, now: Any,
              counts: Counter[str], changed: set[int]) -> None:  # fmt: skip
    codes = [rule.code for rule in ruleset.findings]
    stored = {
        (pid, key): (fid, status, content, raised)
        for fid, pid, key, status, content, raised in Finding.objects.filter(
            scope.q(), rule_code__in=codes
        ).values_list("id", "person_id", "dedupe_key", "status", "content_hash", "raised_at")
    }
    create, update, seen = [], [], set()
    for outcome in outcomes:
        pid = outcome.person.id
        for hit in outcome.hits:
            key = (pid, hit.dedupe_key)
            seen.add(key)
            rule = hit.rule
            content = digest(rule.id, rule.severity, rule.major_class, rule.title, hit.evidence,
                             hit.advice)  # fmt: skip
            old = stored.get(key)
            if old is not None and old[1] == Finding.Status.OPEN and old[2] == content:
                continue
            changed.add(pid)
            fields = _finding_fields(hit, content, now)
            if old is None:
                counts["findings_raised"] += 1
                create.append(Finding(person_id=pid, dedupe_key=hit.dedupe_key, first_seen_at=now,
                                      raised_at=now, created_at=now, **fields))  # fmt: skip
                continue
            reopened = old[1] != Finding.Status.OPEN
            counts["findings_reopened" if reopened else "findings_updated"] += 1
            update.append(Finding(pk=old[0], status=Finding.Status.OPEN, resolved_at=None,
                                  raised_at=now if reopened else old[3], **fields))  # fmt: skip
    bulk_insert(Finding, create)
    update_rows(Finding, update, _UPDATABLE)
    gone = [(k, v[0]) for k, v in stored.items() if k not in seen and v[1] == Finding.Status.OPEN]
    for part in chunks([fid for _, fid in gone]):
        Finding.objects.filter(id__in=part).update(
            status=Finding.Status.RESOLVED, resolved_at=now, last_seen_at=now, updated_at=now
        )
    changed.update(key[0] for key, _ in gone)
    counts["findings_resolved"] += len(gone)
