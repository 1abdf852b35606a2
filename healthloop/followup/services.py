"""Writers of follow-up plans and tasks: create and end plans, schedule tasks, start and
reassign tasks. Recording a contact is in ``results.py``; the periodic work (reminders,
overdue, escalation) in ``periodic.py``; the register drain in ``drain.py``.

Every function here takes objects that already came through ``people.access`` (or the
trusted drain), runs in one transaction and writes an audit event.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from healthloop.accounts.permissions import Perm, Role
from healthloop.assessment.models import Colour, Disease, RegisterEntry, RiskLevel
from healthloop.audit.services import record_event
from healthloop.core import clock
from healthloop.core.errors import ServiceError
from healthloop.followup.errors import FollowUpError
from healthloop.followup.models import (
    OPEN_STATES,
    FollowUpPlan,
    FollowUpTask,
    FollowUpTemplate,
    Method,
    TaskTransfer,
)
from healthloop.followup.notifications import notify_staff
from healthloop.followup.windows import window_for
from healthloop.people.access import visible_persons
from healthloop.people.models import Person, PersonAssignment

# When the template of the person's level is missing (an administrator deactivated it), the
# nearest level that has one is used, in this order.
LEVEL_FALLBACK = (Colour.YELLOW, Colour.ORANGE, Colour.RED, Colour.GREEN)
# Who takes a register-generated plan among the person's assigned staff, first found wins.
ASSIGNEE_ROLES = (Role.HEALTH_MANAGER, Role.OUTREACH, Role.NURSE, Role.DOCTOR)


def first_contact_days() -> int:
    return int(getattr(settings, "FOLLOWUP_FIRST_CONTACT_DAYS", 7))


def current_level(person: Person, disease: str) -> str:
    """The disease's current risk colour (RiskLevel, else the register entry's level)."""
    level = RiskLevel.objects.filter(person=person, disease=disease).values_list(
        "colour", flat=True
    )
    found = level.first() or (
        RegisterEntry.objects.filter(person=person, disease=disease)
        .values_list("level", flat=True)
        .first()
    )
    return found or ""


def template_for(disease: str, level: str) -> FollowUpTemplate | None:
    templates = {t.level: t for t in FollowUpTemplate.objects.filter(disease=disease, active=True)}
    for candidate in (level, *LEVEL_FALLBACK):
        if candidate in templates:
            return templates[candidate]
    return None


def default_assignee(person: Person) -> Any:
    staff = {
        a.staff.role: a.staff
        for a in PersonAssignment.objects.filter(person=person, staff__is_active=True)
        .select_related("staff")
        .order_by("-created_at")
    }
    return next((staff[r] for r in ASSIGNEE_ROLES if r in staff), None)


def schedule_task(
    *,
    plan: FollowUpPlan,
    due: dt.date,
    template: FollowUpTemplate,
    interval_days: int,
    shortened: bool = False,
    assignee: Any = None,
) -> FollowUpTask:
    """Add the plan's next task (inside the caller's transaction)."""
    window = window_for(due, interval_days, template.window_share)
    sequence = (plan.tasks.aggregate(n=Max("sequence"))["n"] or 0) + 1
    return FollowUpTask.objects.create(
        plan=plan, person_id=plan.person_id, disease=plan.disease, sequence=sequence,
        due_date=due, window_start=window.start, window_end=window.end,
        interval_days=interval_days, method=plan.method or template.method,
        talking_points=template.talking_points, questionnaire=template.questionnaire,
        shortened=shortened, assignee=assignee if assignee is not None else plan.assignee,
        remind_on=due - dt.timedelta(days=template.reminder_days_before),
    )  # fmt: skip


def _check_plan_input(disease: str, level: str, method: str, interval_days: int | None) -> None:
    if disease not in Disease.values:
        raise ServiceError(FollowUpError.UNKNOWN_DISEASE, f"未知病种：{disease}", field="disease")
    if level and level not in Colour.values:
        raise ServiceError(FollowUpError.UNKNOWN_LEVEL, f"未知风险等级：{level}", field="level")
    if method and method not in Method.values:
        raise ServiceError(
            FollowUpError.INVALID_TEMPLATE, f"未知随访方式：{method}", field="method"
        )
    if interval_days is not None and not 1 <= interval_days <= 730:
        raise ServiceError(
            FollowUpError.INVALID_TEMPLATE, "随访间隔须为1–730天", field="interval_days"
        )


@transaction.atomic
def create_plan(
    *,
    person: Person,
    disease: str,
    actor: Any,
    source: str = FollowUpPlan.Source.MANUAL,
    level: str = "",
    interval_days: int | None = None,
    method: str = "",
    assignee: Any = None,
    first_due: dt.date | None = None,
    note: str = "",
    register_event_id: int | None = None,
    today: dt.date | None = None,
) -> FollowUpPlan:
    """Start managing ``person`` for ``disease``: the plan and its first task, due within
    FOLLOWUP_FIRST_CONTACT_DAYS (7) or the interval if shorter, unless ``first_due`` is given.

    At most one active plan per person and disease: a second is refused (PLAN_EXISTS). The
    person row is locked first so two concurrent creations serialise on every database
    (MariaDB ignores the partial unique index)."""
    _check_plan_input(disease, level, method, interval_days)
    day = today or clock.today()
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if FollowUpPlan.objects.filter(person=person, disease=disease, status="active").exists():
        raise ServiceError(FollowUpError.PLAN_EXISTS, "该人员此病种已有进行中的随访计划",
                           field="disease")  # fmt: skip
    level = level or current_level(person, disease)
    template = template_for(disease, level)
    if template is None:
        raise ServiceError(FollowUpError.NO_TEMPLATE, f"病种{disease}没有启用的随访模板",
                           field="disease")  # fmt: skip
    if assignee is not None:
        check_assignee(assignee, person)
    plan = FollowUpPlan.objects.create(
        person=person, disease=disease, level=level, source=source, interval_days=interval_days,
        method=method, assignee=assignee if assignee is not None else default_assignee(person),
        register_event_id=register_event_id, note=note[:300],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    interval = interval_days or template.interval_days
    if first_due is not None and first_due < day:
        raise ServiceError(
            FollowUpError.INVALID_DATE, "首次随访日期不能早于今天", field="first_due"
        )
    due = first_due or day + dt.timedelta(days=min(interval, first_contact_days()))
    task = schedule_task(plan=plan, due=due, template=template, interval_days=interval)
    record_event(
        actor=actor, action="followup.plan_created", person_uuid=person.uuid,
        object_type="followup_plan", object_id=str(plan.uuid),
        detail={"disease": disease, "level": level, "source": source,
                "first_due": task.due_date.isoformat()},
    )  # fmt: skip
    notify_assigned(task, key="created")
    return plan


def end_plan(*, plan: FollowUpPlan, reason: str, actor: Any) -> FollowUpPlan:
    """End management (终止管理): the plan ends, its open tasks are cancelled. Inside the
    caller's transaction or its own."""
    with transaction.atomic():
        plan = FollowUpPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == FollowUpPlan.Status.ENDED:
            raise ServiceError(FollowUpError.PLAN_ENDED, "随访计划已终止")
        if not reason.strip():
            raise ServiceError(FollowUpError.REASON_REQUIRED, "须填写终止原因", field="reason")
        plan.status, plan.ended_at = FollowUpPlan.Status.ENDED, timezone.now()
        plan.end_reason = reason.strip()[:300]
        plan.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
        cancelled = plan.tasks.filter(status__in=OPEN_STATES).update(
            status=FollowUpTask.Status.CANCELLED
        )
        record_event(
            actor=actor, action="followup.plan_ended", person_uuid=plan.person.uuid,
            object_type="followup_plan", object_id=str(plan.uuid), purpose=plan.end_reason,
            detail={"cancelled_tasks": cancelled},
        )  # fmt: skip
    return plan


@transaction.atomic
def start_task(*, task: FollowUpTask, actor: Any) -> FollowUpTask:
    """A staff member begins working on a task (待执行 → 进行中); an overdue task stays
    overdue. Idempotent."""
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in OPEN_STATES:
        raise ServiceError(FollowUpError.TASK_CLOSED, "任务已结束")
    if task.status == FollowUpTask.Status.PENDING:
        task.status = FollowUpTask.Status.IN_PROGRESS
        task.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor, action="followup.task_started", person_uuid=task.person.uuid,
            object_type="followup_task", object_id=str(task.uuid),
        )  # fmt: skip
    return task


def check_assignee(user: Any, person: Person) -> None:
    """A task goes only to an active staff member who may record follow-ups and can see the
    person (otherwise they could not open it)."""
    ok = (
        user is not None
        and user.is_active
        and user.has_perm_code(Perm.FOLLOWUP_RECORD)
        and visible_persons(user).filter(pk=person.pk).exists()
    )
    if not ok:
        raise ServiceError(
            FollowUpError.INVALID_ASSIGNEE, "该人员不能承接此随访任务（无权限或不在其管辖范围）",
            field="assignee",
        )  # fmt: skip


@transaction.atomic
def reassign_task(
    *, task: FollowUpTask, to_user: Any, reason: str, actor: Any, whole_plan: bool = False
) -> FollowUpTask:
    """Transfer a task (and with ``whole_plan`` the plan: its later tasks go to the same
    person) to another staff member. The transfer is kept (TaskTransfer) and audited; the new
    assignee is told (notify ``followup.assigned``)."""
    task = FollowUpTask.objects.select_for_update().select_related("person", "plan").get(pk=task.pk)
    if task.status not in OPEN_STATES:
        raise ServiceError(FollowUpError.TASK_CLOSED, "任务已结束，不能转交")
    if not reason.strip():
        raise ServiceError(FollowUpError.REASON_REQUIRED, "须填写转交原因", field="reason")
    check_assignee(to_user, task.person)
    previous = task.assignee
    task.assignee = to_user
    task.reminded_at = None  # the new assignee gets their own reminder
    task.save(update_fields=["assignee", "reminded_at", "updated_at"])
    if whole_plan:
        task.plan.assignee = to_user
        task.plan.save(update_fields=["assignee", "updated_at"])
    transfer = TaskTransfer.objects.create(
        task=task, from_user=previous, to_user=to_user, reason=reason.strip()[:300],
        by=actor if getattr(actor, "is_authenticated", False) else None, at=timezone.now(),
    )  # fmt: skip
    record_event(
        actor=actor, action="followup.task_reassigned", person_uuid=task.person.uuid,
        object_type="followup_task", object_id=str(task.uuid), purpose=reason.strip(),
        detail={"from": previous.get_username() if previous else None,
                "to": to_user.get_username(), "whole_plan": whole_plan},
    )  # fmt: skip
    notify_assigned(task, key=f"transfer:{transfer.pk}")
    return task


def notify_assigned(task: FollowUpTask, *, key: str) -> None:
    notify_staff(
        task=task, user=task.assignee, template="followup.assigned",
        key=f"followup.assigned:{task.uuid}:{key}",
    )  # fmt: skip


def resolve_staff(username: str) -> Any:
    """The active staff user with this username, or a 400 naming the field ``assignee``."""
    from healthloop.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ServiceError(FollowUpError.INVALID_ASSIGNEE, f"找不到用户：{username}",
                           field="assignee")  # fmt: skip
    return user
