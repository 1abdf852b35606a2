"""Recording results: each coded outcome, measurement write-back, questionnaires, errors."""

import datetime as dt

import pytest

from healthloop.assessment.models import QuestionnaireResponse
from healthloop.core.errors import ServiceError
from healthloop.followup.models import FollowUpPlan, FollowUpRecord, FollowUpTask
from healthloop.followup.tests.factories import plan_with_task, record
from healthloop.records.models import Encounter, Observation, PendingAssessment

START, DUE = dt.date(2025, 1, 2), dt.date(2025, 4, 2)  # hypertension yellow: 90 days
ON = dt.date(2025, 4, 1)


@pytest.fixture
def task(templates, patient, manager):
    return plan_with_task(patient, start=START, due=DUE, actor=manager, assignee=manager)[1]


def test_agreed_to_come_closes_the_task_and_checks_back_after_the_snooze(task, manager):
    rec = record(task, "agreed_to_come", on=ON, snooze_days=10, actor=manager)
    task.refresh_from_db()
    assert (task.status, task.outcome, rec.contacted) == ("done", "agreed_to_come", True)
    nxt = rec.next_task
    assert (nxt.due_date, nxt.interval_days, nxt.sequence) == (ON + dt.timedelta(10), 10, 2)
    assert (nxt.window_start, nxt.window_end, nxt.assignee) == (
        ON + dt.timedelta(8), ON + dt.timedelta(12), manager,
    )  # fmt: skip


@pytest.mark.parametrize("snooze", [None, 0, 91])
def test_agreed_to_come_needs_a_snooze_of_1_to_90_days(task, manager, snooze):
    with pytest.raises(ServiceError) as error:
        record(task, "agreed_to_come", on=ON, snooze_days=snooze, actor=manager)
    assert (error.value.code, error.value.field) == ("invalid_snooze", "snooze_days")
    assert not FollowUpRecord.objects.exists()
    assert FollowUpTask.objects.get(pk=task.pk).status == "pending"


def test_call_later_keeps_the_task_open_in_progress_until_the_call_back(task, manager):
    rec = record(task, "call_later", on=ON, call_back_on=ON + dt.timedelta(2), actor=manager)
    task.refresh_from_db()
    assert (task.status, task.call_back_on, rec.contacted, rec.next_task) == (
        "in_progress", ON + dt.timedelta(2), False, None,
    )  # fmt: skip
    # the second call reaches the person: the same task is done
    record(task, "continue", on=ON + dt.timedelta(2), actor=manager)
    task.refresh_from_db()
    assert (task.status, task.records.count()) == ("done", 2)


def test_continue_schedules_the_next_task_one_interval_after_the_contact(task, manager):
    rec = record(task, "continue", on=ON, measurements={"SBP": 128, "DBP": 82}, actor=manager)
    assert (rec.next_task.due_date, rec.next_task.shortened, rec.poor_control) == (
        ON + dt.timedelta(90), False, [],
    )  # fmt: skip


def test_poor_blood_pressure_control_shortens_the_interval_to_14_days(task, manager, patient):
    # when BP 150/92 is measured at the follow-up (the template's rule: SBP≥140 or DBP≥90)
    rec = record(task, "continue", on=ON, measurements={"SBP": 150, "DBP": 92}, actor=manager)
    # then the next contact is in 14 days instead of 90, and the record says why
    assert (rec.next_task.due_date, rec.next_task.interval_days, rec.next_task.shortened) == (
        ON + dt.timedelta(14), 14, True,
    )  # fmt: skip
    assert rec.poor_control == ["SBP gte 140（150）", "DBP gte 90（92）"]


def test_measurements_are_written_to_the_record_and_queue_screening(task, manager, patient):
    PendingAssessment.objects.all().delete()
    rec = record(task, "continue", on=ON, measurements={"SBP": 150, "WEIGHT": 71.5}, actor=manager)
    encounter = Encounter.objects.get(uuid=rec.encounter_uuid)
    assert (encounter.person, encounter.kind) == (patient, "followup")
    values = dict(Observation.objects.filter(encounter=encounter).values_list("code", "value_num"))
    assert {k: float(v) for k, v in values.items()} == {"SBP": 150.0, "WEIGHT": 71.5}
    assert list(PendingAssessment.objects.values_list("person_id", "reason")) == [
        (patient.pk, "observations")
    ]


def test_a_bad_measurement_is_refused_and_nothing_is_written(task, manager):
    with pytest.raises(ServiceError) as error:
        record(task, "continue", on=ON, measurements={"SBP": "很高"}, actor=manager)
    assert error.value.field == "value"
    assert (Encounter.objects.count(), FollowUpRecord.objects.count()) == (0, 0)
    assert FollowUpTask.objects.get(pk=task.pk).status == "pending"


def test_questionnaire_answers_are_stored_as_an_assessment_response(task, manager, patient):
    answers = [1, 1, 0, 2, 0, 1, 0, 0, 0]
    rec = record(task, "continue", on=ON, actor=manager,
                 questionnaire={"instrument": "phq9", "answers": answers})  # fmt: skip
    response = QuestionnaireResponse.objects.get(uuid=rec.questionnaire_response_uuid)
    assert (response.person, response.instrument, response.answers) == (patient, "phq9", answers)
    assert PendingAssessment.objects.filter(person=patient, reason="questionnaire:phq9").exists()


def test_temporarily_lost_schedules_again_and_counts_consecutive_losses(task, manager):
    first = record(task, "lost", on=ON, actor=manager)
    second = record(first.next_task, "lost", on=ON + dt.timedelta(90), actor=manager)
    plan = FollowUpPlan.objects.get(pk=task.plan_id)
    assert (first.contacted, plan.consecutive_lost, plan.status) == (False, 2, "active")
    assert second.next_task.due_date == ON + dt.timedelta(180)
    record(second.next_task, "continue", on=ON + dt.timedelta(180), actor=manager)
    plan.refresh_from_db()
    assert plan.consecutive_lost == 0


def test_end_management_needs_a_reason_and_ends_the_plan(task, manager):
    with pytest.raises(ServiceError) as error:
        record(task, "end", on=ON, actor=manager, end_reason=" ")
    assert (error.value.code, error.value.field) == ("reason_required", "end_reason")
    rec = record(task, "end", on=ON, actor=manager, end_reason_code="moved", end_reason="调往外地")
    plan = FollowUpPlan.objects.get(pk=task.plan_id)
    assert (plan.status, plan.end_reason, rec.next_task) == ("ended", "迁出/离职：调往外地", None)
    assert list(plan.tasks.values_list("status", flat=True)) == ["done"]


def test_a_closed_task_takes_no_second_result(task, manager):
    record(task, "continue", on=ON, actor=manager)
    with pytest.raises(ServiceError) as error:
        record(task, "continue", on=ON, actor=manager)
    assert error.value.code == "task_closed"
    assert FollowUpRecord.objects.count() == 1
