"""Writers of screening rules: draft a new version, dry-run it, publish it, retire a rule.

Versions are never changed in place: an edit is a new draft version; publishing retires the
published version (kept, with its findings still pointing at it) and queues a re-screening of
the population. Publishing needs a dry run of that very draft first.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthloop.assessment.errors import AssessmentError
from healthloop.assessment.models import ScreeningRule, Verification
from healthloop.assessment.rules.base import RuleDefinitionError
from healthloop.assessment.rules.dryrun import run_dry_run
from healthloop.assessment.rules.ruleset import CompiledRule, compile_rule
from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound, ServiceError
from healthloop.records.catalog import get_catalog

EDITABLE = ("kind", "title", "disease", "severity", "major_class", "definition", "advice",
            "source", "verification", "note")  # fmt: skip
CONDITION_FIELDS = ("kind", "definition")


def _compile_for_admin(rule: ScreeningRule) -> CompiledRule:
    try:
        compiled = compile_rule(rule)
    except RuleDefinitionError as exc:
        raise ServiceError(AssessmentError.INVALID_RULE, exc.message, field=exc.field) from exc
    catalog = get_catalog()
    unknown = sorted(
        c for c in compiled.needs.latest | compiled.needs.history if c not in catalog.by_code
    )
    if unknown:
        raise ServiceError(
            AssessmentError.INVALID_RULE, f"未知的检查项目：{unknown}", field="definition"
        )
    return compiled


def rule_version(code: str, version: int) -> ScreeningRule:
    rule = ScreeningRule.objects.filter(code=code, version=version).first()
    if rule is None:
        raise NotFound("rule")
    return rule


def rule_versions(code: str, *, lock: bool = False) -> list[ScreeningRule]:
    query = ScreeningRule.objects.filter(code=code).order_by("-version")
    return list(query.select_for_update() if lock else query)


@transaction.atomic
def create_rule_draft(
    *, code: str, changes: dict[str, Any], actor: Any, note: str = ""
) -> ScreeningRule:
    """A new draft version of ``code`` — the published version (else the latest) with
    ``changes`` applied — or version 1 of a new local rule. A protected rule (PHQ-9 item 9)
    keeps its kind and condition: only wording, advice and severity may change."""
    versions = rule_versions(code, lock=True)
    base = next((v for v in versions if v.status == ScreeningRule.Status.PUBLISHED), None)
    base = base or (versions[0] if versions else None)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(
            AssessmentError.INVALID_RULE,
            f"不可修改的字段：{sorted(unknown)}",
            field=sorted(unknown)[0],
        )
    if base is not None and base.protected:
        for name in CONDITION_FIELDS:
            if name in changes and changes[name] != getattr(base, name):
                raise ServiceError(
                    AssessmentError.PROTECTED_RULE, "受保护规则的类型和条件不可修改", field=name
                )
    values = {name: getattr(base, name) for name in EDITABLE} if base else {
        "verification": Verification.LOCAL, "disease": "", "severity": "", "major_class": "",
        "advice": "", "source": "", "note": "",
    }  # fmt: skip
    values.update(changes)
    values["note"] = note or changes.get("note", "")
    rule = ScreeningRule(
        code=code, version=(versions[0].version + 1) if versions else 1,
        status=ScreeningRule.Status.DRAFT, origin=ScreeningRule.Origin.ADMIN,
        protected=bool(base and base.protected),
        author=actor if getattr(actor, "is_authenticated", False) else None, **values,
    )  # fmt: skip
    for name in ("kind", "title", "definition"):
        if not getattr(rule, name, None):
            raise ServiceError(AssessmentError.INVALID_RULE, f"{name}不能为空", field=name)
    _compile_for_admin(rule)
    rule.save()
    record_event(
        actor=actor,
        action="rule.draft_created",
        object_type="screening_rule",
        object_id=f"{code}:{rule.version}",
        purpose=rule.note,
    )
    return rule


def _published(code: str) -> ScreeningRule | None:
    return ScreeningRule.objects.filter(code=code, status=ScreeningRule.Status.PUBLISHED).first()


def dry_run_rule(
    *, rule: ScreeningRule, actor: Any, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Evaluate the draft and the published version side by side over the current
    population (no writes) and store the comparison on the draft."""
    if rule.status != ScreeningRule.Status.DRAFT:
        raise ServiceError(AssessmentError.NOT_A_DRAFT, "只能试运行草稿版本", field="version")
    draft = _compile_for_admin(rule)
    current = _published(rule.code)
    report = run_dry_run(draft, compile_rule(current) if current else None, as_of=as_of)
    ScreeningRule.objects.filter(pk=rule.pk).update(dry_run=report, dry_run_at=timezone.now())
    rule.refresh_from_db(fields=["dry_run", "dry_run_at"])
    record_event(
        actor=actor, action="rule.dry_run", object_type="screening_rule",
        object_id=f"{rule.code}:{rule.version}",
        detail={k: report[k] for k in ("newly_flagged", "no_longer_flagged", "population")},
    )  # fmt: skip
    return report


@transaction.atomic
def publish_rule(*, rule: ScreeningRule, actor: Any, rescreen: bool = True) -> ScreeningRule:
    """Publish a dry-run draft; retire the version it replaces; queue a full re-screening."""
    rule_versions(rule.code, lock=True)
    rule.refresh_from_db()
    if rule.status != ScreeningRule.Status.DRAFT:
        raise ServiceError(AssessmentError.NOT_A_DRAFT, "只能发布草稿版本", field="version")
    if rule.dry_run_at is None:
        raise ServiceError(AssessmentError.DRY_RUN_REQUIRED, "发布前须先试运行", field="dry_run")
    now = timezone.now()
    ScreeningRule.objects.filter(code=rule.code, status=ScreeningRule.Status.PUBLISHED).update(
        status=ScreeningRule.Status.RETIRED, retired_at=now
    )
    rule.status, rule.published_at = ScreeningRule.Status.PUBLISHED, now
    rule.published_by = actor if getattr(actor, "is_authenticated", False) else None
    rule.save(update_fields=["status", "published_at", "published_by"])
    record_event(
        actor=actor,
        action="rule.published",
        object_type="screening_rule",
        object_id=f"{rule.code}:{rule.version}",
        detail=rule.dry_run or {},
    )
    if rescreen:
        from healthloop.assessment.services import start_population_screening

        start_population_screening(actor=actor, reason=f"规则{rule.code} v{rule.version}发布")
    return rule


@transaction.atomic
def retire_rule(*, code: str, actor: Any, reason: str) -> ScreeningRule:
    """Stop applying a rule. Its findings and register entries stay as they are."""
    rule_versions(code, lock=True)
    current = _published(code)
    if current is None:
        raise NotFound("rule")
    if current.protected:
        raise ServiceError(AssessmentError.PROTECTED_RULE, "受保护规则不可停用", field="code")
    current.status, current.retired_at = ScreeningRule.Status.RETIRED, timezone.now()
    current.save(update_fields=["status", "retired_at"])
    record_event(
        actor=actor,
        action="rule.retired",
        object_type="screening_rule",
        object_id=f"{code}:{current.version}",
        purpose=reason,
    )
    return current
