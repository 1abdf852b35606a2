"""notify's reads: by cause (for upper layers), inboxes, events, delivery statistics."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from healthloop.notify.models import Notification, NotificationEvent


def notifications_for_ref(ref: str) -> QuerySet[Notification]:
    """Every notification caused by ``ref`` (e.g. ``"alerts.alert:<uuid>"``), oldest first,
    with status, channel, sent_at, delivered_at, read_at, failure_code and failed_reason."""
    return Notification.objects.filter(ref=ref).order_by("created_at", "id")


def events_after(watermark: int, *, limit: int = 500) -> QuerySet[NotificationEvent]:
    """Events past an upper layer's watermark on ``id``, in order (drain, then advance)."""
    return NotificationEvent.objects.filter(id__gt=watermark).order_by("id")[:limit]


def person_inbox(person) -> QuerySet[Notification]:
    """A person's messages as the portal shows them: everything due, newest first."""
    return Notification.objects.filter(
        recipient_person=person, send_at__lte=timezone.now()
    ).order_by("-created_at", "-id")


def staff_inbox(user) -> QuerySet[Notification]:
    """A staff member's workbench inbox: everything due, newest first."""
    return Notification.objects.filter(recipient_user=user, send_at__lte=timezone.now()).order_by(
        "-created_at", "-id"
    )


def unread_count(inbox: QuerySet[Notification]) -> int:
    return inbox.filter(read_at__isnull=True).count()


def delivery_stats(*, since, until) -> dict:
    """Counts by local day × channel × status for notifications created in [since, until),
    and the success rate per channel (sent or delivered, of those no longer queued).
    Days are computed in Python: MariaDB here has no time-zone tables for date truncation."""
    rows = Notification.objects.filter(created_at__gte=since, created_at__lt=until).values_list(
        "created_at", "channel", "status"
    )
    by_day: dict[tuple[str, str, str], int] = {}
    totals: dict[str, dict[str, int]] = {}
    for created_at, channel, status in rows.iterator(chunk_size=5000):
        day = timezone.localtime(created_at).date().isoformat()
        by_day[(day, channel, status)] = by_day.get((day, channel, status), 0) + 1
        per = totals.setdefault(channel, {})
        per[status] = per.get(status, 0) + 1
    channels = []
    for channel, counts in sorted(totals.items()):
        ok = counts.get("sent", 0) + counts.get("delivered", 0)
        finished = ok + counts.get("failed", 0)
        channels.append(
            {
                "channel": channel,
                "counts": counts,
                "success_rate": round(ok / finished, 4) if finished else None,
            }
        )
    days = [
        {"day": day, "channel": channel, "status": status, "count": count}
        for (day, channel, status), count in sorted(by_day.items())
    ]
    return {"channels": channels, "days": days}


def visible_deliveries(user, visible_persons_qs) -> QuerySet[Notification]:
    """Notifications a delivery supervisor may list: to persons in their scope, and to staff."""
    return (
        Notification.objects.filter(
            Q(recipient_person__in=visible_persons_qs) | Q(recipient_user__isnull=False)
        )
        .select_related("recipient_person", "recipient_user")
        .order_by("-created_at", "-id")
    )
