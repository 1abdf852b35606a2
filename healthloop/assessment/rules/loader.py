"""Loading the YAML defaults into the database without ever overwriting an administrator.

For each rule in the YAML files:
- a code not in the database → version 1, published, origin "yaml";
- a YAML text already loaded (same ``yaml_hash`` on any version) → nothing (idempotent);
- a changed YAML text, while the published version is itself a YAML default → a new version,
  published (the old one retired and kept), audited: a deploy updates untouched defaults;
- a changed YAML text for a rule an administrator edited or retired → a new *draft* version
  (origin "yaml"): the administrator sees that a newer default exists, dry-runs it and
  publishes it, or not. ``draft_only=True`` treats every change this way.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from healthloop.assessment.models import ScreeningRule, Verification
from healthloop.assessment.rules import RULES_DIR
from healthloop.assessment.rules.base import RuleDefinitionError
from healthloop.assessment.rules.ruleset import compile_rule
from healthloop.audit.services import record_event

RULE_FIELDS = ("code", "kind", "title", "disease", "severity", "major_class", "advice",
               "source", "verification", "protected")  # fmt: skip
DEFINITION_KEYS = ("when", "include", "levels", "identity")
NOT_RULE_FILES = {"engine.yaml"}


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    unchanged: int = 0


def read_yaml_rules(directory: Path = RULES_DIR) -> list[dict[str, Any]]:
    """Every rule entry of the folder's YAML files, with the file's defaults applied."""
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        if path.name in NOT_RULE_FILES:
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        defaults = document.get("defaults") or {}
        for raw in document.get("rules") or []:
            entry = {**defaults, **raw}
            unknown = set(entry) - set(RULE_FIELDS) - set(DEFINITION_KEYS)
            if unknown:
                raise RuleDefinitionError(f"{path.name}:{entry.get('code')}", f"未知键{unknown}")
            if entry["code"] in seen:
                raise RuleDefinitionError(f"{path.name}:{entry['code']}", "规则编码重复")
            if entry.get("verification") not in Verification.values:
                raise RuleDefinitionError(f"{path.name}:{entry['code']}", "verification无效")
            seen.add(entry["code"])
            entries.append(entry)
    return entries


_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"
_FOLD = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")


def clean_text(text: Any) -> str:
    """YAML folds lines with a space; Chinese text wants none next to a CJK character."""
    return _FOLD.sub("", str(text or "")).strip()


def _yaml_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()


def _new_version(entry: dict[str, Any], version: int, status: str, digest: str) -> ScreeningRule:
    rule = ScreeningRule(
        code=entry["code"], version=version, kind=entry["kind"], title=entry["title"],
        disease=entry.get("disease", ""), severity=entry.get("severity", ""),
        major_class=entry.get("major_class", ""), advice=clean_text(entry.get("advice")),
        source=clean_text(entry.get("source")), verification=entry["verification"],
        protected=bool(entry.get("protected", False)), status=status,
        origin=ScreeningRule.Origin.YAML, yaml_hash=digest,
        definition={k: entry[k] for k in DEFINITION_KEYS if k in entry},
    )  # fmt: skip
    try:
        compile_rule(rule)
    except RuleDefinitionError as exc:
        raise RuleDefinitionError(f"{entry['code']}.{exc.field}", exc.message) from None
    if status == ScreeningRule.Status.PUBLISHED:
        rule.published_at = timezone.now()
    return rule


@transaction.atomic
def load_rules(*, actor: Any, draft_only: bool = False) -> LoadReport:
    """Bring the database in line with the YAML defaults (see the module docstring)."""
    report = LoadReport()
    rows: dict[str, list[ScreeningRule]] = {}
    for rule in ScreeningRule.objects.select_for_update().order_by("code", "version"):
        rows.setdefault(rule.code, []).append(rule)
    now = timezone.now()
    for entry in read_yaml_rules():
        code, digest = entry["code"], _yaml_hash(entry)
        versions = rows.get(code, [])
        if not versions:
            _new_version(entry, 1, ScreeningRule.Status.PUBLISHED, digest).save()
            report.created.append(code)
            continue
        if any(v.yaml_hash == digest for v in versions):
            report.unchanged += 1
            continue
        published = next((v for v in versions if v.status == ScreeningRule.Status.PUBLISHED), None)
        next_version = max(v.version for v in versions) + 1
        untouched = published is not None and published.origin == ScreeningRule.Origin.YAML
        if untouched and not draft_only:
            published.status, published.retired_at = ScreeningRule.Status.RETIRED, now
            published.save(update_fields=["status", "retired_at"])
            _new_version(entry, next_version, ScreeningRule.Status.PUBLISHED, digest).save()
            report.updated.append(code)
        else:
            draft = _new_version(entry, next_version, ScreeningRule.Status.DRAFT, digest)
            draft.note = "YAML中有新的默认值（管理员曾修改或停用此规则，未自动发布）"
            draft.save()
            report.pending.append(code)
    if report.created or report.updated or report.pending:
        record_event(
            actor=actor, action="rules.loaded", object_type="screening_rule",
            detail={"created": report.created, "updated": report.updated,
                    "pending": report.pending},
        )  # fmt: skip
    return report


def latest_version(code: str) -> int:
    return ScreeningRule.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0
