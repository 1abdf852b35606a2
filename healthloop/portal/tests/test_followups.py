"""My follow-ups: my own plans and contacts only, with labels, and nothing staff-private."""

import datetime as dt

import pytest

URL = "/api/v1/portal/followups/"


@pytest.fixture
def followups(roster, employee_of, make_user, catalog):
    """Both roster employees under management; the first has one done contact (continue),
    which scheduled the next, and the second has a task of their own."""
    from healthloop.followup.results import ResultInput, record_followup_result
    from healthloop.followup.services import create_plan
    from healthloop.followup.template_loader import load_templates

    load_templates(actor=None)
    person, other = roster
    from healthloop.people.models import PersonAssignment

    manager = make_user("hm-wang", "health_manager")
    PersonAssignment.objects.create(person=person, staff=manager)
    PersonAssignment.objects.create(person=other, staff=manager)
    today = dt.date.today()
    plan = create_plan(
        person=person, disease="hypertension", level="yellow", actor=manager, assignee=manager,
        first_due=today - dt.timedelta(days=2), today=today - dt.timedelta(days=10),
    )  # fmt: skip
    first = plan.tasks.get()
    first.talking_points = "只给医生看的要点"
    first.save(update_fields=["talking_points"])
    record_followup_result(
        task=first, data=ResultInput(outcome="continue", note="私密备注"), actor=manager
    )
    theirs = create_plan(person=other, disease="diabetes", level="red", actor=manager)
    return person, employee_of(person), manager, plan, first, theirs


@pytest.mark.django_db
def test_i_see_my_upcoming_and_past_followups(api, followups):
    from healthloop.audit.models import AuditEvent
    from healthloop.followup.models import Method

    person, user, _, plan, first, _ = followups
    answer = api(user).get(URL)
    assert answer.status_code == 200
    body = answer.json()
    assert [(p["uuid"], p["disease_label"]) for p in body["plans"]] == [(str(plan.uuid), "高血压")]
    (nxt,) = body["upcoming"]
    second = plan.tasks.exclude(pk=first.pk).get()
    assert nxt["uuid"] == str(second.uuid) and nxt["due_date"] == second.due_date.isoformat()
    assert (nxt["status"], nxt["status_label"], nxt["disease_label"]) == (
        "pending", "待执行", "高血压",
    )  # fmt: skip
    assert (nxt["method"], nxt["method_label"]) == (second.method, Method(second.method).label)
    (done,) = body["past"]
    assert done["uuid"] == str(first.uuid)
    assert (done["status"], done["outcome"], done["outcome_label"]) == (
        "done", "continue", "继续随访",
    )  # fmt: skip
    assert done["due_date"] == first.due_date.isoformat()
    assert done["completed_on"] == dt.date.today().isoformat()
    # nothing staff-private anywhere in the answer
    text = answer.content.decode()
    for private in ("只给医生看的要点", "私密备注", "hm-wang", "assignee", "talking_points"):
        assert private not in text
    assert (
        AuditEvent.objects.filter(
            action="portal.followups_viewed", person_uuid=person.uuid, actor_id=user.pk
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_another_employee_sees_only_their_own(api, followups, employee_of, roster):
    _, _, _, plan, _, theirs = followups
    _, other = roster
    body = api(employee_of(other)).get(URL).json()
    assert [p["uuid"] for p in body["plans"]] == [str(theirs.uuid)]
    assert [t["uuid"] for t in body["upcoming"]] == [str(theirs.tasks.get().uuid)]
    assert body["past"] == []
    assert str(plan.uuid) not in str(body)


@pytest.mark.django_db
def test_staff_are_refused_and_an_unlinked_employee_gets_not_linked(api, followups, make_user):
    _, _, manager, _, _, _ = followups
    for role in ("doctor", "health_manager", "admin"):
        user = manager if role == "health_manager" else make_user(f"staff-{role}", role)
        assert api(user).get(URL).status_code == 403
    lonely = api(make_user("emp-lonely", "employee")).get(URL)
    assert lonely.status_code == 404 and lonely.json()["code"] == "not_linked"
    assert api(None).get(URL).status_code in (401, 403)


@pytest.mark.django_db
def test_the_schema_describes_my_followups(api, make_user):
    schema = api(make_user("root", "admin")).get("/api/schema/?format=json")
    assert schema.status_code == 200
    doc = schema.json()
    op = doc["paths"]["/api/v1/portal/followups/"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    assert set(doc["components"]["schemas"][name]["properties"]) == {"plans", "upcoming", "past"}
    past = doc["components"]["schemas"]["PortalPastFollowUp"]["properties"]
    assert {"outcome", "outcome_label", "due_date", "status_label"} <= set(past)
