"""The door to follow-up objects: a task or plan is reachable exactly when its person is
(``people.access.visible_persons``); otherwise "not found". Each access is audited."""

import uuid
from typing import Any

from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound
from healthloop.followup.models import FollowUpPlan, FollowUpTask
from healthloop.people.access import visible_persons


def _key(value: Any, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(what) from None


def access_task(
    user: Any, task_uuid: Any, *, action: str = "followup.task_viewed", request: Any = None
) -> FollowUpTask:
    task = (
        FollowUpTask.objects.filter(uuid=_key(task_uuid, "task"), person__in=visible_persons(user))
        .select_related("person", "person__org_unit", "plan", "assignee")
        .first()
    )
    if task is None:
        raise NotFound("task")
    record_event(
        actor=user, action=action, person_uuid=task.person.uuid, object_type="followup_task",
        object_id=str(task.uuid), request=request,
    )  # fmt: skip
    return task


def access_plan(
    user: Any, plan_uuid: Any, *, action: str = "followup.plan_viewed", request: Any = None
) -> FollowUpPlan:
    plan = (
        FollowUpPlan.objects.filter(uuid=_key(plan_uuid, "plan"), person__in=visible_persons(user))
        .select_related("person", "assignee")
        .first()
    )
    if plan is None:
        raise NotFound("plan")
    record_event(
        actor=user, action=action, person_uuid=plan.person.uuid, object_type="followup_plan",
        object_id=str(plan.uuid), request=request,
    )  # fmt: skip
    return plan
