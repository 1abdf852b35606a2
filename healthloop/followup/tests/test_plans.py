"""Plans from registers (the RegisterEvent drain), by hand, and their end."""

import datetime as dt

import pytest
from django.utils import timezone

from healthloop.assessment.engine.run import drain_pending_assessments
from healthloop.assessment.models import RegisterEvent
from healthloop.assessment.registers import set_register_status
from healthloop.assessment.tests.factories import record_exam
from healthloop.core.errors import ServiceError
from healthloop.followup.drain import drain_register_events, reconcile_register_plans
from healthloop.followup.models import DrainWatermark, FollowUpPlan, FollowUpTask
from healthloop.followup.services import create_plan
from healthloop.people.models import PersonAssignment

pytestmark = pytest.mark.django_db


def test_register_inclusion_makes_one_plan_and_draining_again_changes_nothing(
    templates, patient, manager
):
    # given a health manager assigned to the patient, and the patient put on the register
    PersonAssignment.objects.create(person=patient, staff=manager)
    set_register_status(person=patient, disease="hypertension", status="included",
                        reason="门诊确诊", actor=manager)  # fmt: skip
    # when the drain runs twice, and once more after its watermark was lost
    first = drain_register_events()
    second = drain_register_events()
    DrainWatermark.objects.filter(name="register_events").update(last_id=0)
    third = drain_register_events()
    # then exactly one plan with one task exists, owned by the assigned health manager
    plan = FollowUpPlan.objects.get(person=patient)
    assert (first["created"], second["events"], third["created"], third["unchanged"]) == (
        1,
        0,
        0,
        1,
    )
    assert (plan.disease, plan.source, plan.status, plan.assignee) == (
        "hypertension", "register", "active", manager,
    )  # fmt: skip
    task = plan.tasks.get()
    today = timezone.localdate()
    assert task.due_date == today + dt.timedelta(days=7)  # first contact within 7 days
    assert (task.status, task.assignee, task.method) == ("pending", manager, "phone")
    assert plan.register_event_id == RegisterEvent.objects.get().pk


def test_screening_an_exam_puts_the_person_on_the_register_and_into_follow_up(templates, patient):
    # given an exam with a blood pressure of 152/96 (the real ingestion path)
    record_exam(patient, SBP=152, DBP=96)
    # when screening runs and then the follow-up drain
    drain_pending_assessments()
    counts = drain_register_events()
    # then the hypertension register inclusion produced a plan with the level's template
    plan = FollowUpPlan.objects.get(person=patient, disease="hypertension")
    assert counts["created"] >= 1 and plan.source == "register"
    task = plan.tasks.get()
    assert task.talking_points.startswith("询问头晕")
    assert task.window_end - task.window_start == dt.timedelta(
        days=2 * round(task.interval_days * 0.2)
    )


def test_exclusion_ends_a_register_plan_but_not_a_hand_made_one(templates, patient, manager):
    # given a register plan for hypertension and a hand-made plan for obesity
    set_register_status(person=patient, disease="hypertension", status="included",
                        reason="确诊", actor=manager)  # fmt: skip
    set_register_status(person=patient, disease="obesity", status="included",
                        reason="确诊", actor=manager)  # fmt: skip
    create_plan(person=patient, disease="obesity", actor=manager, level="yellow")
    drain_register_events()
    # when both register entries are excluded
    set_register_status(person=patient, disease="hypertension", status="excluded",
                        reason="误诊", actor=manager)  # fmt: skip
    set_register_status(person=patient, disease="obesity", status="excluded",
                        reason="减重达标", actor=manager)  # fmt: skip
    counts = drain_register_events()
    # then the register plan ended with its open task cancelled; the hand-made one stays
    htn = FollowUpPlan.objects.get(person=patient, disease="hypertension")
    obesity = FollowUpPlan.objects.get(person=patient, disease="obesity")
    assert counts["ended"] == 1
    assert (htn.status, htn.end_reason) == ("ended", "移出台账（自动）")
    assert list(htn.tasks.values_list("status", flat=True)) == ["cancelled"]
    assert (obesity.status, obesity.source) == ("active", "manual")


def test_a_second_active_plan_for_the_same_disease_is_refused(templates, patient, manager):
    create_plan(person=patient, disease="diabetes", actor=manager)
    with pytest.raises(ServiceError) as error:
        create_plan(person=patient, disease="diabetes", actor=manager)
    assert (error.value.code, error.value.field) == ("plan_exists", "disease")
    assert FollowUpPlan.objects.filter(person=patient).count() == 1


def test_bad_plan_input_names_the_field(templates, patient, manager):
    with pytest.raises(ServiceError) as error:
        create_plan(person=patient, disease="gout", actor=manager)
    assert (error.value.code, error.value.field) == ("unknown_disease", "disease")
    with pytest.raises(ServiceError) as error:
        create_plan(person=patient, disease="diabetes", actor=manager, interval_days=0)
    assert error.value.field == "interval_days"
    assert not FollowUpTask.objects.exists()


def test_reconcile_plans_an_included_entry_the_watermark_stepped_over(templates, patient, manager):
    # given an inclusion whose event the drain never saw (the watermark is already past it)
    set_register_status(person=patient, disease="diabetes", status="included",
                        reason="确诊", actor=manager)  # fmt: skip
    DrainWatermark.objects.create(name="register_events", last_id=RegisterEvent.objects.get().pk)
    assert drain_register_events()["events"] == 0
    # when the hourly reconciliation runs (twice)
    created = [reconcile_register_plans(), reconcile_register_plans()]
    # then the entry has its plan, once
    assert created == [1, 0]
    assert FollowUpPlan.objects.get(person=patient).disease == "diabetes"


def test_merging_two_persons_keeps_one_active_plan_per_disease(templates, make_person, org):
    from healthloop.people.services import merge_persons

    # given two records of one person, each with an active hypertension plan
    survivor = make_person("李华", sex="male", org_unit=org["dept_a"])
    duplicate = make_person("李华", sex="male", org_unit=org["dept_a"])
    kept = create_plan(person=survivor, disease="hypertension", actor=None)
    dropped = create_plan(person=duplicate, disease="hypertension", actor=None)
    # when they are merged
    merge_persons(survivor=survivor, duplicate=duplicate, actor=None, reason="重复建档")
    # then both plans belong to the survivor and only the survivor's own stays active
    plans = FollowUpPlan.objects.filter(person=survivor).order_by("pk")
    assert [(p.pk, p.status) for p in plans] == [(kept.pk, "active"), (dropped.pk, "ended")]
    assert FollowUpTask.objects.filter(person=survivor, status="pending").count() == 1
    assert FollowUpTask.objects.filter(person=duplicate).count() == 0
