"""The two durable drains of alerts (core.handoff), both idempotent and safe to run at once.

``drain_findings`` turns open Findings raised since the watermark into Alerts. A finding's
``raised_at`` is stamped when the engine writes it, inside a transaction that commits a little
later, so a finding may become visible after one with a later ``raised_at``: each run re-reads
an overlap window before the watermark and skips raisings that already have their alert (the
unique (finding, finding_raised_at) pair). An unchanged finding keeps its ``raised_at`` and is
never alerted twice; a finding resolved and raised again has a new ``raised_at`` and is.

``drain_notification_events`` reads notify's append-only ``NotificationEvent`` rows of
``alerts.alert:<uuid>`` refs by id and sets the alert's notified_at / read_at; ids may also
commit out of order, so the recent window is re-read and applied idempotently.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from healthloop.alerts import notices
from healthloop.alerts.models import SEVERITY_RANK, Alert, AlertEvent, DrainMark
from healthloop.alerts.routing import Router
from healthloop.assessment.models import Finding
from healthloop.audit.services import record_bulk_access
from healthloop.core import clock
from healthloop.notify.models import NotificationEvent
from healthloop.people.models import Person

log = logging.getLogger(__name__)
PERSON_REF = "alerts.alert:"
FINDINGS_MARK = "findings"
EVENTS_MARK = "notify_events"
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _locked_mark(name: str) -> DrainMark:
    """The drain's watermark row, locked: concurrent runs of one drain take turns."""
    mark = DrainMark.objects.select_for_update().filter(name=name).first()
    if mark is None:
        DrainMark.objects.get_or_create(name=name)  # the first run ever; a twin may race us
        mark = DrainMark.objects.select_for_update().get(name=name)
    return mark


def needs_doctor() -> Q:
    """Which findings become alerts: open ones of every kind except those that ask the person,
    not a doctor, to act (overdue re-examinations: reminders, per the glossary)."""
    return Q(status=Finding.Status.OPEN) & ~Q(kind__in=settings.ALERTS_EXCLUDED_KINDS)


def drain_findings(*, batch_size: int = 500, overlap: dt.timedelta | None = None) -> int:
    """Create the alerts of newly raised findings; returns how many were created."""
    overlap = overlap or dt.timedelta(seconds=settings.ALERTS_DRAIN_OVERLAP_SECONDS)
    created = 0
    while True:
        with transaction.atomic():
            mark = _locked_mark(FINDINGS_MARK)
            since = (mark.at or EPOCH) - overlap
            alerted = Alert.objects.filter(finding=OuterRef("pk"),
                                           finding_raised_at=OuterRef("raised_at"))  # fmt: skip
            findings = list(
                Finding.objects.filter(needs_doctor(), raised_at__gt=since)
                .exclude(Exists(alerted))
                .select_related("person__org_unit")
                .order_by("raised_at", "id")[:batch_size]
            )
            if findings:
                created += _create_alerts(findings)
                latest = max(f.raised_at for f in findings)
                if mark.at is None or latest > mark.at:
                    mark.at = latest
                    mark.save(update_fields=["at", "updated_at"])
        if len(findings) < batch_size:
            return created


def _create_alerts(findings: list[Finding]) -> int:
    router = Router()
    router.preload(f.person_id for f in findings)
    now = clock.now()
    alerts = []
    for finding in findings:
        doctor, routing = router.responsible(finding.person, finding.disease)
        draft = finding.advice.strip() or finding.title
        alerts.append(Alert(
            finding=finding, finding_raised_at=finding.raised_at, person=finding.person,
            rule_code=finding.rule_code, rule_version=finding.rule_version, kind=finding.kind,
            severity=finding.severity, severity_rank=SEVERITY_RANK.get(finding.severity, 3),
            major_class=finding.major_class, disease=finding.disease, title=finding.title,
            evidence=finding.evidence, draft_text=draft, text=draft,
            is_urgent=finding.severity == "critical" or finding.major_class == "A",
            responsible=doctor, routing=routing, org_unit=finding.person.org_unit,
            uuid=uuid.uuid4(), created_at=now, updated_at=now,
        ))  # fmt: skip
    Alert.objects.bulk_create(alerts)
    if any(a.pk is None for a in alerts):  # databases without RETURNING on bulk inserts
        pks = dict(
            Alert.objects.filter(uuid__in=[a.uuid for a in alerts]).values_list("uuid", "pk")
        )
        for alert in alerts:
            alert.pk = alert.id = pks[alert.uuid]
    _supersede(alerts, now)
    AlertEvent.objects.bulk_create(
        AlertEvent(alert=a, at=now, kind=AlertEvent.Kind.CREATED,
                   detail={"routing": a.routing, "responsible": a.responsible_id})
        for a in alerts
    )  # fmt: skip
    for alert in alerts:
        if alert.is_urgent:
            notices.notify_responsible(alert, router=router, now=now)
    record_bulk_access(actor=None, action="alert.created",
                       person_uuids=sorted({a.person.uuid for a in alerts}))  # fmt: skip
    return len(alerts)


def _supersede(alerts: list[Alert], now: dt.datetime) -> None:
    """An unreviewed alert of a finding raised again is closed: the new alert replaces it."""
    by_finding = {a.finding_id: a for a in alerts}
    older = Alert.objects.filter(finding_id__in=list(by_finding), state=Alert.State.NEW).exclude(
        pk__in=[a.pk for a in alerts]
    )
    for old in older:
        newer = by_finding[old.finding_id]
        old.state, old.closed_at, old.close_note = Alert.State.CLOSED, now, "被新的预警取代"
        old.save(update_fields=["state", "closed_at", "close_note", "updated_at"])
        AlertEvent.objects.create(alert=old, at=now, kind=AlertEvent.Kind.CLOSED,
                                  detail={"superseded_by": str(newer.uuid)})  # fmt: skip


# --- notification events --------------------------------------------------------------------


def drain_notification_events(
    *, batch_size: int = 1000, overlap: dt.timedelta | None = None
) -> int:
    """Apply notify's delivery events to their alerts; returns how many events were read."""
    overlap = overlap or dt.timedelta(seconds=settings.ALERTS_DRAIN_OVERLAP_SECONDS)
    read = 0
    recheck = True
    while True:
        with transaction.atomic():
            mark = _locked_mark(EVENTS_MARK)
            query = NotificationEvent.objects.filter(ref__startswith=PERSON_REF)
            window = Q(id__gt=mark.position)
            if recheck:  # once per run: late commits below the watermark
                window |= Q(at__gte=clock.now() - overlap)
            events = list(
                query.filter(window)
                .order_by("id")
                .values_list("id", "ref", "kind", "at")[:batch_size]
            )
            _apply_events(events)
            top = max((e[0] for e in events), default=0)
            if top > mark.position:
                mark.position = top
                mark.save(update_fields=["position", "updated_at"])
        read += len(events)
        if len(events) < batch_size and not (recheck and events):
            return read
        recheck = False


def _alert_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref.removeprefix(PERSON_REF))
    except ValueError:
        return None


def _apply_events(events: Iterable[tuple[int, str, str, dt.datetime]]) -> None:
    by_alert: dict[uuid.UUID, list[tuple[str, dt.datetime]]] = {}
    for _, ref, kind, at in events:
        key = _alert_uuid(ref)
        if key is not None:
            by_alert.setdefault(key, []).append((kind, at))
    if not by_alert:
        return
    touched = set()
    # the alert rows only: a join would also lock persons the screening engine may hold
    for alert in Alert.objects.select_for_update().filter(uuid__in=list(by_alert)):
        changed: set[str] = set()
        for kind, at in by_alert[alert.uuid]:
            changed |= _apply(alert, kind, at)
        if changed:
            alert.save(update_fields=[*sorted(changed), "updated_at"])
            touched.add(alert.person_id)
    if touched:
        uuids = Person.objects.filter(pk__in=touched).values_list("uuid", flat=True)
        record_bulk_access(actor=None, action="alert.delivery_updated",
                           person_uuids=sorted(uuids))  # fmt: skip


_DELIVERED_STATES = {Alert.State.CONFIRMED, Alert.State.EDITED}


def _apply(alert: Alert, kind: str, at: dt.datetime) -> set[str]:
    changed: set[str] = set()
    if kind in ("sent", "delivered", "read") and alert.notified_at is None:
        alert.notified_at = at
        changed.add("notified_at")
        AlertEvent.objects.create(alert=alert, at=at, kind=AlertEvent.Kind.NOTIFIED)
        if alert.state in _DELIVERED_STATES:
            alert.state = Alert.State.NOTIFIED
            changed.add("state")
    if kind == "read" and alert.read_at is None:
        alert.read_at = at
        changed.add("read_at")
        AlertEvent.objects.create(alert=alert, at=at, kind=AlertEvent.Kind.READ)
        if alert.state in _DELIVERED_STATES | {Alert.State.NOTIFIED}:
            alert.state = Alert.State.READ
            changed.add("state")
    if kind == "failed" and alert.notify_failed_at is None:
        alert.notify_failed_at = at
        changed.add("notify_failed_at")
        AlertEvent.objects.create(alert=alert, at=at, kind=AlertEvent.Kind.NOTIFY_FAILED)
    return changed
