"""Anomaly checks over the audit trail, run by a Huey periodic task (``scan_anomalies_task``).

- bulk export: one user exported the data of many persons within an hour;
- many persons: one user opened many different persons' records within a short window;
- off hours: a staff member read or changed person data outside working hours (one anomaly per
  user and local day).

The scan is incremental and durable: it remembers the last event ``seq`` it looked at
(``AnomalyScanCursor``), so a worker that was down catches up; each anomaly is stored once per
(kind, user, window), so a re-scan never doubles it. Windows are fixed buckets (a burst that
straddles two buckets counts in each), which keeps the check a handful of indexed queries.
Thresholds come from settings (``AUDIT_ANOMALY``).
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from healthloop.audit.models import AnomalyScanCursor, AuditAnomaly, AuditEvent
from healthloop.audit.seal import seal_pending
from healthloop.audit.services import raise_anomaly

DEFAULTS: dict[str, Any] = {
    "bulk_export_persons": 200,
    "bulk_export_window_minutes": 60,
    "many_persons": 50,
    "many_persons_window_minutes": 10,
    "work_start_hour": 7,
    "work_end_hour": 20,
    "weekend_is_off_hours": False,
    "batch": 20000,
}


def anomaly_settings() -> dict[str, Any]:
    return {**DEFAULTS, **getattr(settings, "AUDIT_ANOMALY", {})}


def _bucket(at: dt.datetime, minutes: int) -> dt.datetime:
    epoch = int(at.timestamp()) // (minutes * 60) * (minutes * 60)
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def is_off_hours(at: dt.datetime, conf: dict[str, Any] | None = None) -> bool:
    conf = conf or anomaly_settings()
    local = timezone.localtime(at)
    if conf["weekend_is_off_hours"] and local.weekday() >= 5:
        return True
    return not conf["work_start_hour"] <= local.hour < conf["work_end_hour"]


def _count_bursts(kind: str, suffix: str, threshold: int, minutes: int, touched) -> int:
    raised = 0
    for username, bucket in touched:
        end = bucket + dt.timedelta(minutes=minutes)
        row = AuditEvent.objects.filter(
            actor_username=username,
            occurred_at__gte=bucket,
            occurred_at__lt=end,
            action__endswith=suffix,
            person_uuid__isnull=False,
        ).aggregate(persons=Count("person_uuid", distinct=True), events=Count("id"))
        if row["persons"] < threshold:
            continue
        actor = AuditEvent.objects.filter(actor_username=username).exclude(actor=None).first()
        _, created = raise_anomaly(
            kind=kind,
            actor=actor.actor if actor else None,
            actor_username=username,
            window_key=bucket.strftime("%Y-%m-%dT%H:%MZ"),
            summary=f"{username}: {row['persons']} persons in {minutes} min ({suffix[1:]})",
            event_count=row["events"],
            person_count=row["persons"],
            first_event_at=bucket,
            last_event_at=end,
            detail={"threshold": threshold, "window_minutes": minutes},
        )
        raised += created
    return raised


def scan_anomalies() -> dict[str, int]:
    """Look at the events appended since the last scan; store what is anomalous."""
    conf = anomaly_settings()
    seal_pending()  # the scan reads sealed events only (seq order is commit order)
    with transaction.atomic():
        cursor, _ = AnomalyScanCursor.objects.select_for_update().get_or_create(pk=1)
        events = list(
            AuditEvent.objects.filter(seq__gt=cursor.last_seq)
            .exclude(actor=None)
            .order_by("seq")
            .values(
                "seq",
                "actor_id",
                "actor_username",
                "actor_role",
                "occurred_at",
                "action",
                "person_uuid",
            )[: conf["batch"]]
        )
        # Seqs commit in order (the sealer numbers them under the head lock), so nothing below
        # the last one we saw can still appear.
        last_seq = events[-1]["seq"] if events else cursor.last_seq
        exports, views = set(), set()
        off_hours: dict[tuple[int, str, dt.date], list[dict[str, Any]]] = defaultdict(list)
        for event in events:
            action, at, who = event["action"], event["occurred_at"], event["actor_username"]
            if event["person_uuid"] is None:
                continue
            if action.endswith(".exported"):
                exports.add((who, _bucket(at, conf["bulk_export_window_minutes"])))
            elif action.endswith(".viewed"):
                views.add((who, _bucket(at, conf["many_persons_window_minutes"])))
            if event["actor_role"] != "employee" and is_off_hours(at, conf):
                off_hours[(event["actor_id"], who, timezone.localtime(at).date())].append(event)
        counts = {
            "events": len(events),
            "bulk_export": _count_bursts(
                AuditAnomaly.Kind.BULK_EXPORT, ".exported", conf["bulk_export_persons"],
                conf["bulk_export_window_minutes"], sorted(exports),
            ),
            "many_persons": _count_bursts(
                AuditAnomaly.Kind.MANY_PERSONS, ".viewed", conf["many_persons"],
                conf["many_persons_window_minutes"], sorted(views),
            ),
            "off_hours": 0,
        }  # fmt: skip
        for (actor_id, who, day), hits in sorted(off_hours.items(), key=lambda kv: kv[0][1:]):
            _, created = raise_anomaly(
                kind=AuditAnomaly.Kind.OFF_HOURS,
                actor=AuditEvent.objects.filter(actor_id=actor_id).first().actor,
                actor_username=who,
                window_key=day.isoformat(),
                summary=f"{who}: person data accessed outside working hours on {day}",
                event_count=len(hits),
                person_count=len({h["person_uuid"] for h in hits}),
                first_event_at=hits[0]["occurred_at"],
                last_event_at=hits[-1]["occurred_at"],
                detail={"actions": sorted({h["action"] for h in hits})},
            )
            counts["off_hours"] += created
        cursor.last_seq = max(cursor.last_seq, last_seq)
        cursor.scanned_at = timezone.now()
        cursor.save(update_fields=["last_seq", "scanned_at"])
    return counts
