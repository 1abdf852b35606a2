"""Alerts test helpers: findings written as the engine writes them, and drained."""

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthloop.alerts.drains import drain_findings
from healthloop.alerts.models import Alert
from healthloop.assessment.models import Finding, ScreeningRule


def raise_finding(person: Any, rule_code: str, *, value: float = 1.0, key: str = "",
                  at: dt.datetime | None = None) -> Finding:  # fmt: skip
    """An open finding of the published rule ``rule_code`` (the engine's output row)."""
    rule = ScreeningRule.objects.get(code=rule_code, status="published")
    now = at or timezone.now()
    dedupe = hashlib.sha256(f"{rule_code}:{key or value}".encode()).hexdigest()
    return Finding.objects.create(
        person=person, rule=rule, rule_code=rule.code, rule_version=rule.version,
        kind=rule.kind, severity=rule.severity, major_class=rule.major_class,
        disease=rule.disease, title=rule.title, advice=f"{rule.title}：建议复查（{value}）。",
        evidence=[{"item": rule_code, "value": value, "unit": ""}], dedupe_key=dedupe,
        content_hash=dedupe, first_seen_at=now, last_seen_at=now, raised_at=now,
    )  # fmt: skip


def alert_for(person: Any, rule_code: str, **kwargs: Any) -> Alert:
    """Raise a finding and drain it into its alert (committed as the drain would)."""
    finding = raise_finding(person, rule_code, **kwargs)
    with transaction.atomic():
        drain_findings()
    return Alert.objects.get(finding=finding, finding_raised_at=finding.raised_at)
