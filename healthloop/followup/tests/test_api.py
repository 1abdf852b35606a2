"""The follow-up API: lists by state and risk, recording, reassigning, plans, scope, roles."""

import datetime as dt

import pytest
from django.utils import timezone

from healthloop.assessment.models import RiskLevel
from healthloop.audit.models import AuditEvent
from healthloop.followup.models import FollowUpTask, TaskTransfer
from healthloop.followup.tests.factories import plan_with_task

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _level(person, disease, colour):
    RiskLevel.objects.create(person=person, disease=disease, colour=colour, label=colour,
                             rule_code="R", rule_version=1, digest="x")  # fmt: skip


def test_overdue_list_comes_sorted_by_risk_colour_then_oldest(
    api, templates, manager, make_person, org
):
    # given three overdue tasks of persons with green, red and no risk level, and one pending
    people = [make_person(n, sex="male", org_unit=org["dept_a"]) for n in ("甲", "乙", "丙", "丁")]
    day = TODAY()
    start = day - dt.timedelta(days=200)
    tasks = []
    for person, due_days_ago in zip(people, (100, 50, 120, 0), strict=True):
        _, task = plan_with_task(person, start=start, due=day - dt.timedelta(due_days_ago))
        tasks.append(task)
    _level(people[0], "hypertension", "green")
    _level(people[1], "hypertension", "red")
    FollowUpTask.objects.filter(pk__in=[t.pk for t in tasks[:3]]).update(status="overdue")
    # when the manager asks for the overdue list
    response = api(manager).get("/api/v1/followup/tasks/?view=overdue")
    # then red first, then green, then no level; the pending task is not listed
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["person"]["name"], r["risk_colour"]) for r in rows] == [
        ("乙", "red"), ("甲", "green"), ("丙", None),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="followup.tasks_listed").count() == 3


def test_my_tasks_today_lists_only_mine_and_due(
    api, templates, manager, operator, make_person, org
):
    day = TODAY()
    a, b, c = (make_person(n, sex="male", org_unit=org["dept_a"]) for n in ("甲", "乙", "丙"))
    plan_with_task(a, start=day, due=day, assignee=operator)
    plan_with_task(b, start=day, due=day + dt.timedelta(3), assignee=operator)
    plan_with_task(c, start=day, due=day, assignee=manager)
    rows = api(operator).get("/api/v1/followup/tasks/?view=today&mine=1").json()["results"]
    assert [r["person"]["name"] for r in rows] == ["甲"]


def test_record_a_result_through_the_api(api, templates, operator, patient):
    day = TODAY()
    _, task = plan_with_task(patient, start=day, due=day, assignee=operator)
    body = {"outcome": "continue", "note": "血压偏高", "measurements": [
        {"code": "SBP", "value": "146"}, {"code": "DBP", "value": "88"}]}  # fmt: skip
    response = api(operator).post(
        f"/api/v1/followup/tasks/{task.uuid}/results/", body, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["task"]["status"], data["task"]["timing"], data["record"]["outcome"]) == (
        "done", "on_time", "continue",
    )  # fmt: skip
    assert data["record"]["next_task"]["due_date"] == (day + dt.timedelta(14)).isoformat()
    assert data["record"]["next_task"]["shortened"] is True
    # a missing reason for ending management names the field
    nxt = data["record"]["next_task"]["uuid"]
    bad = api(operator).post(
        f"/api/v1/followup/tasks/{nxt}/results/", {"outcome": "end"}, format="json"
    )
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (
        400, "reason_required", "end_reason",
    )  # fmt: skip


def test_reassign_is_audited_and_only_to_someone_who_can_see_the_person(
    api, templates, manager, operator, make_user, patient
):
    day = TODAY()
    _, task = plan_with_task(patient, start=day, due=day + dt.timedelta(5), assignee=manager)
    url = f"/api/v1/followup/tasks/{task.uuid}/reassign/"
    outsider = make_user("op_far", "outreach")  # no scope: cannot see the patient
    refused = api(manager).post(url, {"assignee": "op_far", "reason": "休假"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_assignee")
    done = api(manager).post(url, {"assignee": "op_sun", "reason": "休假"}, format="json")
    assert done.status_code == 200 and done.json()["assignee"]["username"] == "op_sun"
    transfer = TaskTransfer.objects.get()
    assert (transfer.from_user, transfer.to_user, transfer.by, transfer.reason) == (
        manager, operator, manager, "休假",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="followup.task_reassigned").count() == 1
    assert outsider.pk  # the refused transfer left no trace
    assert TaskTransfer.objects.count() == 1


def test_operator_may_not_reassign_or_plan(api, templates, operator, patient):
    day = TODAY()
    _, task = plan_with_task(patient, start=day, due=day)
    client = api(operator)
    body = {"assignee": "op_sun", "reason": "x"}
    url = f"/api/v1/followup/tasks/{task.uuid}/reassign/"
    assert client.post(url, body, format="json").status_code == 403
    assert client.post("/api/v1/followup/plans/", {"person": str(patient.uuid),
                       "disease": "diabetes"}, format="json").status_code == 403  # fmt: skip
    assert client.get("/api/v1/followup/stats/").status_code == 403


def test_everything_outside_scope_is_not_found(api, templates, manager, stranger):
    # given a task of a person outside the manager's scope
    day = TODAY()
    plan, task = plan_with_task(stranger, start=day, due=day)
    client = api(manager)
    base = f"/api/v1/followup/tasks/{task.uuid}"
    # then every door answers 404 and nothing changes
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/start/").status_code == 404
    assert (
        client.post(f"{base}/results/", {"outcome": "continue"}, format="json").status_code == 404
    )
    assert client.post(f"{base}/reassign/", {"assignee": "hm_zhou", "reason": "x"},
                       format="json").status_code == 404  # fmt: skip
    assert client.get(f"/api/v1/followup/plans/{plan.uuid}/").status_code == 404
    assert client.post(f"/api/v1/followup/plans/{plan.uuid}/end/", {"reason": "x"},
                       format="json").status_code == 404  # fmt: skip
    assert client.get(f"/api/v1/followup/persons/{stranger.uuid}/tasks/").status_code == 404
    assert client.post("/api/v1/followup/plans/", {"person": str(stranger.uuid),
                       "disease": "obesity"}, format="json").status_code == 404  # fmt: skip
    assert client.get("/api/v1/followup/tasks/").json()["count"] == 0
    task.refresh_from_db()
    assert (task.status, task.records.count(), plan.status) == ("pending", 0, "active")


def test_plan_create_and_end_through_the_api(api, templates, manager, patient):
    client = api(manager)
    created = client.post("/api/v1/followup/plans/", {"person": str(patient.uuid),
                          "disease": "diabetes", "level": "red", "assignee": "hm_zhou"},
                          format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert (plan["source"], plan["assignee"]["username"], len(plan["open_tasks"])) == (
        "manual", "hm_zhou", 1,
    )  # fmt: skip
    again = client.post("/api/v1/followup/plans/", {"person": str(patient.uuid),
                        "disease": "diabetes"}, format="json")  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (400, "plan_exists")
    ended = client.post(f"/api/v1/followup/plans/{plan['uuid']}/end/", {"reason": "转专科管理"},
                        format="json")  # fmt: skip
    assert (ended.json()["status"], ended.json()["open_tasks"]) == ("ended", [])


def test_template_edit_is_kept_when_the_defaults_are_loaded_again(api, templates, make_user):
    from healthloop.followup.models import FollowUpTemplate
    from healthloop.followup.template_loader import load_templates

    admin = make_user("root", "admin")
    row = FollowUpTemplate.objects.get(disease="hypertension", level="yellow")
    response = api(admin).patch(f"/api/v1/followup/templates/{row.pk}/",
                                {"interval_days": 60}, format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["origin"] == "admin"
    bad = api(admin).patch(f"/api/v1/followup/templates/{row.pk}/",
                           {"method": "pigeon"}, format="json")  # fmt: skip
    assert (bad.status_code, bad.json()["field"]) == (400, "method")
    report = load_templates(actor=None)
    row.refresh_from_db()
    assert (row.interval_days, report.updated, report.created) == (60, [], [])
