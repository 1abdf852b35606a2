"""Interface monitoring (接口监控): per feed (channel × sending facility) the last message
time, message and error counts and error rate; alerts when a feed goes silent or fails often.

Thresholds are settings: INTERFACE_SILENCE_MINUTES (default 60), INTERFACE_ERROR_RATE (0.2)
over the last INTERFACE_WINDOW_HOURS (24), judged once at least INTERFACE_MIN_MESSAGES (20)
arrived in the window. ``check_interfaces`` opens and resolves InterfaceAlert rows; the Huey
periodic task runs it every five minutes.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from healthloop.interop.feed_models import InboundMessage, InterfaceAlert


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@dataclass(frozen=True)
class FeedStatus:
    channel: str
    sending_facility: str
    last_received_at: dt.datetime | None
    messages: int
    errors: int

    @property
    def error_rate(self) -> float:
        return self.errors / self.messages if self.messages else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "sending_facility": self.sending_facility,
            "last_received_at": self.last_received_at,
            "messages": self.messages,
            "errors": self.errors,
            "error_rate": round(self.error_rate, 4),
        }


def feed_statuses(now: dt.datetime | None = None) -> list[FeedStatus]:
    now = now or timezone.now()
    since = now - dt.timedelta(hours=_setting("INTERFACE_WINDOW_HOURS", 24))
    rows = (
        InboundMessage.objects.values("channel", "sending_facility")
        .annotate(
            last=Max("received_at"),
            messages=Count("id", filter=Q(received_at__gte=since)),
            errors=Count("id", filter=Q(received_at__gte=since, status="failed")),
        )
        .order_by("channel", "sending_facility")
    )
    return [
        FeedStatus(r["channel"], r["sending_facility"], r["last"], r["messages"], r["errors"])
        for r in rows
    ]


def _problems(status: FeedStatus, now: dt.datetime) -> dict[str, dict[str, Any]]:
    problems: dict[str, dict[str, Any]] = {}
    silence = dt.timedelta(minutes=_setting("INTERFACE_SILENCE_MINUTES", 60))
    if status.last_received_at and now - status.last_received_at > silence:
        problems[InterfaceAlert.Kind.SILENT] = {
            "last_received_at": status.last_received_at.isoformat(),
            "silent_minutes": int((now - status.last_received_at).total_seconds() // 60),
        }
    enough = status.messages >= _setting("INTERFACE_MIN_MESSAGES", 20)
    if enough and status.error_rate > _setting("INTERFACE_ERROR_RATE", 0.2):
        problems[InterfaceAlert.Kind.ERROR_RATE] = {
            "messages": status.messages,
            "errors": status.errors,
            "error_rate": round(status.error_rate, 4),
        }
    return problems


def check_interfaces(now: dt.datetime | None = None) -> dict[str, int]:
    """Open an alert for each new problem, resolve alerts whose problem is gone."""
    now = now or timezone.now()
    opened = resolved = 0
    open_alerts = {
        (a.channel, a.sending_facility, a.kind): a
        for a in InterfaceAlert.objects.filter(resolved_at__isnull=True)
    }
    for status in feed_statuses(now):
        problems = _problems(status, now)
        for kind in InterfaceAlert.Kind.values:
            key = (status.channel, status.sending_facility, kind)
            if kind in problems and key not in open_alerts:
                InterfaceAlert.objects.create(
                    channel=status.channel,
                    sending_facility=status.sending_facility,
                    kind=kind,
                    opened_at=now,
                    detail=problems[kind],
                )
                opened += 1
            elif kind not in problems and key in open_alerts:
                open_alerts[key].resolved_at = now
                open_alerts[key].save(update_fields=["resolved_at"])
                resolved += 1
    return {"opened": opened, "resolved": resolved}
