"""The periodic work of follow-up (run by Huey, ``tasks.py``; every function takes ``today``
so tests and catch-up runs choose the day, default ``core.clock.today()``):

- ``send_due_reminders``: an assigned pending/in-progress task whose ``remind_on``
  (due date − the template's ``reminder_days_before``) has come → notify ``followup.reminder``
  to the assignee, once per task and assignee (``reminded_at``; idempotency key).
- ``mark_overdue_tasks``: an open task whose window has closed (today > window_end) →
  逾期, ``overdue_at`` set, notify ``followup.overdue`` to the assignee.
- ``escalate_overdue_tasks``: an overdue task still open FOLLOWUP_ESCALATE_AFTER_DAYS (3)
  days after its window closed → notify ``followup.overdue`` (urgent) to the department heads
  whose scope covers the person (else to every active department head), ``escalated_at`` set,
  audited.

Each runs in batches, one transaction per batch with the notifications (outbox), so a crash
loses nothing and a re-run sends nothing twice.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from healthloop.accounts.models import User
from healthloop.accounts.permissions import Role
from healthloop.audit.services import record_event
from healthloop.core import clock
from healthloop.followup.models import FollowUpTask
from healthloop.followup.notifications import notify_staff
from healthloop.people.models import OrgUnit

BATCH = 500
Status = FollowUpTask.Status


def escalate_after_days() -> int:
    return int(getattr(settings, "FOLLOWUP_ESCALATE_AFTER_DAYS", 3))


def _batches(query):  # type: ignore[no-untyped-def]
    """Lock and yield batches of tasks until the query is empty (each batch is changed so
    that it leaves the query)."""
    while True:
        with transaction.atomic():
            # Lock the task rows only (FOR UPDATE cannot reach the nullable org-unit join).
            ids = list(
                query.select_for_update().order_by("pk").values_list("pk", flat=True)[:BATCH]
            )
            batch = list(
                FollowUpTask.objects.filter(pk__in=ids)
                .select_related("person", "person__org_unit", "assignee")
                .order_by("pk")
            )
            if not batch:
                return
            yield batch


def send_due_reminders(today: dt.date | None = None) -> int:
    day = today or clock.today()
    query = FollowUpTask.objects.filter(
        status__in=[Status.PENDING, Status.IN_PROGRESS], remind_on__lte=day,
        window_end__gte=day, reminded_at__isnull=True, assignee__isnull=False,
    )  # fmt: skip
    sent, now = 0, timezone.now()
    for batch in _batches(query):
        for task in batch:
            notify_staff(
                task=task, user=task.assignee, template="followup.reminder",
                key=f"followup.reminder:{task.uuid}:{task.assignee_id}:{task.due_date}",
            )  # fmt: skip
            task.reminded_at = now
        FollowUpTask.objects.bulk_update(batch, ["reminded_at"])
        sent += len(batch)
    return sent


def mark_overdue_tasks(today: dt.date | None = None) -> int:
    day = today or clock.today()
    query = FollowUpTask.objects.filter(
        status__in=[Status.PENDING, Status.IN_PROGRESS], window_end__lt=day
    )
    marked, now = 0, timezone.now()
    for batch in _batches(query):
        for task in batch:
            task.status, task.overdue_at = Status.OVERDUE, now
            notify_staff(
                task=task, user=task.assignee, template="followup.overdue",
                key=f"followup.overdue:{task.uuid}",
            )  # fmt: skip
        FollowUpTask.objects.bulk_update(batch, ["status", "overdue_at"])
        marked += len(batch)
    return marked


def department_heads_for(org_unit: OrgUnit | None) -> list[User]:
    """Heads whose StaffScope covers the org unit (an ancestor or itself), else every head."""
    heads = User.objects.filter(role=Role.DEPT_HEAD, is_active=True)
    if org_unit is not None:
        ancestors = [p for p in org_unit.path.split("/") if p]
        covering = heads.filter(org_scopes__org_unit_id__in=ancestors).distinct()
        if covering.exists():
            return list(covering.order_by("pk"))
    return list(heads.order_by("pk"))


def escalate_overdue_tasks(today: dt.date | None = None) -> int:
    day = today or clock.today()
    cutoff = day - dt.timedelta(days=escalate_after_days())
    query = FollowUpTask.objects.filter(
        Q(status=Status.OVERDUE), window_end__lt=cutoff, escalated_at__isnull=True
    )
    escalated, now = 0, timezone.now()
    for batch in _batches(query):
        for task in batch:
            heads = department_heads_for(task.person.org_unit)
            for head in heads:
                notify_staff(
                    task=task, user=head, template="followup.overdue", urgent=True,
                    key=f"followup.escalated:{task.uuid}:{head.pk}",
                )  # fmt: skip
            task.escalated_at = now
            record_event(
                actor=None, action="followup.task_escalated", person_uuid=task.person.uuid,
                object_type="followup_task", object_id=str(task.uuid),
                detail={"to": [h.get_username() for h in heads],
                        "days_overdue": (day - task.window_end).days},
            )  # fmt: skip
        FollowUpTask.objects.bulk_update(batch, ["escalated_at"])
        escalated += len(batch)
    return escalated
