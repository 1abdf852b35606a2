"""Reads of follow-up. Lists start from ``people.access.visible_persons(user)``.

Risk order: tasks are annotated with the current risk colour of their person and disease
(assessment.RiskLevel) and ``risk_rank`` (red 0, orange 1, yellow 2, green 3, none 4), so
overdue lists come most urgent first, then by the oldest due date.
"""

import datetime as dt
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from healthloop.assessment.models import Colour, RiskLevel
from healthloop.core import clock
from healthloop.core.errors import ServiceError
from healthloop.followup.errors import FollowUpError
from healthloop.followup.models import (
    OPEN_STATES,
    FollowUpPlan,
    FollowUpRecord,
    FollowUpTask,
    FollowUpTemplate,
)
from healthloop.people.access import visible_persons
from healthloop.people.models import Person

RISK_RANK = {Colour.RED: 0, Colour.ORANGE: 1, Colour.YELLOW: 2, Colour.GREEN: 3}
VIEWS = ("all", "open", "today", "overdue", "upcoming")


def with_risk(tasks: QuerySet[FollowUpTask]) -> QuerySet[FollowUpTask]:
    colour = RiskLevel.objects.filter(
        person=OuterRef("person"), disease=OuterRef("disease")
    ).values("colour")[:1]
    return tasks.annotate(risk_colour=Subquery(colour)).annotate(
        risk_rank=Case(
            *[When(risk_colour=c.value, then=Value(r)) for c, r in RISK_RANK.items()],
            default=Value(4),
            output_field=IntegerField(),
        )
    )


def _base(user: Any) -> QuerySet[FollowUpTask]:
    return FollowUpTask.objects.filter(person__in=visible_persons(user)).select_related(
        "person", "person__org_unit", "assignee", "plan"
    )


def task_list(
    user: Any,
    *,
    status: str = "",
    view: str = "all",
    mine: bool = False,
    disease: str = "",
    assignee: Any = None,
    person: Person | None = None,
    today: dt.date | None = None,
) -> QuerySet[FollowUpTask]:
    """Tasks of the persons ``user`` may see.

    ``view``: all; open (pending, in progress, overdue); today (open and due today or
    before, or a call-back set for today or before: the day's work list); overdue (sorted by
    risk colour, then the oldest due); upcoming (pending, due after today)."""
    day = today or clock.today()
    if status and status not in FollowUpTask.Status.values:
        raise ServiceError(FollowUpError.INVALID_FILTER, f"无效的状态：{status}", field="status")
    if view not in VIEWS:
        raise ServiceError(FollowUpError.INVALID_FILTER, f"无效的视图：{view}", field="view")
    query = with_risk(_base(user))
    if status:
        query = query.filter(status=status)
    if mine:
        query = query.filter(assignee=user)
    elif assignee is not None:
        query = query.filter(assignee=assignee)
    if disease:
        query = query.filter(disease=disease)
    if person is not None:
        query = query.filter(person=person)
    if view == "open":
        query = query.filter(status__in=OPEN_STATES)
    elif view == "today":
        query = query.filter(status__in=OPEN_STATES, due_date__lte=day).exclude(
            call_back_on__gt=day
        )
    elif view == "overdue":
        return query.filter(status=FollowUpTask.Status.OVERDUE).order_by(
            "risk_rank", "due_date", "pk"
        )
    elif view == "upcoming":
        query = query.filter(status=FollowUpTask.Status.PENDING, due_date__gt=day)
    return query.order_by("due_date", "risk_rank", "pk")


def task_records(task: FollowUpTask) -> QuerySet[FollowUpRecord]:
    return task.records.select_related("recorded_by").order_by("contacted_at", "pk")


def plan_list(
    user: Any, *, person: Person | None = None, status: str = ""
) -> QuerySet[FollowUpPlan]:
    query = FollowUpPlan.objects.filter(person__in=visible_persons(user)).select_related(
        "person", "assignee"
    )
    if person is not None:
        query = query.filter(person=person)
    if status:
        if status not in FollowUpPlan.Status.values:
            raise ServiceError(FollowUpError.INVALID_FILTER, f"无效的状态：{status}",
                               field="status")  # fmt: skip
        query = query.filter(status=status)
    return query.order_by("-created_at", "-pk")


def template_list() -> QuerySet[FollowUpTemplate]:
    return FollowUpTemplate.objects.order_by("disease", "level")


def person_followups(person: Person) -> dict[str, Any]:
    """For the employee portal: the person's own active plans and their upcoming and recent
    contacts, without staff-only detail (talking points, notes, who is assigned). The caller
    has already resolved ``person`` as the logged-in employee's own (people.access)."""
    plans = FollowUpPlan.objects.filter(person=person, status=FollowUpPlan.Status.ACTIVE)
    tasks = FollowUpTask.objects.filter(person=person)
    upcoming = tasks.filter(status__in=OPEN_STATES).order_by("due_date", "pk")
    done = tasks.filter(status=FollowUpTask.Status.DONE).order_by("-completed_at", "-pk")[:10]
    return {
        "plans": [
            {"uuid": str(p.uuid), "disease": p.disease, "since": p.created_at.date().isoformat()}
            for p in plans.order_by("created_at", "pk")
        ],
        "upcoming": [
            {
                "uuid": str(t.uuid),
                "disease": t.disease,
                "due_date": t.due_date.isoformat(),
                "method": t.method,
                "questionnaire": t.questionnaire,
                "status": t.status,
            }
            for t in upcoming
        ],
        "recent": [
            {
                "uuid": str(t.uuid),
                "disease": t.disease,
                "due_date": t.due_date.isoformat(),
                "method": t.method,
                "status": t.status,
                "completed_on": t.completed_on.isoformat() if t.completed_on else None,
                "outcome": t.outcome,
            }
            for t in done
        ],
    }


def template_by_id(pk: int) -> FollowUpTemplate:
    from healthloop.core.errors import NotFound

    template = FollowUpTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise NotFound("template")
    return template
