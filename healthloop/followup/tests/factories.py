"""Test helpers: plans and tasks made through the services, on chosen days."""

import datetime as dt
from typing import Any

from django.utils import timezone

from healthloop.followup.results import Measurement, ResultInput, record_followup_result
from healthloop.followup.services import create_plan

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware datetime on ``day`` in the configured time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def plan_with_task(
    person: Any,
    *,
    disease: str = "hypertension",
    level: str = "yellow",
    start: dt.date,
    due: dt.date,
    assignee: Any = None,
    actor: Any = None,
) -> Any:
    """A manual plan made on ``start`` whose first task is due on ``due``."""
    plan = create_plan(
        person=person, disease=disease, level=level, actor=actor, assignee=assignee,
        first_due=due, today=start,
    )  # fmt: skip
    return plan, plan.tasks.get()


def record(task: Any, outcome: str, *, on: dt.date, actor: Any = None, **extra: Any) -> Any:
    measurements = [Measurement(c, v) for c, v in extra.pop("measurements", {}).items()]
    return record_followup_result(
        task=task,
        data=ResultInput(outcome=outcome, contacted_at=at(on), measurements=measurements, **extra),
        actor=actor,
    )
