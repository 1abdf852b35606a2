"""Windows: early / on time / late when done, overdue when open, at the exact boundaries."""

import datetime as dt

import pytest

from healthloop.followup.models import FollowUpTask
from healthloop.followup.periodic import mark_overdue_tasks
from healthloop.followup.tests.factories import plan_with_task, record
from healthloop.followup.windows import classify_done, window_days, window_for

START, DUE = dt.date(2025, 1, 2), dt.date(2025, 4, 2)  # yellow hypertension: 90 days, ±18


def test_window_is_a_rounded_share_of_the_interval_on_each_side():
    days = [window_days(90, 0.2), window_days(14, 0.2), window_days(7, 0.1), window_days(30, 0)]
    assert days == [18, 3, 1, 0]
    window = window_for(DUE, 90, 0.2)
    assert (window.start, window.end) == (dt.date(2025, 3, 15), dt.date(2025, 4, 20))


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-19, "early"), (-18, "on_time"), (0, "on_time"), (18, "on_time"), (19, "late")],
)
def test_a_task_done_at_the_window_boundaries_is_classified(
    templates, patient, manager, offset, expected
):
    # given a task due on DUE with a ±18-day window
    _, task = plan_with_task(patient, start=START, due=DUE, actor=manager)
    assert (task.window_start, task.window_end) == (DUE - dt.timedelta(18), DUE + dt.timedelta(18))
    # when it is done `offset` days from its due date
    record(task, "continue", on=DUE + dt.timedelta(days=offset), actor=manager)
    # then its timing is
    task.refresh_from_db()
    assert (task.status, task.timing) == ("done", expected)
    assert classify_done(DUE + dt.timedelta(days=offset), task.window_start, task.window_end) == (
        expected
    )


def test_an_open_task_is_overdue_only_after_its_window_closes(templates, patient, manager):
    _, task = plan_with_task(patient, start=START, due=DUE, actor=manager)
    # on the last day of the window it is not overdue
    assert mark_overdue_tasks(today=DUE + dt.timedelta(days=18)) == 0
    assert FollowUpTask.objects.get(pk=task.pk).status == "pending"
    # the day after, it is
    assert mark_overdue_tasks(today=DUE + dt.timedelta(days=19)) == 1
    task.refresh_from_db()
    assert task.status == "overdue" and task.overdue_at is not None
    # an overdue task can still be done, and then counts as late
    record(task, "continue", on=DUE + dt.timedelta(days=20), actor=manager)
    task.refresh_from_db()
    assert (task.status, task.timing) == ("done", "late")
