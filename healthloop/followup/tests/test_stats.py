"""Statistics on a constructed dataset: every number checked."""

import datetime as dt

import pytest

from healthloop.followup.models import FollowUpTask
from healthloop.followup.stats import followup_stats
from healthloop.followup.tests.factories import at, plan_with_task, record
from healthloop.people.models import PersonAssignment
from healthloop.records.models import Encounter

START = dt.date(2025, 1, 2)
DUE = dt.date(2025, 3, 3)  # hypertension yellow: window ±18 days


@pytest.fixture
def dataset(templates, make_person, org, manager, operator):
    """Five persons with a task due on DUE:
    A done on time by the operator (contacted; exam 10 days later → came back),
    B done late by the operator (contacted; outpatient visit 40 days later → not within 30),
    C done early by the manager (contacted; follow-up encounter only → not a return),
    D temporarily lost (not contacted), E overdue (assigned to the operator, dept_b).
    Plus F: a task due outside the period (ignored)."""
    names = ["A", "B", "C", "D", "E", "F"]
    units = [org["dept_a"]] * 4 + [org["dept_b"], org["dept_a"]]
    people = {n: make_person(n, sex="male", org_unit=u) for n, u in zip(names, units, strict=True)}
    PersonAssignment.objects.create(person=people["E"], staff=operator)  # outside their unit
    tasks = {}
    for name, person in people.items():
        due = DUE if name != "F" else DUE + dt.timedelta(days=200)
        tasks[name] = plan_with_task(person, start=START, due=due,
                                     assignee=manager if name == "C" else operator)[1]  # fmt: skip
    record(tasks["A"], "continue", on=DUE, actor=operator)
    record(tasks["B"], "continue", on=DUE + dt.timedelta(days=25), actor=operator)
    record(tasks["C"], "agreed_to_come", on=DUE - dt.timedelta(days=25), snooze_days=5,
           measurements={"SBP": 150}, actor=manager)  # fmt: skip
    record(tasks["D"], "lost", on=DUE, actor=operator)
    FollowUpTask.objects.filter(pk=tasks["E"].pk).update(status="overdue")
    Encounter.objects.create(
        person=people["A"], kind="exam", occurred_at=at(DUE + dt.timedelta(10))
    )
    Encounter.objects.create(
        person=people["B"], kind="outpatient", occurred_at=at(DUE + dt.timedelta(65))
    )
    return people


def test_stats_numbers(dataset, head):
    stats = followup_stats(
        head, date_from=DUE - dt.timedelta(days=30), date_to=DUE + dt.timedelta(30)
    )
    # due in the period: A–E and C's check-back task (snoozed 5 days: due DUE − 20, pending)
    assert (stats["tasks_due"], stats["tasks_done"], stats["completion_rate"]) == (6, 4, 0.6667)
    assert stats["timing"] == {"early": 1, "on_time": 2, "late": 1}
    assert stats["on_time_rate"] == 0.5
    assert stats["overdue_total"] == 1
    assert stats["overdue_by_staff"] == [{"assignee": "op_sun", "name": "", "overdue": 1}]
    assert [(d["name"], d["overdue"]) for d in stats["overdue_by_department"]] == [("财务部", 1)]
    # contacted in the period: A, B, C (D was lost); A came back within 30 days
    assert stats["effectiveness"] == {
        "return_days": 30, "contacted_persons": 3, "returned_persons": 1, "rate": 0.3333,
    }  # fmt: skip


def test_return_window_is_configurable(dataset, head):
    stats = followup_stats(head, date_from=DUE - dt.timedelta(days=30),
                           date_to=DUE + dt.timedelta(30), return_days=60)  # fmt: skip
    # B's visit 40 days after the contact now counts
    assert stats["effectiveness"]["returned_persons"] == 2


def test_stats_cover_only_the_persons_in_scope(dataset, manager):
    # the manager's scope is the refinery: E (finance) is not counted
    stats = followup_stats(manager, date_from=DUE - dt.timedelta(days=30),
                           date_to=DUE + dt.timedelta(30))  # fmt: skip
    assert (stats["tasks_due"], stats["overdue_total"]) == (5, 0)
