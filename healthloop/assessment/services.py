"""Writers of assessment outside the engine: questionnaire answers and population runs.

Rule versions are written by ``rules/services.py``, register decisions by ``registers.py``.
"""

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthloop import clinical
from healthloop.assessment.engine.inputs import QUESTIONNAIRE_MODELS
from healthloop.assessment.engine.run import screen_population
from healthloop.assessment.errors import AssessmentError
from healthloop.assessment.models import QuestionnaireResponse, ScreeningRun
from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError
from healthloop.people.models import Person
from healthloop.records.services import mark_pending

log = logging.getLogger(__name__)


def _calculator_inputs(instrument: str, answers: Any, person: Person) -> dict[str, Any]:
    if instrument == "psqi":
        return dict(answers) if isinstance(answers, dict) else {"answers": answers}
    inputs: dict[str, Any] = {"answers": answers}
    if instrument == "tcm_constitution":
        inputs["sex"] = person.sex
    return inputs


def record_questionnaire_response(
    *,
    person: Person,
    instrument: str,
    answers: Any,
    actor: Any,
    answered_at: dt.datetime | None = None,
    source: str = "",
    fhir: dict[str, Any] | None = None,
) -> QuestionnaireResponse:
    """Store one questionnaire response and queue the person for screening (the same
    hand-off as every record change, so a PHQ-9 item 9 answer > 0 is a finding within a
    second of commit). Preconditions: ``person`` came through people.access. The answers are
    validated by the instrument's calculator: a bad answer is a 400 naming the field.

    ``instrument=""`` stores a questionnaire we do not score, as sent (nothing to screen).
    ``fhir`` carries what a FHIR feed sent: ``questionnaire``, ``status``, ``items``,
    ``identifier_system``, ``identifier_value``, ``source_key``."""
    if instrument and instrument not in QUESTIONNAIRE_MODELS:
        raise ServiceError(
            AssessmentError.UNKNOWN_INSTRUMENT, f"未知问卷：{instrument}", field="instrument"
        )
    if instrument:
        try:
            clinical.calculate(instrument, _calculator_inputs(instrument, answers, person))
        except clinical.ClinicalInputError as exc:
            raise ServiceError(
                AssessmentError.INVALID_ANSWERS, exc.message, field=exc.field
            ) from exc
    with transaction.atomic():
        response = QuestionnaireResponse.objects.create(
            person=person, instrument=instrument, answers=answers,
            answered_at=answered_at or timezone.now(), source=source, **(fhir or {}),
        )  # fmt: skip
        if instrument:
            mark_pending([person.pk], reason=f"questionnaire:{instrument}")
        record_event(
            actor=actor, action="questionnaire.recorded", person_uuid=person.uuid,
            object_type="questionnaire_response", object_id=str(response.uuid),
            detail={"instrument": instrument or response.questionnaire},
        )  # fmt: skip
    return response


def start_population_screening(
    *, actor: Any, batch_size: int = 2000, as_of: dt.date | None = None, reason: str = ""
) -> ScreeningRun:
    """Queue a full-population run (admin action, API, or after a rule is published); the
    worker runs it and updates ``done`` after every batch."""
    from healthloop.assessment.tasks import run_population_screening_task

    with transaction.atomic():
        run = ScreeningRun.objects.create(
            batch_size=batch_size, as_of=as_of, reason=reason,
            triggered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        record_event(
            actor=actor,
            action="screening.run_started",
            object_type="screening_run",
            object_id=str(run.pk),
            purpose=reason,
        )
        transaction.on_commit(lambda: run_population_screening_task(run.pk))
    return run


def run_population_screening(run_id: int) -> ScreeningRun:
    run = ScreeningRun.objects.get(pk=run_id)
    total = Person.objects.filter(merged_into__isnull=True).count()
    ScreeningRun.objects.filter(pk=run_id).update(
        status=ScreeningRun.Status.RUNNING, started_at=timezone.now(), total=total
    )

    def progress(done: int, _total: int, counts: Any) -> None:
        ScreeningRun.objects.filter(pk=run_id).update(done=done, counts=dict(counts))

    try:
        counts = screen_population(batch_size=run.batch_size, as_of=run.as_of, progress=progress)
    except Exception as exc:
        log.exception("population screening %s failed", run_id)
        ScreeningRun.objects.filter(pk=run_id).update(
            status=ScreeningRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ScreeningRun.objects.filter(pk=run_id).update(
        status=ScreeningRun.Status.DONE, counts=dict(counts), done=counts["persons"],
        finished_at=timezone.now(),
    )  # fmt: skip
    return ScreeningRun.objects.get(pk=run_id)
