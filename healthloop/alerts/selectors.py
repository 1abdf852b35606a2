"""Reads: the doctor's work queue and the figures of the dashboard."""

import datetime as dt
import math
import statistics
from collections import Counter
from typing import Any

from django.db.models import Count, QuerySet

from healthloop.alerts.access import visible_alerts
from healthloop.alerts.models import Alert
from healthloop.people.models import OrgUnit

OPEN_STATES = (Alert.State.NEW,)


def alert_queue(
    user: Any,
    *,
    states: list[str] | None = None,
    severities: list[str] | None = None,
    urgent: bool | None = None,
    mine: bool = False,
    disease: str = "",
    kind: str = "",
    rule: str = "",
    org_unit: OrgUnit | None = None,
    person_uuid: str = "",
) -> QuerySet[Alert]:
    """The alerts of persons in the user's scope, most severe first, then oldest first.
    Default: the alerts waiting for review (state new)."""
    query = visible_alerts(user).filter(state__in=states or OPEN_STATES)
    if severities:
        query = query.filter(severity__in=severities)
    if urgent is not None:
        query = query.filter(is_urgent=urgent)
    if mine:
        query = query.filter(responsible=user)
    if disease:
        query = query.filter(disease=disease)
    if kind:
        query = query.filter(kind=kind)
    if rule:
        query = query.filter(rule_code=rule)
    if org_unit is not None:
        query = query.filter(person__org_unit__path__startswith=org_unit.path)
    if person_uuid:
        query = query.filter(person__uuid=person_uuid)
    return query.select_related("person__org_unit", "org_unit", "responsible").order_by(
        "severity_rank", "created_at", "id"
    )


def _quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "median_seconds": round(statistics.median(values), 1) if values else None,
        "p90_seconds": round(v, 1) if (v := _quantile(values, 0.9)) is not None else None,
    }


def alert_stats(
    alerts: QuerySet[Alert], *, since: dt.datetime, until: dt.datetime
) -> dict[str, Any]:
    """Counts by severity and state (with an ``urgent`` and ``overdue`` view) and the review
    and notify times of the alerts created in [since, until). Times are computed in Python
    from two timestamps per alert: the same code on every database."""
    window = alerts.filter(created_at__gte=since, created_at__lt=until)
    counts: dict[str, Counter[str]] = {}
    for severity, state, n in window.values_list("severity", "state").annotate(n=Count("id")):
        counts.setdefault(severity, Counter())[state] += n
    by_state: Counter[str] = Counter()
    for per in counts.values():
        by_state.update(per)
    review, notify = [], []
    for created, reviewed, notified in window.values_list("created_at", "reviewed_at",
                                                          "notified_at"):  # fmt: skip
        if reviewed is not None:
            review.append((reviewed - created).total_seconds())
        if notified is not None:
            notify.append((notified - created).total_seconds())
    return {
        "since": since,
        "until": until,
        "total": sum(by_state.values()),
        "by_state": dict(by_state),
        "by_severity": {sev: dict(per) for sev, per in counts.items()},
        "urgent_waiting": window.filter(is_urgent=True, state=Alert.State.NEW).count(),
        "escalated": window.filter(escalation_level__gt=0).count(),
        "time_to_review": _summary(review),
        "time_to_notify": _summary(notify),
    }


def stats_alerts(user: Any) -> QuerySet[Alert]:
    """Whose alerts the dashboard counts: the persons in a staff member's scope; everyone's
    for an administrator (counts and times only, no person data)."""
    if getattr(user, "role", "") == "admin":
        return Alert.objects.all()
    return visible_alerts(user)
