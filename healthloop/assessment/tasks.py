"""Huey tasks of assessment: thin wrappers named after the service they run."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from healthloop.assessment.engine.run import drain_pending_assessments
from healthloop.assessment.services import run_population_screening


@db_periodic_task(crontab(minute="*"))
def drain_pending_assessments_task() -> int:
    """Safety net: the nudge after each ingestion commit makes screening fast; this makes it
    certain (a lost nudge, a worker that was down)."""
    return drain_pending_assessments()


@db_task()
def run_population_screening_task(run_id: int) -> None:
    run_population_screening(run_id)
