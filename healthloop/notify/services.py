"""notify's writers: the outbox (enqueue), reading in the inbox, resend, preferences.

The dispatcher's own state changes (sent / delivered / failed) live in ``dispatch.py``.
"""

import datetime as dt
import json
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound, ServiceError
from healthloop.core.handoff import nudge
from healthloop.notify import routing, templates
from healthloop.notify.errors import NotifyError
from healthloop.notify.models import EVENTS_DRAIN, Notification, NotificationEvent

NOTIFICATION_OBJECT = "notify.notification"


def record_notification_event(notification: Notification, kind: str, at: dt.datetime) -> None:
    """Append the event upper layers drain; call inside the transaction of the change."""
    NotificationEvent.objects.create(
        notification=notification,
        ref=notification.ref,
        kind=kind,
        channel=notification.channel,
        at=at,
    )
    nudge(EVENTS_DRAIN)


def _check_channels(channels: list[str]) -> list[str]:
    if not channels:
        raise ServiceError(NotifyError.UNKNOWN_CHANNEL, "no channel given", field="channels")
    for channel in channels:
        if channel not in routing.CHANNELS:
            raise ServiceError(
                NotifyError.UNKNOWN_CHANNEL, f"unknown channel {channel!r}", field="channels"
            )
    return list(dict.fromkeys(channels))


def _schedule_dispatch(due: dt.datetime) -> None:
    """After commit: dispatch now (the hand-off nudge) or at ``due`` (a Huey scheduled task).
    The periodic sweep in tasks.py catches anything whose nudge was lost."""
    if due <= timezone.now():
        nudge("notify")
    else:
        from healthloop.core.handoff import run_drain_task

        transaction.on_commit(lambda: run_drain_task.schedule(args=("notify",), eta=due))


def enqueue(
    *,
    recipient_person: Any = None,
    recipient_user: Any = None,
    template: str,
    context: dict[str, Any],
    ref: str,
    idempotency_key: str,
    channels: list[str] | None = None,
    send_at: dt.datetime | None = None,
    urgent: bool = False,
    on_request: bool = False,
) -> Notification:
    """Write one notification into the outbox, in the caller's transaction.

    Preconditions: inside the caller's ``transaction.atomic()``; exactly one recipient. The
    same ``idempotency_key`` twice returns the first notification and sends nothing new.
    ``channels=None`` uses the recipient's preference and fallback order. Quiet hours move the
    first attempt to the end of the window, except ``urgent`` messages to staff and
    ``on_request`` messages: the recipient asked for this one a moment ago (a verification
    code), so it goes out at once whatever the hour. The flag applies to the first channel; use
    it with a single channel.
    """
    if not connection.in_atomic_block:
        raise ServiceError(
            NotifyError.NOT_IN_TRANSACTION, "enqueue must run inside the caller's transaction"
        )
    if (recipient_person is None) == (recipient_user is None):
        raise ServiceError(
            NotifyError.RECIPIENT_REQUIRED,
            "give exactly one of recipient_person and recipient_user",
            field="recipient",
        )
    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        json.dumps(context)
    except (TypeError, ValueError) as exc:
        raise ServiceError(
            NotifyError.INVALID_CONTEXT, f"context is not JSON: {exc}", field="context"
        ) from None
    templates.check_context(template, context)
    who = {"person": recipient_person, "user": recipient_user}
    plan = _check_channels(channels) if channels is not None else routing.channel_plan(**who)
    language = routing.language_of(**who)
    text = templates.render(template, context, language=language)
    now = timezone.now()
    requested = send_at or now
    due = requested
    if not on_request and not (urgent and recipient_user is not None):
        due = routing.outside_quiet_hours(requested, routing.quiet_hours(**who))
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not spoil the caller
            notification = Notification.objects.create(
                recipient_person=recipient_person,
                recipient_user=recipient_user,
                template=template,
                context=context,
                language=language,
                title=text.title[:200],
                body=text.body,
                ref=ref,
                idempotency_key=idempotency_key,
                channels=plan,
                channel=plan[0],
                urgent=urgent,
                send_at=requested,
                next_attempt_at=due,
            )
    except IntegrityError:
        return Notification.objects.get(idempotency_key=idempotency_key)
    record_event(
        actor=None,
        action="notification.queued",
        person_uuid=recipient_person.uuid if recipient_person is not None else None,
        object_type=NOTIFICATION_OBJECT,
        object_id=str(notification.uuid),
        detail={"template": template, "ref": ref, "channels": plan, "due": due.isoformat()},
    )
    _schedule_dispatch(due)
    return notification


def mark_read(
    notification: Notification, *, by_person: Any = None, by_user: Any = None
) -> Notification:
    """The recipient read the notification in the in-app inbox (portal or workbench).

    Precondition: the caller resolved ``by_person`` / ``by_user`` as the reader; someone else's
    notification is "not found". Reading twice keeps the first time.
    """
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=notification.pk)
        mine = (by_person is not None and row.recipient_person_id == by_person.pk) or (
            by_user is not None and row.recipient_user_id == by_user.pk
        )
        if not mine:
            raise NotFound("notification")
        if row.read_at is None:
            now = timezone.now()
            row.read_at = now
            row.save(update_fields=["read_at", "updated_at"])
            record_notification_event(row, NotificationEvent.Kind.READ, now)
            record_event(
                actor=by_user if by_user is not None else getattr(by_person, "user", None),
                action="notification.read",
                person_uuid=row.recipient_person.uuid if row.recipient_person_id else None,
                object_type=NOTIFICATION_OBJECT,
                object_id=str(row.uuid),
            )
    notification.read_at = row.read_at
    return row


def resend_failed(*, notifications: list[Notification], actor: Any) -> int:
    """One-click resend: put failed notifications back in the queue from their first channel.

    Precondition: the caller chose notifications the actor may see. Rows not failed (any more)
    are skipped; the provider key changes (``resend_count``) so providers that de-duplicate
    do not drop the new attempt. Returns how many were queued again.
    """
    now = timezone.now()
    queued = 0
    with transaction.atomic():
        rows = Notification.objects.select_for_update().filter(
            pk__in=[n.pk for n in notifications], status=Notification.Status.FAILED
        )
        for row in rows:
            row.status = Notification.Status.QUEUED
            row.channel_index, row.channel = 0, row.channels[0]
            row.attempts = 0
            row.resend_count += 1
            row.next_attempt_at = now
            row.failed_at = None
            row.save(
                update_fields=[
                    "status",
                    "channel_index",
                    "channel",
                    "attempts",
                    "resend_count",
                    "next_attempt_at",
                    "failed_at",
                    "updated_at",
                ]
            )
            record_event(
                actor=actor,
                action="notification.resent",
                person_uuid=row.recipient_person.uuid if row.recipient_person_id else None,
                object_type=NOTIFICATION_OBJECT,
                object_id=str(row.uuid),
                detail={"previous_failure": row.failure_code},
            )
            queued += 1
        if queued:
            nudge("notify")
    return queued


PREFERENCE_FIELDS = (
    "channels",
    "language",
    "quiet_start",
    "quiet_end",
    "email",
    "phone",
    "wecom_userid",
)


def set_preference(*, person: Any = None, user: Any = None, actor: Any, **values: Any):
    """Create or change how a person (or a staff member) is reached. Unknown channels are
    refused; quiet_start and quiet_end go together (equal values mean no quiet hours)."""
    from healthloop.notify.models import NotificationPreference

    if "channels" in values:
        values["channels"] = _check_channels(values["channels"]) if values["channels"] else []
    if ("quiet_start" in values) != ("quiet_end" in values) or (
        (values.get("quiet_start") is None) != (values.get("quiet_end") is None)
    ):
        raise ServiceError(
            NotifyError.INVALID_PREFERENCE,
            "give both quiet_start and quiet_end, or neither",
            field="quiet_start",
        )
    if values.get("language"):
        values["language"] = templates.normalise_language(values["language"])
    with transaction.atomic():
        owner = {"person": person} if person is not None else {"user": user}
        pref, _ = NotificationPreference.objects.select_for_update().get_or_create(**owner)
        changed = [k for k in PREFERENCE_FIELDS if k in values]
        for key in changed:
            setattr(pref, key, values[key])
        pref.save()
        record_event(
            actor=actor,
            action="notification_preference.changed",
            person_uuid=person.uuid if person is not None else None,
            object_type="notify.preference",
            object_id=str(pref.pk),
            fields=changed,
        )
    return pref
