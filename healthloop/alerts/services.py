"""The writers of the review workflow: edit the draft, confirm (one or in bulk), dismiss, close.

Every service takes alerts already obtained through ``alerts.access`` (so in the actor's
scope), runs in one transaction, records an AlertEvent and an audit event. Confirmation
writes the person's Notification in the same transaction (notify's outbox): a confirmation
that fails leaves no notification behind, and a notification never exists without it.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from healthloop.alerts.access import locked
from healthloop.alerts.errors import AlertError
from healthloop.alerts.models import Alert, AlertEvent
from healthloop.alerts.notices import person_ref
from healthloop.audit.services import record_event
from healthloop.core import clock
from healthloop.core.errors import ServiceError
from healthloop.notify.services import enqueue

BULK_LIMIT = 500
BULK_SEVERITIES = frozenset({"low"})
_REVIEWED = {Alert.State.CONFIRMED, Alert.State.EDITED, Alert.State.DISMISSED,
             Alert.State.NOTIFIED, Alert.State.READ}  # fmt: skip


def _lock(alert: Alert) -> Alert:
    row = locked(Alert.objects.select_related("person", "org_unit")).get(pk=alert.pk)
    return row


def _require_new(alert: Alert) -> None:
    if alert.state != Alert.State.NEW:
        raise ServiceError(
            AlertError.NOT_NEW,
            f"预警已处理（{alert.get_state_display()}），不能再次审核",
            status=409,
        )


def _clean_text(text: str | None, field: str = "text") -> str:
    value = (text or "").strip()
    if not value:
        raise ServiceError(AlertError.TEXT_REQUIRED, "通知文本不能为空", field=field)
    return value


def _audit(actor: Any, action: str, alert: Alert, **detail: Any) -> None:
    record_event(actor=actor, action=action, person_uuid=alert.person.uuid, object_type="alert",
                 object_id=str(alert.uuid), detail=detail)  # fmt: skip


def edit_alert(*, alert: Alert, actor: Any, text: str) -> Alert:
    """Change the text the person will receive, before confirming. Precondition: new."""
    with transaction.atomic():
        alert = _lock(alert)
        _require_new(alert)
        alert.text = _clean_text(text)
        alert.save(update_fields=["text", "updated_at"])
        AlertEvent.objects.create(alert=alert, at=clock.now(), kind=AlertEvent.Kind.EDITED,
                                  actor=actor)  # fmt: skip
        _audit(actor, "alert.edited", alert)
    return alert


def _confirm(alert: Alert, actor: Any, text: str | None, now: Any) -> None:
    """Within the caller's transaction, on a locked new alert."""
    if text is not None:
        alert.text = _clean_text(text)
    alert.text = _clean_text(alert.text)
    edited = alert.text != alert.draft_text.strip()
    alert.state = Alert.State.EDITED if edited else Alert.State.CONFIRMED
    alert.reviewed_at, alert.reviewed_by = now, actor
    alert.save(update_fields=["text", "state", "reviewed_at", "reviewed_by", "updated_at"])
    enqueue(
        recipient_person=alert.person,
        template="alert.confirmed",
        context={"title": alert.title, "advice": alert.text, "person_name": alert.person.name,
                 "severity": alert.severity},
        ref=person_ref(alert),
        idempotency_key=f"{person_ref(alert)}:confirmed",
    )  # fmt: skip
    AlertEvent.objects.create(alert=alert, at=now, kind=AlertEvent.Kind.CONFIRMED, actor=actor,
                              detail={"edited": edited})  # fmt: skip
    _audit(actor, "alert.confirmed", alert, edited=edited)


def confirm_alert(*, alert: Alert, actor: Any, text: str | None = None) -> Alert:
    """One-click confirm of the drafted text, or of ``text`` (then the alert is "edited").
    Precondition: new. Writes the person's notification in the same transaction."""
    with transaction.atomic():
        alert = _lock(alert)
        _require_new(alert)
        _confirm(alert, actor, text, clock.now())
    return alert


def bulk_confirm_alerts(*, alerts: Sequence[Alert], actor: Any) -> list[Alert]:
    """Confirm many low-severity alerts with their drafted texts, all or nothing.

    Refused as a whole when any alert is not low severity (those need a look each) or is no
    longer new; the error names the offending alerts."""
    if not alerts:
        raise ServiceError(AlertError.BULK_EMPTY, "请选择要确认的预警", field="alerts")
    if len(alerts) > BULK_LIMIT:
        raise ServiceError(AlertError.BULK_TOO_MANY, f"一次最多批量确认{BULK_LIMIT}条",
                           field="alerts")  # fmt: skip
    with transaction.atomic():
        rows = list(
            locked(Alert.objects.select_related("person", "org_unit"))
            .filter(pk__in=[a.pk for a in alerts]).order_by("pk")
        )  # fmt: skip
        severe = [str(a.uuid) for a in rows if a.severity not in BULK_SEVERITIES]
        if severe:
            raise ServiceError(
                AlertError.BULK_SEVERITY,
                f"批量确认仅限低风险预警；{len(severe)}条预警级别较高，"
                f"需逐条审核：{', '.join(severe)}",
                field="alerts",
            )
        done = [str(a.uuid) for a in rows if a.state != Alert.State.NEW]
        if done:
            raise ServiceError(AlertError.NOT_NEW, f"以下预警已处理：{', '.join(done)}",
                               field="alerts", status=409)  # fmt: skip
        now = clock.now()
        for alert in rows:
            _confirm(alert, actor, None, now)
    return rows


def dismiss_alert(*, alert: Alert, actor: Any, reason: str) -> Alert:
    """Dismiss (not a real problem, already handled elsewhere…). The reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(AlertError.REASON_REQUIRED, "驳回预警必须填写原因", field="reason")
    with transaction.atomic():
        alert = _lock(alert)
        _require_new(alert)
        now = clock.now()
        alert.state, alert.dismiss_reason = Alert.State.DISMISSED, reason[:300]
        alert.reviewed_at, alert.reviewed_by = now, actor
        alert.save(update_fields=["state", "dismiss_reason", "reviewed_at", "reviewed_by",
                                  "updated_at"])  # fmt: skip
        AlertEvent.objects.create(alert=alert, at=now, kind=AlertEvent.Kind.DISMISSED,
                                  actor=actor, detail={"reason": alert.dismiss_reason})  # fmt: skip
        _audit(actor, "alert.dismissed", alert, reason=alert.dismiss_reason)
    return alert


def close_alert(*, alert: Alert, actor: Any, note: str = "") -> Alert:
    """Close a reviewed alert (the loop is done: the person was told, or it was dismissed)."""
    with transaction.atomic():
        alert = _lock(alert)
        if alert.state == Alert.State.CLOSED:
            raise ServiceError(AlertError.ALREADY_CLOSED, "预警已关闭", status=409)
        if alert.state not in _REVIEWED:
            raise ServiceError(AlertError.NOT_REVIEWED, "预警尚未审核，不能关闭", status=409)
        now = clock.now()
        alert.state, alert.closed_at, alert.closed_by = Alert.State.CLOSED, now, actor
        alert.close_note = (note or "").strip()[:300]
        alert.save(update_fields=["state", "closed_at", "closed_by", "close_note", "updated_at"])
        AlertEvent.objects.create(alert=alert, at=now, kind=AlertEvent.Kind.CLOSED, actor=actor,
                                  detail={"note": alert.close_note})  # fmt: skip
        _audit(actor, "alert.closed", alert)
    return alert
