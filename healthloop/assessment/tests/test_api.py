"""The assessment API: scoping on every endpoint (the matrix is data), findings and register
filters, manual inclusion with history, the Excel export, the report and its query count."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from openpyxl import load_workbook

from healthloop.assessment import urls
from healthloop.assessment.engine.run import screen_persons
from healthloop.assessment.models import Finding, RegisterEntry
from healthloop.assessment.tests.factories import add_smoking, days_ago, record_exam
from healthloop.audit.models import AuditEvent
from healthloop.audit.testing import own_queries
from healthloop.people.models import Person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/assessment"


@pytest.fixture
def screened(rules, patient, stranger):
    """The patient (in the doctor's scope) and the stranger (out of it), both screened with
    raised blood pressure and a critical potassium."""
    for person in (patient, stranger):
        add_smoking(person, "never")
        record_exam(person, when=days_ago(400), SBP=150, DBP=95)
        record_exam(person, SBP=158, DBP=96, K=6.4)
    screen_persons([patient.pk, stranger.pk])
    return patient, stranger


@pytest.fixture
def employee(make_user, patient):
    user = make_user("wjg", "employee")
    patient.user = user
    patient.save(update_fields=["user"])
    return user


# (name, method, url, body) — {p}: the person's uuid
ENDPOINTS = [
    ("finding-list", "get", BASE + "/findings/?person={p}", None),
    ("person-risk-levels", "get", BASE + "/persons/{p}/risk-levels/", None),
    ("person-assessments", "get", BASE + "/persons/{p}/assessments/", None),
    ("person-report", "get", BASE + "/persons/{p}/report/", None),
    ("person-trends", "get", BASE + "/persons/{p}/trends/", None),
    ("person-registers", "get", BASE + "/persons/{p}/registers/", None),
    ("person-registers", "post", BASE + "/persons/{p}/registers/",
     {"disease": "obesity", "status": "included", "reason": "腰围明显超标"}),
    ("person-questionnaires", "post", BASE + "/persons/{p}/questionnaires/",
     {"instrument": "gad7", "answers": [1, 1, 1, 0, 0, 1, 0]}),
]  # fmt: skip
# (name, method, url) of the endpoints without a person in the URL
LISTS = [
    ("finding-list", "get", BASE + "/findings/"),
    ("register-list", "get", BASE + "/registers/"),
    ("register-summary", "get", BASE + "/registers/summary/"),
    ("register-export", "get", BASE + "/registers/export/"),
    ("key-indicators", "get", BASE + "/indicators/"),
]
ADMIN_ONLY = [
    ("rule-list", "get", BASE + "/rules/"),
    ("rule-detail", "get", BASE + "/rules/CRIT_K/"),
    ("rule-version-create", "post", BASE + "/rules/CRIT_K/versions/"),
    ("rule-dry-run", "post", BASE + "/rules/CRIT_K/versions/1/dry-run/"),
    ("rule-publish", "post", BASE + "/rules/CRIT_K/versions/1/publish/"),
    ("rule-retire", "post", BASE + "/rules/CRIT_K/retire/"),
    ("screening-run-list", "get", BASE + "/screening-runs/"),
    ("screening-run-detail", "get", BASE + "/screening-runs/1/"),
]
# who → (status for the patient, status for the stranger), per method
MATRIX = {
    "doctor": {"get": (200, 404), "post": ((200, 201), 404)},
    "employee": {"get": (200, 404), "post": (403, 403)},
    "admin": {"get": (403, 403), "post": (404, 404)},
}


def test_every_assessment_url_is_in_the_matrix():
    names = {p.name for p in urls.urlpatterns if str(p.pattern).startswith("assessment/")}
    covered = {e[0] for e in ENDPOINTS} | {e[0] for e in LISTS} | {e[0] for e in ADMIN_ONLY}
    assert names == covered
    assert get_resolver().reverse("finding-list") == "api/v1/assessment/findings/"


@pytest.mark.parametrize("who", sorted(MATRIX))
@pytest.mark.parametrize(("name", "method", "url", "body"), ENDPOINTS)
def test_person_endpoints_answer_only_within_scope(
    api, screened, doctor, employee, admin_user, who, name, method, url, body
):
    # given
    patient, stranger = screened
    client = api({"doctor": doctor, "employee": employee, "admin": admin_user}[who])
    entries = RegisterEntry.objects.count()
    expected_in, expected_out = MATRIX[who][method]
    # when
    inside = getattr(client, method)(url.format(p=patient.uuid), body, format="json")
    outside = getattr(client, method)(url.format(p=stranger.uuid), body, format="json")
    # then
    allowed = expected_in if isinstance(expected_in, tuple) else (expected_in,)
    assert inside.status_code in allowed, (name, inside.content[:200])
    assert outside.status_code == expected_out, name
    if method == "post" and name == "person-registers":
        assert RegisterEntry.objects.count() == entries + (who == "doctor")
        assert not RegisterEntry.objects.filter(person=stranger, disease="obesity").exists()


@pytest.mark.parametrize(("name", "method", "url"), LISTS)
def test_lists_contain_only_persons_in_scope(api, screened, doctor, employee, name, method,
                                            url):  # fmt: skip
    patient, _stranger = screened
    for user, allowed in ((doctor, {patient.name}), (employee, {patient.name})):
        response = api(user).get(url)
        assert response.status_code == 200, name
        if name == "register-export":
            sheet = load_workbook(io.BytesIO(response.content)).active
            names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        elif name == "key-indicators":  # counts only: the patient, never the stranger
            sbp = next(i for i in response.json()["indicators"] if i["code"] == "sbp_high")
            assert max(point["examined"] for point in sbp["series"]) == 1
            continue
        elif name == "register-summary":
            counts = sum(row["n"] for row in response.json())
            assert counts == RegisterEntry.objects.filter(person=patient).count()
            continue
        else:
            names = {row["person_name"] for row in response.json()["results"]}
        assert names == allowed, name


@pytest.mark.parametrize(("name", "method", "url"), ADMIN_ONLY)
def test_rule_and_run_endpoints_are_for_administrators(api, rules, doctor, employee, name,
                                                      method, url):  # fmt: skip
    for user in (doctor, employee):
        assert getattr(api(user), method)(url, {}, format="json").status_code == 403, name
    assert api().get(url).status_code == 401


def test_findings_filter_by_severity_rule_and_status(api, screened, doctor):
    patient, _ = screened
    client = api(doctor)
    critical = client.get(f"{BASE}/findings/?severity=critical").json()["results"]
    assert [(f["rule_code"], f["person_name"]) for f in critical] == [("CRIT_K", patient.name)]
    by_rule = client.get(f"{BASE}/findings/?rule=THR_BP_HIGH&status=open").json()["results"]
    assert [f["evidence"][0]["value"] for f in by_rule] == [158]
    resolved = client.get(f"{BASE}/findings/?rule=THR_BP_HIGH&status=resolved").json()
    assert resolved["count"] == 0
    bad = client.get(f"{BASE}/findings/?severity=urgent")
    assert (bad.status_code, bad.json()["field"]) == (400, "severity")


def test_listing_findings_is_audited_per_person(api, screened, doctor):
    patient, _ = screened
    api(doctor).get(f"{BASE}/findings/")
    events = AuditEvent.objects.filter(action="finding.listed")
    assert list(events.values_list("person_uuid", flat=True)) == [patient.uuid]


def test_registers_filter_by_disease_level_unit_age_band_and_sex(api, screened, doctor, org):
    patient, _ = screened
    client = api(doctor)
    query = (f"{BASE}/registers/?disease=hypertension&status=included&sex=male"
             f"&age_band=60-74&org_unit={org['refinery'].uuid}")  # fmt: skip
    rows = client.get(query).json()["results"]
    assert [(r["person_name"], r["disease"], r["age"]) for r in rows] == [
        (patient.name, "hypertension", 60)
    ]  # fmt: skip
    assert client.get(query.replace("60-74", "18-44")).json()["count"] == 0
    assert client.get(query.replace("sex=male", "sex=female")).json()["count"] == 0
    level = rows[0]["level"]
    assert client.get(f"{BASE}/registers/?disease=hypertension&level={level}").json()["count"] == 1
    bad = client.get(f"{BASE}/registers/?age_band=old")
    assert (bad.status_code, bad.json()["field"]) == (400, "age_band")


def test_manual_inclusion_keeps_its_reason_in_the_history(api, screened, doctor):
    patient, _ = screened
    client = api(doctor)
    # when
    response = client.post(f"{BASE}/persons/{patient.uuid}/registers/", {
        "disease": "obesity", "status": "included", "reason": "腰围明显超标，体重快速增加"
    }, format="json")  # fmt: skip
    # then
    assert response.status_code == 200
    assert (response.json()["source"], response.json()["status"]) == ("manual", "included")
    entries = client.get(f"{BASE}/persons/{patient.uuid}/registers/").json()
    obesity = next(e for e in entries if e["disease"] == "obesity")
    assert [(h["status"], h["source"], h["reason"], h["actor"]) for h in obesity["history"]] == [
        ("included", "manual", "腰围明显超标，体重快速增加", str(doctor))
    ]  # fmt: skip
    missing_reason = client.post(
        f"{BASE}/persons/{patient.uuid}/registers/",
        {"disease": "obesity", "status": "excluded", "reason": ""},
        format="json",
    )
    assert (missing_reason.status_code, missing_reason.json()["field"]) == (400, "reason")


def test_the_register_export_is_an_excel_file_of_the_filtered_entries(api, screened, doctor):
    patient, _ = screened
    response = api(doctor).get(f"{BASE}/registers/export/?disease=hypertension")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("姓名", "性别", "年龄", "工号", "部门", "病种", "状态")
    assert [r[:3] + r[4:7] for r in rows[1:]] == [
        (patient.name, "男", 60, "常减压车间", "高血压", "在册")
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="register.exported").count() == 1


def test_a_bad_questionnaire_answer_is_a_400_naming_the_field(api, screened, doctor):
    patient, _ = screened
    response = api(doctor).post(
        f"{BASE}/persons/{patient.uuid}/questionnaires/",
        {"instrument": "phq9", "answers": [0, 1, 2]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "answers"


# auth token lookup is not used (forced auth): access (person + audit insert), observations,
# assessments, risk levels, registers, findings, finding counts, plus the audit savepoint
REPORT_QUERIES = 8  # plus the audit append (a few queries: the hash chain)


def _report_queries(client, patient):
    """(the report, the number of queries outside the audit trail, all queries)."""
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"{BASE}/persons/{patient.uuid}/report/").json()
    own = own_queries(queries.captured_queries)
    return body, len(own), len(queries.captured_queries)


def test_the_report_has_every_section_with_a_fixed_number_of_queries(api, screened, doctor):
    patient, _ = screened
    client = api(doctor)
    doctor.permission_codes()  # read once per user object, i.e. once per request
    small, own, total = _report_queries(client, patient)
    assert own == REPORT_QUERIES
    # a longer record and more findings: the same number of queries
    for days in (800, 1200, 1600):
        record_exam(patient, when=days_ago(days), SBP=140, GLU=6.5)
    record_exam(patient, when=days_ago(2), SBP=182, HGB=58, K=6.6, LDCT_CONCLUSION="右肺结节约9mm")
    screen_persons([patient.pk])
    body, own_after, total_after = _report_queries(client, patient)
    assert (own_after, total_after) == (own, total)
    assert set(body) == {"person", "as_of", "summary", "abnormal_items", "models",
                         "risk_levels", "comparison", "findings", "advice"}  # fmt: skip
    assert len(body["findings"]) > len(small["findings"])
    assert body["person"]["age"] == 60
    hgb = next(i for i in body["abnormal_items"] if i["item"] == "HGB")
    assert (hgb["value"], hgb["flag"], hgb["ref_low"], hgb["ref_high"]) == (
        58.0,
        "LL",
        130.0,
        175.0,
    )
    assert body["findings"][0]["severity"] == "critical"
    sbp = next(c for c in body["comparison"] if c["item"] == "SBP")
    assert (sbp["current"]["value"], sbp["previous"]["value"]) == (182.0, 150.0)  # by year
    china_par = next(m for m in body["models"] if m["model"] == "china_par")
    assert china_par["status"] == "complete" and china_par["basis"]
    assert all(f["advice"] in body["advice"] for f in body["findings"] if f["advice"])
    assert Person.objects.get(pk=patient.pk).uuid == patient.uuid


def test_risk_levels_and_assessments_of_a_person(api, screened, doctor):
    patient, _ = screened
    levels = api(doctor).get(f"{BASE}/persons/{patient.uuid}/risk-levels/").json()
    assert {lv["disease"]: lv["colour"] for lv in levels}["major_finding"] == "red"
    models = api(doctor).get(f"{BASE}/persons/{patient.uuid}/assessments/").json()
    assert {m["model"] for m in models} >= {"china_par", "htn_risk_2018", "ckd_epi_2021"}
    assert Finding.objects.filter(person=patient, status="open").exists()
