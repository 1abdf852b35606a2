"""The dispatcher: claim due notifications, send them, record what the provider answered.

Claim: one short transaction picks due rows (``select_for_update(skip_locked=True)`` where the
database has it; on SQLite the IMMEDIATE transaction serialises claims) and stamps them with a
lease token, a lease expiry, and ``outcome_unknown=True``. Send: outside any transaction, on a
small thread pool, through the channel adapter, with an idempotency key that is the same on
every attempt of this notification on this channel. Record: one transaction writes each row's
new state, a DeliveryAttempt per call, and the NotificationEvents, only where our lease still
holds.

A worker killed between send and record leaves rows with ``outcome_unknown=True`` and a lease
that expires. The next claim asks the provider first (``adapter.lookup``, e.g. Aliyun
QuerySendDetails by OutId) and records the earlier send instead of sending again; providers
with their own de-duplication get the same key (WeChat ``client_msg_id``, WeCom duplicate
check, the e-mail Message-ID).
"""

import datetime as dt
import logging
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from healthloop.core.db import update_rows
from healthloop.core.handoff import nudge
from healthloop.notify import conf, routing, templates
from healthloop.notify.channels.base import Adapter, OutgoingMessage, SendResult
from healthloop.notify.channels.registry import adapter_for
from healthloop.notify.models import (
    EVENTS_DRAIN,
    DeliveryAttempt,
    Notification,
    NotificationEvent,
    NotificationPreference,
)

log = logging.getLogger("healthloop.notify")
Status = Notification.Status
RATE_DEFER = dt.timedelta(seconds=5)


@dataclass
class Job:
    row: Notification
    was_unknown: bool
    message: OutgoingMessage | None = None
    result: SendResult | None = None
    duration_ms: int = 0


def idempotency_key(row: Notification) -> str:
    return f"{row.uuid.hex}-{row.channel}-{row.resend_count}"


def _rate_budgets(channels: set[str], now: dt.datetime) -> dict[str, int]:
    """Sends still allowed this minute per rate-limited channel: the limit minus sends
    recorded in the last 60 s and rows other workers hold right now."""
    limits = {k: int(v) for k, v in conf.get_map("NOTIFY_RATE_LIMITS").items() if k in channels}
    budgets = {}
    for channel, limit in limits.items():
        recent = DeliveryAttempt.objects.filter(
            channel=channel, at__gte=now - dt.timedelta(seconds=60)
        ).count()
        held = Notification.objects.filter(
            channel=channel, status=Status.QUEUED, lease_until__gt=now
        ).count()
        budgets[channel] = max(0, limit - recent - held)
    return budgets


def claim_due(*, batch_size: int, lease_seconds: int) -> tuple[str, list[Job]]:
    now = timezone.now()
    token = uuid.uuid4().hex
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    with transaction.atomic():
        due = (
            Notification.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .filter(free)
            .order_by("-urgent", "next_attempt_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:batch_size])
        if not rows:
            return token, []
        budgets = _rate_budgets({r.channel for r in rows}, now)
        take, defer = [], []
        for row in rows:
            if row.channel in budgets:
                if budgets[row.channel] <= 0:
                    defer.append(row.pk)
                    continue
                budgets[row.channel] -= 1
            take.append(row)
        if defer:
            Notification.objects.filter(pk__in=defer).update(next_attempt_at=now + RATE_DEFER)
        claimed = Notification.objects.filter(pk__in=[r.pk for r in take]).filter(free)
        claimed.update(
            lease_until=now + dt.timedelta(seconds=lease_seconds),
            lease_token=token,
            outcome_unknown=True,
        )
    return token, [Job(row=r, was_unknown=r.outcome_unknown) for r in take]


class _Renderer:
    """Per-batch caches for preferences and template texts (the hot path of the dispatcher):
    one query for the batch's preferences, one per template variant."""

    def __init__(self, rows: list[Notification]) -> None:
        person_ids = {r.recipient_person_id for r in rows if r.recipient_person_id}
        user_ids = {r.recipient_user_id for r in rows if r.recipient_user_id}
        self.prefs: dict[tuple[str, int], Any] = {}
        for pref in NotificationPreference.objects.filter(
            Q(person_id__in=person_ids) | Q(user_id__in=user_ids)
        ):
            key = ("p", pref.person_id) if pref.person_id else ("u", pref.user_id)
            self.prefs[key] = pref
        self.texts: dict[tuple, templates.Rendered] = {}

    def _text(self, row: Notification) -> templates.Rendered:
        if row.channel not in ("sms", "wecom"):  # the inbox text rendered at enqueue
            return templates.Rendered(title=row.title, body=row.body)
        return templates.render(
            row.template, row.context, language=row.language, channel=row.channel,
            overrides=self.texts,
        )  # fmt: skip

    def message(self, row: Notification) -> OutgoingMessage:
        person, user = row.recipient_person, row.recipient_user
        key = ("p", row.recipient_person_id) if person else ("u", row.recipient_user_id)
        addr = routing.address(row.channel, person=person, user=user, pref=self.prefs.get(key))
        text = self._text(row)
        first = timezone.localtime(row.next_attempt_at).date()
        today = timezone.localdate()
        dates = tuple(first + dt.timedelta(days=d) for d in range((today - first).days + 1))
        return OutgoingMessage(
            notification_uuid=str(row.uuid),
            idempotency_key=idempotency_key(row),
            channel=row.channel,
            address=addr,
            title=text.title,
            body=text.body,
            template=row.template,
            params=templates.provider_params(row.template, row.context),
            language=row.language,
            urgent=row.urgent,
            dates=dates[-3:],
        )


def _deliver(adapter: Adapter, job: Job, deadline: float) -> None:
    if time.monotonic() > deadline:
        return  # the lease is nearly over: leave it for the next claim
    started = time.monotonic()
    assert job.message is not None
    try:
        result = adapter.lookup(job.message) if job.was_unknown and adapter.can_lookup else None
        job.result = result if result is not None else adapter.send(job.message)
    except Exception as exc:
        log.exception("notify adapter %s failed", adapter.channel)
        job.result = SendResult.retry(
            "adapter_error", f"{type(exc).__name__}: {exc}", uncertain=True
        )
    job.duration_ms = int((time.monotonic() - started) * 1000)


def _send_all(jobs: list[Job], lease_seconds: int) -> None:
    deadline = time.monotonic() + lease_seconds * 0.8
    renderer = _Renderer([job.row for job in jobs])
    by_channel: dict[str, list[Job]] = {}
    for job in jobs:
        job.message = renderer.message(job.row)
        by_channel.setdefault(job.row.channel, []).append(job)
    threads = max(1, conf.get_int("NOTIFY_SEND_THREADS"))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for channel, group in by_channel.items():
            adapter = adapter_for(channel)
            try:
                adapter.prepare()
            except Exception as exc:
                for job in group:
                    job.result = SendResult.retry("prepare_failed", f"{exc}")
                continue
            if channel == "inapp":
                for job in group:
                    _deliver(adapter, job, deadline)
                continue
            list(pool.map(lambda j, a=adapter: _deliver(a, j, deadline), group))
            refused = [j for j in group if j.result is not None and j.result.refresh_token]
            if refused:
                try:
                    adapter.refresh()
                except Exception as exc:
                    for job in refused:
                        job.result = SendResult.retry("token_refresh_failed", f"{exc}")
                    continue
                list(pool.map(lambda j, a=adapter: _deliver(a, j, deadline), refused))


def _backoff(attempts: int) -> dt.timedelta:
    base = conf.get_int("NOTIFY_RETRY_BASE_SECONDS")
    cap = conf.get_int("NOTIFY_RETRY_MAX_SECONDS")
    seconds = min(cap, base * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=seconds * (1 + random.random() * 0.1))


def _fallback_or_fail(
    row: Notification, result: SendResult, now: dt.datetime, fields: dict[str, Any]
) -> list[str]:
    """A permanent refusal on this channel: move to the next channel, or fail for good."""
    reason = f"{row.channel}: {result.code}: {result.answer[:500]}"
    fields.update(failure_code=result.code, failed_reason=reason)
    if row.channel_index + 1 < len(row.channels):
        nxt = row.channel_index + 1
        who = {"person": row.recipient_person, "user": row.recipient_user}
        due = now
        if not (row.urgent and row.recipient_user_id):
            due = routing.outside_quiet_hours(now, routing.quiet_hours(**who))
        fields.update(
            status=Status.QUEUED,
            channel_index=nxt,
            channel=row.channels[nxt],
            attempts=0,
            next_attempt_at=due,
        )
        return []
    fields.update(status=Status.FAILED, failed_at=now)
    return [NotificationEvent.Kind.FAILED]


def outcome_fields(row: Notification, result: SendResult, now: dt.datetime) -> tuple[dict, list]:
    """The new column values and event kinds for one provider answer."""
    fields: dict[str, Any] = {
        "lease_until": None,
        "lease_token": "",
        "outcome_unknown": False,
        "updated_at": now,
    }
    if result.outcome in ("sent", "delivered"):
        fields.update(
            status=Status.DELIVERED if result.outcome == "delivered" else Status.SENT,
            sent_at=now,
            provider_id=result.provider_id[:128],
            provider_answer=result.answer,
        )
        if row.channel_index == 0:  # after a fallback, keep why the earlier channel failed
            fields.update(failure_code="", failed_reason="")
        if result.outcome == "delivered":
            fields["delivered_at"] = now
            return fields, [NotificationEvent.Kind.SENT, NotificationEvent.Kind.DELIVERED]
        return fields, [NotificationEvent.Kind.SENT]
    fields["provider_answer"] = result.answer
    if result.outcome == "retry":
        attempts = row.attempts + 1
        if attempts < conf.get_int("NOTIFY_MAX_ATTEMPTS"):
            fields.update(
                next_attempt_at=now + _backoff(attempts),
                outcome_unknown=result.uncertain,
                failure_code=result.code,
                failed_reason=f"{row.channel}: {result.code}: {result.answer[:500]}",
            )
            return fields, []
        result = SendResult.permanent("max_attempts", f"{attempts} attempts, last: {result.code}")
    return fields, _fallback_or_fail(row, result, now, fields)


def _write_rows(changed: list[tuple[Notification, dict[str, Any]]]) -> None:
    """One parametrised UPDATE per set of changed columns (``core.db.update_rows``: psycopg
    pipelines it, one round trip for the batch instead of one per row)."""
    groups: dict[tuple[str, ...], list[Notification]] = {}
    for row, fields in changed:
        for name, value in fields.items():
            setattr(row, name, value)
        groups.setdefault(tuple(sorted(fields)), []).append(row)
    for names, rows in groups.items():
        update_rows(Notification, rows, names)


def record_results(token: str, jobs: list[Job]) -> int:
    """Write every answer of a batch in one transaction: rows we still hold (locked, so a
    claimer cannot take them meanwhile) get one bulk UPDATE; attempts and events are inserted
    in bulk. A row whose lease we lost keeps its state; its attempt is still logged."""
    now = timezone.now()
    attempts, events, changed = [], [], []
    with transaction.atomic():
        held = Notification.objects.filter(pk__in=[j.row.pk for j in jobs], lease_token=token)
        if connection.features.has_select_for_update:
            held = held.select_for_update()
        owned = set(held.values_list("pk", flat=True))
        for job in jobs:
            row, result = job.row, job.result
            if result is None:  # not attempted (lease nearly over): release untouched
                fields = {
                    "lease_until": None,
                    "lease_token": "",
                    "outcome_unknown": job.was_unknown,
                }
                kinds: list[str] = []
            else:
                fields, kinds = outcome_fields(row, result, now)
                tried = 1 if result.code != "found" else 0
                fields["attempts"] = 0 if "channel_index" in fields else row.attempts + tried
                fields["total_attempts"] = row.total_attempts + tried
                attempts.append(
                    DeliveryAttempt(
                        notification_id=row.pk,
                        channel=row.channel,
                        attempt_no=row.total_attempts + 1,
                        idempotency_key=job.message.idempotency_key if job.message else "",
                        at=now,
                        duration_ms=job.duration_ms,
                        outcome="found" if result.code == "found" else result.outcome,
                        provider_id=result.provider_id[:128],
                        code=result.code[:60],
                        answer=result.answer,
                    )
                )
            if row.pk not in owned:
                log.warning("notify: lease on %s lost before recording", row.uuid)
                continue
            events.extend(
                NotificationEvent(
                    notification_id=row.pk, ref=row.ref, kind=k, channel=row.channel, at=now
                )
                for k in kinds
            )
            changed.append((row, fields))
        _write_rows(changed)
        DeliveryAttempt.objects.bulk_create(attempts)
        NotificationEvent.objects.bulk_create(events)
        if events:
            nudge(EVENTS_DRAIN)
    return len(changed)


def dispatch_batch(*, batch_size: int | None = None) -> int:
    """Claim, send and record one batch; the number of rows claimed."""
    size = batch_size or conf.get_int("NOTIFY_BATCH_SIZE")
    lease = conf.get_int("NOTIFY_LEASE_SECONDS")
    token, jobs = claim_due(batch_size=size, lease_seconds=lease)
    if not jobs:
        return 0
    rows = Notification.objects.select_related("recipient_person", "recipient_user").in_bulk(
        [j.row.pk for j in jobs]
    )
    jobs = [Job(row=rows[j.row.pk], was_unknown=j.was_unknown) for j in jobs]
    _send_all(jobs, lease)
    record_results(token, jobs)
    return len(jobs)


def dispatch_due_notifications(*, max_batches: int | None = None) -> int:
    """Dispatch until nothing is due (the hand-off drain and the periodic sweep run this)."""
    total, batches = 0, 0
    while max_batches is None or batches < max_batches:
        claimed = dispatch_batch()
        if not claimed:
            break
        total += claimed
        batches += 1
    return total
