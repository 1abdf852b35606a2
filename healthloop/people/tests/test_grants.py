"""Access beyond one's scope: time-limited grants with a reason and break-the-glass, honoured
by the access door and audited with purpose "grant" / "break-glass"."""

import datetime as dt

import pytest
from django.utils import timezone

from healthloop.audit.models import AuditAnomaly, AuditEvent
from healthloop.core.errors import NotFound
from healthloop.people.access import access_person, visible_persons
from healthloop.people.models import AccessGrant, BreakGlassAccess, StaffScope


@pytest.fixture
def staff(make_user, org):
    head = make_user("head", "dept_head")
    StaffScope.objects.create(staff=head, org_unit=org["refinery"])
    return {
        "admin": make_user("admin", "admin"),
        "head": head,
        "doctor": make_user("doctor", "doctor"),
        "nurse": make_user("nurse", "nurse"),
        "outreach": make_user("outreach", "outreach"),
        "employee": make_user("emp", "employee"),
    }


@pytest.fixture
def people(make_person, org):
    return {
        "worker": make_person("张工", org_unit=org["dept_a"], sex="male"),
        "clerk": make_person("李会计", org_unit=org["dept_b"], sex="female"),
    }


def _until(hours=8):
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


@pytest.mark.django_db
def test_an_administrator_grants_a_person_until_a_time_and_reads_are_audited_as_grant(
    api, staff, people
):
    doctor, worker = staff["doctor"], people["worker"]
    # given the doctor cannot see the worker
    assert not visible_persons(doctor).filter(pk=worker.pk).exists()
    assert api(doctor).get(f"/api/v1/people/persons/{worker.uuid}/").status_code == 404
    # when an administrator grants access for eight hours with a reason
    response = api(staff["admin"]).post(
        "/api/v1/people/access-grants/",
        {"grantee": "doctor", "person": str(worker.uuid), "valid_until": _until(),
         "reason": "会诊：心内科转诊"},
        format="json",
    )  # fmt: skip
    # then the doctor sees the worker, and the read is audited with purpose "grant"
    assert response.status_code == 201, response.json()
    grant_uuid = response.json()["uuid"]
    assert response.json()["active"] is True
    assert list(visible_persons(doctor)) == [worker]
    assert api(doctor).get(f"/api/v1/people/persons/{worker.uuid}/").status_code == 200
    event = AuditEvent.objects.filter(actor=doctor, action="person.viewed").get()
    assert (event.purpose, event.detail["grant"]) == ("grant", grant_uuid)
    assert event.detail["reason"] == "会诊：心内科转诊"
    granted = AuditEvent.objects.get(action="access.granted")
    assert (granted.actor, granted.person_uuid) == (staff["admin"], worker.uuid)
    # and when the grant expires the worker is out of scope again
    AccessGrant.objects.update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        access_person(doctor, worker.uuid)
    assert not visible_persons(doctor).exists()


@pytest.mark.django_db
def test_a_department_head_grants_an_org_unit_within_their_scope_only(api, staff, people, org):
    head, nurse = api(staff["head"]), staff["nurse"]
    body = {"grantee": "nurse", "valid_until": _until(), "reason": "夏季体检复查"}
    # when the head grants the refinery's department (under their scope)
    ok = head.post(
        "/api/v1/people/access-grants/", {**body, "org_unit": str(org["dept_a"].uuid)},
        format="json",
    )  # fmt: skip
    # then the nurse sees the persons of that department, not others
    assert ok.status_code == 201, ok.json()
    assert list(visible_persons(nurse)) == [people["worker"]]
    assert access_person(nurse, people["worker"].uuid).pk == people["worker"].pk
    with pytest.raises(NotFound):
        access_person(nurse, people["clerk"].uuid)
    # and a department outside the head's scope is refused
    refused = head.post(
        "/api/v1/people/access-grants/", {**body, "org_unit": str(org["dept_b"].uuid)},
        format="json",
    )  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (403, "grant_out_of_scope")
    # and a person outside it is "not found" to the head
    outside = head.post(
        "/api/v1/people/access-grants/", {**body, "person": str(people["clerk"].uuid)},
        format="json",
    )  # fmt: skip
    assert outside.status_code == 404
    # and the head lists only the grants they gave
    listed = head.get("/api/v1/people/access-grants/").json()["results"]
    assert [g["org_unit_name"] for g in listed] == ["常减压车间"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"grantee": "emp"}, "grant_bad_grantee", "grantee"),
        ({"valid_until": "past"}, "grant_bad_period", "valid_until"),
        ({"valid_until": "far"}, "grant_bad_period", "valid_until"),
        ({"reason": "  "}, "invalid", "reason"),
        ({"reason": "ok"}, "reason_required", "reason"),
        ({"person": None}, "grant_no_target", "person"),
    ],
)
def test_bad_grants_are_refused_with_a_code(api, staff, people, change, code, field):
    body = {"grantee": "doctor", "person": str(people["worker"].uuid), "valid_until": _until(),
            "reason": "会诊需要"}  # fmt: skip
    body.update(change)
    if body["valid_until"] == "past":
        body["valid_until"] = _until(-1)
    if body["valid_until"] == "far":
        body["valid_until"] = _until(24 * 31)
    response = api(staff["admin"]).post("/api/v1/people/access-grants/", body, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not AccessGrant.objects.exists()


@pytest.mark.django_db
def test_a_revoked_grant_ends_access_and_cannot_be_revoked_twice(api, staff, people):
    admin = api(staff["admin"])
    grant = admin.post(
        "/api/v1/people/access-grants/",
        {"grantee": "doctor", "person": str(people["worker"].uuid), "valid_until": _until(),
         "reason": "临时会诊"},
        format="json",
    ).json()  # fmt: skip
    assert visible_persons(staff["doctor"]).count() == 1
    url = f"/api/v1/people/access-grants/{grant['uuid']}/revoke/"
    assert admin.post(url).json()["active"] is False
    assert not visible_persons(staff["doctor"]).exists()
    again = admin.post(url)
    assert (again.status_code, again.json()["code"]) == (409, "grant_already_revoked")
    assert AuditEvent.objects.filter(action="access.revoked").count() == 1


@pytest.mark.django_db
def test_break_the_glass_allows_a_short_flagged_access_that_administrators_review(
    api, staff, people, settings
):
    settings.BREAK_GLASS_MINUTES = 30
    doctor, clerk = staff["doctor"], people["clerk"]
    # when the doctor declares an emergency for a person outside their scope
    response = api(doctor).post(
        "/api/v1/people/break-glass/",
        {"person": str(clerk.uuid), "reason": "急诊抢救，需查看既往病史"},
        format="json",
    )
    # then access is allowed at once for 30 minutes
    assert response.status_code == 201, response.json()
    body = response.json()
    access = BreakGlassAccess.objects.get()
    assert (access.expires_at - access.started_at) == dt.timedelta(minutes=30)
    assert api(doctor).get(f"/api/v1/people/persons/{clerk.uuid}/").status_code == 200
    # and flagged: the read is audited as break-glass and an anomaly waits for review
    viewed = AuditEvent.objects.get(actor=doctor, action="person.viewed")
    assert (viewed.purpose, viewed.detail["flagged"]) == ("break-glass", True)
    anomaly = AuditAnomaly.objects.get(kind="break_glass")
    assert (anomaly.status, anomaly.actor) == ("open", doctor)
    # and administrators list it and review it, which closes the anomaly
    admin = api(staff["admin"])
    pending = admin.get("/api/v1/people/break-glass/?review=pending").json()["results"]
    assert [(r["uuid"], r["user"], r["review"]) for r in pending] == [
        (body["uuid"], "doctor", "pending")
    ]
    reviewed = admin.post(
        f"/api/v1/people/break-glass/{body['uuid']}/review/",
        {"review": "justified", "note": "急诊记录已核实"},
        format="json",
    )
    assert reviewed.json()["review"] == "justified"
    anomaly.refresh_from_db()
    assert (anomaly.status, anomaly.reviewed_by) == ("dismissed", staff["admin"])
    twice = admin.post(
        f"/api/v1/people/break-glass/{body['uuid']}/review/",
        {"review": "unjustified", "note": "x"},
        format="json",
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "already_reviewed")
    # and once the window has passed the person is out of scope again
    BreakGlassAccess.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api(doctor).get(f"/api/v1/people/persons/{clerk.uuid}/").status_code == 404


@pytest.mark.django_db
def test_break_the_glass_needs_a_reason_a_permission_and_a_person_out_of_scope(api, staff, people):
    url = "/api/v1/people/break-glass/"
    worker = str(people["worker"].uuid)
    no_reason = api(staff["doctor"]).post(url, {"person": worker, "reason": "急"}, format="json")
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "reason_required")
    outreach = api(staff["outreach"]).post(url, {"person": worker, "reason": "急诊抢救"})
    assert outreach.status_code == 403
    in_scope = api(staff["head"]).post(url, {"person": worker, "reason": "急诊抢救"})
    assert (in_scope.status_code, in_scope.json()["code"]) == (409, "break_glass_not_needed")
    assert api(staff["doctor"]).get(url).status_code == 403
    assert not BreakGlassAccess.objects.exists()
