"""Reads of assessment results, always scoped through ``people.access``."""

from typing import Any

from django.db.models import Count, QuerySet

from healthloop.assessment.errors import AssessmentError
from healthloop.assessment.models import (
    Assessment,
    Finding,
    RegisterEntry,
    RegisterEvent,
    RiskLevel,
    ScreeningRule,
    Severity,
)
from healthloop.core.errors import ServiceError
from healthloop.people.access import visible_persons
from healthloop.people.models import Person


def findings_list(
    user: Any,
    *,
    person: Person | None = None,
    severity: str = "",
    rule: str = "",
    status: str = "",
    major_class: str = "",
    disease: str = "",
) -> QuerySet[Finding]:
    """Findings of one person (already accessed) or of everyone the user may see."""
    query = (Finding.objects.filter(person=person) if person is not None
             else Finding.objects.filter(person__in=visible_persons(user)))  # fmt: skip
    if severity and severity not in Severity.values:
        raise ServiceError(
            AssessmentError.INVALID_FILTER, f"无效的严重程度：{severity}", field="severity"
        )
    if status and status not in Finding.Status.values:
        raise ServiceError(AssessmentError.INVALID_FILTER, f"无效的状态：{status}", field="status")
    for name, value in (("severity", severity), ("rule_code", rule), ("status", status),
                        ("major_class", major_class), ("disease", disease)):  # fmt: skip
        if value:
            query = query.filter(**{name: value})
    return query.select_related("person").order_by("-raised_at", "-id")


def person_risk_levels(person: Person) -> QuerySet[RiskLevel]:
    return RiskLevel.objects.filter(person=person).order_by("disease")


def person_assessments(person: Person) -> QuerySet[Assessment]:
    return Assessment.objects.filter(person=person, is_current=True).order_by("model")


def person_register_entries(person: Person) -> list[RegisterEntry]:
    entries = list(RegisterEntry.objects.filter(person=person).order_by("disease"))
    events: dict[int, list[RegisterEvent]] = {}
    for event in RegisterEvent.objects.filter(entry__in=entries).select_related("actor"):
        events.setdefault(event.entry_id, []).append(event)
    for entry in entries:
        entry.history = events.get(entry.pk, [])  # type: ignore[attr-defined]
    return entries


def register_summary(entries: QuerySet[RegisterEntry]) -> list[dict[str, Any]]:
    """Counts per disease and level of the (already scoped and filtered) entries."""
    rows = entries.order_by().values("disease", "status", "level").annotate(n=Count("id"))
    return sorted(rows, key=lambda r: (r["disease"], r["status"], r["level"]))


def rule_list(*, status: str = "", kind: str = "") -> list[dict[str, Any]]:
    """One line per rule code: its published version (if any), its latest version and
    whether a draft waits (e.g. a newer YAML default for an edited rule)."""
    rows: dict[str, dict[str, Any]] = {}
    for rule in ScreeningRule.objects.order_by("code", "-version"):
        line = rows.setdefault(
            rule.code,
            {
                "code": rule.code,
                "latest": rule,
                "published": None,
                "drafts": 0,
                "yaml_update_pending": False,
            },
        )
        if rule.status == ScreeningRule.Status.PUBLISHED:
            line["published"] = rule
        elif rule.status == ScreeningRule.Status.DRAFT:
            line["drafts"] += 1
            line["yaml_update_pending"] |= rule.origin == ScreeningRule.Origin.YAML
    result = list(rows.values())
    if status == "published":
        result = [r for r in result if r["published"] is not None]
    elif status == "retired":
        result = [r for r in result if r["published"] is None]
    if kind:
        result = [r for r in result if (r["published"] or r["latest"]).kind == kind]
    return result
