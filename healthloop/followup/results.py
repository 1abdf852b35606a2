"""Recording the result of a follow-up contact (``record_followup_result``).

Outcomes (coded, ``models.Outcome``) and what each does to the task and the plan:

| outcome          | task                 | next task                                    |
|------------------|----------------------|----------------------------------------------|
| agreed_to_come   | done                 | due in ``snooze_days`` (1–90): did they come  |
| call_later       | 进行中, call back on  | none (the same task continues)                |
| continue         | done                 | due in the interval (shorter if poor control) |
| lost (暂时失访)   | done                 | due in the interval; losses counted on plan   |
| end (终止管理)    | done                 | none: plan ends (reason required)             |

Measurements (e.g. BP, weight, glucose) are written to the health record as a "followup"
Encounter through ``records.services.record_encounter_results``, which queues the person for
screening (PendingAssessment) in the same transaction. Questionnaire answers go through
``assessment.services.record_questionnaire_response`` (same hand-off). The poor-control rule
of the template (``poor_control``: any condition holds for a measurement recorded now)
shortens the next interval to ``poor_control.interval_days``.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from healthloop.assessment.services import record_questionnaire_response
from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError
from healthloop.followup.errors import FollowUpError
from healthloop.followup.models import (
    OPEN_STATES,
    EndReason,
    FollowUpPlan,
    FollowUpRecord,
    FollowUpTask,
    Method,
    Outcome,
)
from healthloop.followup.services import current_level, end_plan, schedule_task, template_for
from healthloop.followup.windows import classify_done
from healthloop.records.catalog import get_catalog
from healthloop.records.models import Encounter, Observation
from healthloop.records.services import ObservationInput, record_encounter_results

CONTACTED = {Outcome.AGREED_TO_COME, Outcome.CONTINUE, Outcome.END}
OPS = {"gte": float.__ge__, "gt": float.__gt__, "lte": float.__le__, "lt": float.__lt__}


@dataclass(frozen=True)
class Measurement:
    code: str  # catalog code, alias or LOINC (SBP, DBP, WEIGHT, GLU …)
    value: Any
    unit: str = ""


@dataclass(frozen=True)
class ResultInput:
    outcome: str
    method: str = ""
    contacted_at: dt.datetime | None = None
    note: str = ""
    snooze_days: int | None = None
    call_back_on: dt.date | None = None
    end_reason_code: str = ""
    end_reason: str = ""
    measurements: list[Measurement] = field(default_factory=list)
    questionnaire: dict[str, Any] | None = None  # {"instrument": "phq9", "answers": [...]}


def _check(data: ResultInput, task: FollowUpTask, now: dt.datetime) -> dt.datetime:
    if data.outcome not in Outcome.values:
        raise ServiceError(FollowUpError.INVALID_OUTCOME, f"未知的随访结果：{data.outcome}",
                           field="outcome")  # fmt: skip
    if data.method and data.method not in Method.values:
        raise ServiceError(FollowUpError.INVALID_OUTCOME, f"未知的随访方式：{data.method}",
                           field="method")  # fmt: skip
    when = data.contacted_at or now
    if when > now + dt.timedelta(minutes=5):
        raise ServiceError(FollowUpError.INVALID_DATE, "随访时间不能晚于现在", field="contacted_at")
    day = timezone.localtime(when).date()
    if data.outcome == Outcome.AGREED_TO_COME and not (
        isinstance(data.snooze_days, int) and 1 <= data.snooze_days <= 90
    ):
        raise ServiceError(FollowUpError.INVALID_SNOOZE, "同意来院须填写1–90天内的来院天数",
                           field="snooze_days")  # fmt: skip
    if data.outcome == Outcome.CALL_LATER and data.call_back_on and data.call_back_on < day:
        raise ServiceError(FollowUpError.INVALID_DATE, "再次联系日期不能早于本次联系",
                           field="call_back_on")  # fmt: skip
    if data.outcome == Outcome.END:
        if not data.end_reason.strip():
            raise ServiceError(FollowUpError.REASON_REQUIRED, "终止管理须填写原因",
                               field="end_reason")  # fmt: skip
        if data.end_reason_code and data.end_reason_code not in EndReason.values:
            raise ServiceError(FollowUpError.REASON_REQUIRED, "未知的终止原因代码",
                               field="end_reason_code")  # fmt: skip
    return when


def poor_control_hits(rule: dict[str, Any], observations: list[Observation]) -> list[str]:
    """The conditions of ``rule`` that hold for the observations just recorded."""
    if not rule or not observations:
        return []
    catalog = get_catalog()
    values = {o.item_id: float(o.value_num) for o in observations if o.value_num is not None}
    hits = []
    for cond in rule.get("any", []):
        item = catalog.resolve(cond["item"])
        op = next(op for op in OPS if op in cond)
        if item is not None and item.id in values and OPS[op](values[item.id], float(cond[op])):
            hits.append(f"{cond['item']} {op} {cond[op]}（{values[item.id]:g}）")
    return hits


def _write_record_data(
    task: FollowUpTask, data: ResultInput, when: dt.datetime, actor: Any
) -> tuple[Encounter | None, list[Observation], Any]:
    encounter, observations, response = None, [], None
    if data.measurements:
        encounter, observations = record_encounter_results(
            person=task.person, kind=Encounter.Kind.FOLLOWUP, occurred_at=when, actor=actor,
            results=[ObservationInput(code=m.code, value=m.value, unit=m.unit)
                     for m in data.measurements],
            facility="随访", source_system="healthloop.followup",
        )  # fmt: skip
    if data.questionnaire:
        response = record_questionnaire_response(
            person=task.person, instrument=str(data.questionnaire.get("instrument", "")),
            answers=data.questionnaire.get("answers"), actor=actor, answered_at=when,
            source=f"followup:{task.uuid}",
        )  # fmt: skip
    return encounter, observations, response


@transaction.atomic
def record_followup_result(*, task: FollowUpTask, data: ResultInput, actor: Any) -> FollowUpRecord:
    """Record one contact on an open task and apply its outcome (module docstring).

    Preconditions: ``task`` came through ``followup.access.access_task`` (so its person is in
    the actor's scope). A bad value is a 400 naming the field and nothing is written: the
    measurements, the questionnaire, the record and the next task commit together."""
    task = (FollowUpTask.objects.select_for_update().select_related("person", "plan")
            .get(pk=task.pk))  # fmt: skip
    if task.status not in OPEN_STATES:
        raise ServiceError(FollowUpError.TASK_CLOSED, "任务已结束，不能再记录结果")
    now = timezone.now()
    when = _check(data, task, now)
    day = timezone.localtime(when).date()
    encounter, observations, response = _write_record_data(task, data, when, actor)
    plan: FollowUpPlan = task.plan
    template = template_for(plan.disease, current_level(task.person, plan.disease))
    hits = poor_control_hits(template.poor_control if template else {}, observations)
    record = FollowUpRecord.objects.create(
        task=task, person=task.person, outcome=data.outcome, contacted=data.outcome in CONTACTED,
        method=data.method or task.method, contacted_at=when, note=data.note,
        snooze_days=data.snooze_days if data.outcome == Outcome.AGREED_TO_COME else None,
        call_back_on=(data.call_back_on or day + dt.timedelta(days=1))
        if data.outcome == Outcome.CALL_LATER else None,
        end_reason_code=data.end_reason_code or (EndReason.OTHER if data.outcome == Outcome.END
                                                 else ""),
        end_reason=data.end_reason.strip()[:300] if data.outcome == Outcome.END else "",
        measurements=[{"code": m.code, "value": str(m.value), "unit": m.unit}
                      for m in data.measurements],
        encounter_uuid=encounter.uuid if encounter else None,
        questionnaire_response_uuid=response.uuid if response else None,
        poor_control=hits, recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    _apply_outcome(task, plan, record, template, day, actor)
    record_event(
        actor=actor, action="followup.result_recorded", person_uuid=task.person.uuid,
        object_type="followup_task", object_id=str(task.uuid),
        detail={"outcome": record.outcome, "timing": task.timing,
                "measurements": len(observations), "poor_control": hits,
                "next_task": str(record.next_task.uuid) if record.next_task else None},
    )  # fmt: skip
    return record


def _apply_outcome(task: FollowUpTask, plan: FollowUpPlan, record: FollowUpRecord,
                   template: Any, day: dt.date, actor: Any) -> None:  # fmt: skip
    if record.outcome == Outcome.CALL_LATER:
        task.call_back_on = record.call_back_on
        if task.status == FollowUpTask.Status.PENDING:
            task.status = FollowUpTask.Status.IN_PROGRESS
        task.outcome = record.outcome
        task.save(update_fields=["call_back_on", "status", "outcome", "updated_at"])
        return
    task.status, task.outcome = FollowUpTask.Status.DONE, record.outcome
    task.completed_at, task.completed_on = record.contacted_at, day
    task.timing = classify_done(day, task.window_start, task.window_end)
    task.save(update_fields=["status", "outcome", "completed_at", "completed_on", "timing",
                             "updated_at"])  # fmt: skip
    if record.outcome == Outcome.END:
        reason = dict(EndReason.choices)[record.end_reason_code] + "：" + record.end_reason
        end_plan(plan=plan, reason=reason, actor=actor)
        return
    plan.consecutive_lost = plan.consecutive_lost + 1 if record.outcome == Outcome.LOST else 0
    plan.save(update_fields=["consecutive_lost", "updated_at"])
    if template is None:  # every template of the disease was deactivated: nothing to schedule
        return
    interval = plan.interval_days or template.interval_days
    shortened = bool(record.poor_control) and template.poor_control["interval_days"] < interval
    if shortened:
        interval = template.poor_control["interval_days"]
    if record.outcome == Outcome.AGREED_TO_COME:  # a check that they came, its own window
        interval, shortened = record.snooze_days or 1, False
    due = day + dt.timedelta(days=interval)
    record.next_task = schedule_task(
        plan=plan, due=due, template=template, interval_days=interval, shortened=shortened,
        assignee=task.assignee,
    )  # fmt: skip
    record.save(update_fields=["next_task", "updated_at"])


def result_input(data: dict[str, Any]) -> ResultInput:
    """The API's validated body as a ResultInput."""
    return ResultInput(
        outcome=data["outcome"], method=data.get("method") or "",
        contacted_at=data.get("contacted_at"), note=data.get("note", ""),
        snooze_days=data.get("snooze_days"), call_back_on=data.get("call_back_on"),
        end_reason_code=data.get("end_reason_code") or "", end_reason=data.get("end_reason", ""),
        measurements=[Measurement(m["code"], m["value"], m.get("unit", ""))
                      for m in data.get("measurements", [])],
        questionnaire=data.get("questionnaire"),
    )  # fmt: skip
