"""Delivery receipts: poll providers that keep them (Aliyun QuerySendDetails) for messages
sent in the last three days, and record delivered / failed (a failed receipt falls back to the
next channel like any permanent refusal)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from healthloop.core.handoff import nudge
from healthloop.notify import routing
from healthloop.notify.channels.base import SendResult
from healthloop.notify.channels.registry import adapter_for
from healthloop.notify.dispatch import outcome_fields
from healthloop.notify.models import EVENTS_DRAIN, Notification, NotificationEvent


def poll_delivery_receipts(*, limit: int = 500) -> int:
    since = timezone.now() - dt.timedelta(days=3)
    recorded = 0
    for channel in ("sms",):
        adapter = adapter_for(channel)
        rows = list(
            Notification.objects.filter(
                channel=channel, status=Notification.Status.SENT, sent_at__gte=since
            )
            .exclude(provider_id="")
            .select_related("recipient_person", "recipient_user")
            .order_by("sent_at")[:limit]
        )
        if not rows:
            continue
        asked = [
            {
                "provider_id": r.provider_id,
                "sent_at": r.sent_at,
                "address": routing.address(
                    channel,
                    person=r.recipient_person,
                    user=r.recipient_user,
                    pref=routing.preference_of(person=r.recipient_person, user=r.recipient_user),
                ),
            }
            for r in rows
        ]
        by_id = {r.provider_id: r for r in rows}
        for receipt in adapter.receipts(asked):
            recorded += record_receipt(
                by_id[receipt.provider_id],
                receipt.delivered,
                code=receipt.code,
                answer=receipt.answer,
            )
    return recorded


def record_receipt(row: Notification, delivered: bool, *, code: str = "", answer: str = "") -> int:
    """Apply one provider receipt to a sent notification; 1 if it changed the row."""
    now = timezone.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=row.pk)
        if row.status != Notification.Status.SENT:
            return 0
        if delivered:
            row.status = Notification.Status.DELIVERED
            row.delivered_at = now
            row.save(update_fields=["status", "delivered_at", "updated_at"])
            kinds = [NotificationEvent.Kind.DELIVERED]
        else:
            fields, kinds = outcome_fields(
                row, SendResult.permanent(code or "undelivered", answer), now
            )
            for key, value in fields.items():
                setattr(row, key, value)
            row.save(update_fields=[*fields.keys()])
        NotificationEvent.objects.bulk_create(
            NotificationEvent(notification=row, ref=row.ref, kind=k, channel=row.channel, at=now)
            for k in kinds
        )
        nudge(EVENTS_DRAIN)
    return 1
