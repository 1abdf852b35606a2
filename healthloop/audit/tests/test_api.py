"""The administrators' audit API: search, export (CSV/Excel), verification, anomaly review;
and the person-facing access history."""

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from healthloop.audit.models import AuditAnomaly, AuditEvent
from healthloop.audit.selectors import person_access_log
from healthloop.audit.services import raise_anomaly, record_event


@pytest.fixture
def trail(make_user):
    doctor = make_user("dr_wang", "doctor", department="心内科")
    nurse = make_user("nurse_li", "nurse", department="健康管理中心")
    employee = make_user("emp", "employee")
    person = uuid.uuid4()
    record_event(actor=doctor, action="person.viewed", person_uuid=person, purpose="随访")
    record_event(actor=nurse, action="record.viewed", person_uuid=person, fields=["sbp"])
    record_event(actor=employee, action="person.viewed", person_uuid=person)
    record_event(actor=doctor, action="person.viewed", person_uuid=uuid.uuid4())
    return {"doctor": doctor, "nurse": nurse, "employee": employee, "person": person}


@pytest.mark.django_db
def test_admin_searches_by_person_and_action_prefix_and_the_search_is_audited(
    api, make_user, trail
):
    admin = make_user("root", "admin")
    # when
    response = api(admin).get(
        "/api/v1/audit/events/", {"person": str(trail["person"]), "action": "person."}
    )
    # then
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [(r["actor_username"], r["action"]) for r in rows] == [
        ("emp", "person.viewed"),
        ("dr_wang", "person.viewed"),
    ]
    assert rows[1]["purpose"] == "随访" and rows[1]["actor_department"] == "心内科"
    assert AuditEvent.objects.filter(action="audit.searched", actor=admin).count() == 1


@pytest.mark.parametrize("role", ["doctor", "dept_head", "nurse", "employee", "reception"])
@pytest.mark.django_db
def test_only_administrators_read_the_audit_trail(api, make_user, trail, role):
    user = make_user(f"u_{role}", role)
    assert api(user).get("/api/v1/audit/events/").status_code == 403
    assert api(user).get("/api/v1/audit/events/export/").status_code == 403
    assert api(user).get("/api/v1/audit/anomalies/").status_code == 403


@pytest.mark.django_db
def test_bad_filters_answer_with_the_error_shape(api, make_user, trail):
    admin = make_user("root", "admin")
    response = api(admin).get("/api/v1/audit/events/", {"since": "yesterday"})
    assert response.status_code == 400
    assert response.json()["field"] == "since" and response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_csv_export_holds_the_filtered_rows_and_is_itself_audited(api, make_user, trail):
    admin = make_user("root", "admin")
    # when
    response = api(admin).get("/api/v1/audit/events/export/", {"actor": "dr_wang"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "时间", "操作人"]
    assert [r[2] for r in rows[1:]] == ["dr_wang", "dr_wang"]
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.detail["rows"] == 2 and exported.detail["filters"] == {"actor": "dr_wang"}


@pytest.mark.django_db
def test_excel_export_opens_with_the_same_rows(api, make_user, trail):
    admin = make_user("root", "admin")
    response = api(admin).get(
        "/api/v1/audit/events/export/", {"file_type": "xlsx", "role": "nurse"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][2] == "操作人"
    assert [(v[2], v[6], v[9]) for v in values[1:]] == [("nurse_li", "record.viewed", "sbp")]


@pytest.mark.django_db
def test_exported_cells_cannot_smuggle_spreadsheet_formulas(api, make_user):
    admin = make_user("root", "admin")
    record_event(actor=None, action="x.done", purpose='=HYPERLINK("http://evil")')
    response = api(admin).get("/api/v1/audit/events/export/", {"action": "x."})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][10] == '\'=HYPERLINK("http://evil")'


@pytest.mark.django_db
def test_verify_endpoint_reports_the_chain_state(api, make_user, trail):
    admin = make_user("root", "admin")
    body = api(admin).get("/api/v1/audit/verify/").json()
    assert body == {
        "ok": True, "checked": 4, "head_seq": 4, "sealed": 4, "unsealed": 0, "problems": [],
    }  # fmt: skip


@pytest.mark.django_db
def test_an_anomaly_is_reviewed_once_with_a_note(api, make_user, trail):
    admin = make_user("root", "admin")
    anomaly, _ = raise_anomaly(
        kind=AuditAnomaly.Kind.OFF_HOURS, actor=trail["doctor"], actor_username="dr_wang",
        window_key="2026-01-01", summary="night access",
    )  # fmt: skip
    client = api(admin)
    url = f"/api/v1/audit/anomalies/{anomaly.pk}/review/"
    # a note is required
    missing = client.post(url, {"status": "dismissed", "note": ""}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "note"
    # when
    done = client.post(url, {"status": "dismissed", "note": "on call"}, format="json")
    # then
    assert done.status_code == 200
    assert done.json()["status"] == "dismissed" and done.json()["reviewed_by"] == "root"
    again = client.post(url, {"status": "confirmed", "note": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "audit_already_reviewed"
    listed = client.get("/api/v1/audit/anomalies/", {"status": "dismissed"}).json()
    assert [a["id"] for a in listed["results"]] == [anomaly.pk]
    assert AuditEvent.objects.filter(action="audit.anomaly_reviewed").count() == 1


@pytest.mark.django_db
def test_the_person_sees_role_and_department_but_no_staff_names(trail):
    # when
    log = person_access_log(trail["person"])
    # then: staff access only (the person's own view is left out), newest first
    assert [(e["action"], e["actor_role"], e["actor_department"]) for e in log] == [
        ("record.viewed", "nurse", "健康管理中心"),
        ("person.viewed", "doctor", "心内科"),
    ]
    assert all("actor_username" not in e and "actor" not in e for e in log)
