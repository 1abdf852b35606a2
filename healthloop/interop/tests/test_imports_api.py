"""Import over HTTP: permissions, upload, history, detail, error report, template, worker
path, and the management command."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from healthloop.audit.models import AuditEvent
from healthloop.interop.models import ImportJob
from healthloop.interop.tests.factories import ID_MALE_1980, csv_bytes, good_rows, result_row
from healthloop.records.models import Observation

URL = "/api/v1/interop/imports/"


def _upload(client, content: bytes, *, name: str = "results.csv", mode: str = "valid_rows"):
    return client.post(
        URL, {"file": SimpleUploadedFile(name, content), "mode": mode}, format="multipart"
    )


@pytest.fixture
def huey_immediate():
    """Run Huey tasks in-process whatever HUEY_IMMEDIATE says."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


def test_an_employee_may_not_import_or_see_imports(api, make_user, catalog):
    # given
    employee = api(make_user("zhang", "employee"))
    # when
    responses = [
        _upload(employee, csv_bytes(good_rows())),
        employee.get(URL),
        employee.get(URL + "template.xlsx"),
    ]
    # then
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert ImportJob.objects.count() == 0


def test_anonymous_callers_are_refused(api):
    assert api().get(URL).status_code == 401


def test_a_doctor_imports_a_small_file_and_gets_the_outcome_at_once(api, importer, known_persons):
    # when
    response = _upload(api(importer), csv_bytes(good_rows()))
    # then
    assert response.status_code == 201
    body = response.json()
    assert {
        k: body[k]
        for k in (
            "status",
            "mode",
            "rows_total",
            "rows_imported",
            "rows_failed",
            "progress",
            "created_by_name",
            "errors_preview",
        )
    } == {
        "status": "succeeded",
        "mode": "valid_rows",
        "rows_total": 5,
        "rows_imported": 5,
        "rows_failed": 0,
        "progress": 100,
        "created_by_name": "dr_li",
        "errors_preview": [],
    }
    assert Observation.objects.count() == 5


def test_a_file_level_problem_answers_400_in_the_error_shape(api, importer, catalog):
    # when
    response = _upload(api(importer), b"", name="empty.csv")
    # then
    assert response.status_code == 400
    assert response.json() == {"error": "文件为空", "code": "empty_file", "field": "file"}
    assert ImportJob.objects.get().status == "failed"


def test_a_bad_mode_is_a_field_error(api, importer, catalog):
    # when
    response = _upload(api(importer), csv_bytes(good_rows()), mode="some")
    # then
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "mode")


def test_history_lists_own_jobs_newest_first_and_a_dept_head_sees_all(
    api, make_user, importer, known_persons
):
    # given
    other = make_user("dr_wu", "doctor")
    _upload(api(importer), csv_bytes(good_rows()[:1]), name="first.csv")
    _upload(api(other), csv_bytes(good_rows()[1:2]), name="other.csv")
    _upload(api(importer), csv_bytes(good_rows()[2:3]), name="second.csv")
    # when
    mine = api(importer).get(URL).json()
    everyone = api(make_user("head", "dept_head")).get(URL).json()
    # then
    assert mine["count"] == 2
    assert [(j["file_name"], j["rows_imported"]) for j in mine["results"]] == [
        ("second.csv", 1),
        ("first.csv", 1),
    ]
    assert [j["file_name"] for j in everyone["results"]] == ["second.csv", "other.csv", "first.csv"]


def test_another_doctors_job_is_not_found(api, make_user, importer, known_persons):
    # given
    job_uuid = _upload(api(importer), csv_bytes(good_rows())).json()["uuid"]
    stranger = api(make_user("dr_wu", "doctor"))
    # when
    responses = [stranger.get(f"{URL}{job_uuid}/"), stranger.get(f"{URL}{job_uuid}/errors.csv")]
    # then
    assert [r.status_code for r in responses] == [404, 404]


def test_error_report_downloads_as_excel_ready_csv(api, importer, known_persons):
    # given
    rows = [
        result_row("SBP", "900"),
        result_row("GLU", "5", id_number="110105198001010017"),
        result_row("GLU", '=HYPERLINK("x")', exam_no="T2"),
    ]
    client = api(importer)
    job_uuid = _upload(client, csv_bytes(rows)).json()["uuid"]
    # when
    response = client.get(f"{URL}{job_uuid}/errors.csv")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="import-errors-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[:3] + row[4:] for row in table] == [
        ["行号", "列", "值", "错误代码"],
        ["2", "结果", "900", "invalid_value"],
        ["3", "身份证号", "110***********0017", "invalid_identity"],
        ["4", "结果", '\'=HYPERLINK("x")', "invalid_value"],
    ]
    assert table[2][3] == "身份证号校验位错误：应为6"
    assert (
        AuditEvent.objects.filter(
            action="import.error_report_downloaded", object_id=job_uuid
        ).count()
        == 1
    )


def test_template_opens_with_openpyxl_and_lists_the_catalog(api, importer, catalog):
    # when
    response = api(importer).get(URL + "template.xlsx")
    # then
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["体检结果", "项目字典", "填写说明"]
    rows = list(book["体检结果"].iter_rows(values_only=True))
    assert rows[0] == (
        "身份证号",
        "工号",
        "姓名",
        "性别",
        "出生日期",
        "手机号",
        "部门",
        "体检日期",
        "体检编号",
        "项目代码",
        "项目名称",
        "结果",
        "单位",
        "参考范围",
    )
    assert rows[1][:3] == ("11010519491231002X", "E0001", "张三")
    items = {row[0]: row for row in book["项目字典"].iter_rows(min_row=2, values_only=True)}
    assert len(items) == len(catalog.by_id)
    assert items["SBP"][1:5:3] == ("收缩压", "mm[Hg]")


def test_the_filled_in_template_imports_and_its_example_rows_do_not(api, importer, known_persons):
    # given
    client = api(importer)
    book = load_workbook(io.BytesIO(client.get(URL + "template.xlsx").content))
    book["体检结果"].append(
        (
            ID_MALE_1980,
            "",
            "李四",
            "男",
            "",
            "",
            "",
            "2026-05-06",
            "TJ77",
            "",
            "空腹血糖",
            "5.6",
            "mmol/L",
            "3.9-6.1",
        )
    )
    buffer = io.BytesIO()
    book.save(buffer)
    # when
    body = _upload(client, buffer.getvalue(), name="filled.xlsx").json()
    # then
    assert (body["status"], body["rows_total"], body["rows_imported"]) == ("succeeded", 1, 1)
    glu = Observation.objects.get()
    assert (glu.person, glu.item.code, glu.ref_text) == (known_persons["lisi"], "GLU", "3.9-6.1")


def test_a_large_file_runs_in_the_worker_stored_encrypted_meanwhile(
    api,
    importer,
    known_persons,
    settings,
    tmp_path,
    huey_immediate,
    django_capture_on_commit_callbacks,
):
    # given
    settings.IMPORT_SYNC_MAX_BYTES = 10
    settings.MEDIA_ROOT = tmp_path
    client = api(importer)
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        queued = _upload(client, csv_bytes(good_rows()))
        stored = [p.read_bytes() for p in tmp_path.rglob("*.sealed")]
    for callback in callbacks:
        callback()
    # then
    assert (queued.status_code, queued.json()["status"], queued.json()["progress"]) == (
        202,
        "queued",
        0,
    )
    assert len(stored) == 1 and ID_MALE_1980.encode() not in stored[0]
    done = client.get(f"{URL}{queued.json()['uuid']}/").json()
    assert (done["status"], done["rows_processed"], done["progress"]) == ("succeeded", 5, 100)
    assert list(tmp_path.rglob("*.sealed")) == []
    assert Observation.objects.count() == 5


def test_management_command_imports_and_writes_the_error_report(importer, known_persons, tmp_path):
    # given
    source = tmp_path / "results.csv"
    source.write_bytes(csv_bytes([*good_rows(), result_row("SBP", "900", exam_no="T9")]))
    report = tmp_path / "errors.csv"
    out = io.StringIO()
    # when
    call_command(
        "import_results",
        str(source),
        "--mode",
        "valid_rows",
        "--user",
        "dr_li",
        "--errors-out",
        str(report),
        stdout=out,
    )
    # then
    assert out.getvalue().startswith("status=partial rows_total=6 rows_imported=5 ")
    assert report.read_bytes().decode("utf-8-sig").splitlines()[1].startswith("7,结果,900,")
    assert ImportJob.objects.get().created_by == importer


def test_the_job_records_progress_while_validating(run_import, known_persons, settings):
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.IMPORT_PROGRESS_EVERY = 2
    # when
    with CaptureQueriesContext(connection) as queries:
        job = run_import(csv_bytes(good_rows()))
    # then
    progress = [q for q in queries if re.search(r"SET [`\"]?rows_processed[`\"]? =", q["sql"])]
    assert len(progress) == 2  # after rows 2 and 4 of 5
    assert (job.rows_processed, job.rows_total) == (5, 5)


def test_query_count_does_not_grow_with_the_number_of_results(run_import, known_persons):
    # given: the same two persons and exams, 2 results or 20 results
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    items = ["SBP", "DBP", "GLU", "WEIGHT", "HEIGHT", "TC", "TG", "ALT", "AST", "PULSE"]
    values = {"SBP": "120", "DBP": "80", "GLU": "5", "WEIGHT": "60", "HEIGHT": "170",
              "TC": "4.5", "TG": "1.2", "ALT": "20", "AST": "20", "PULSE": "70"}  # fmt: skip

    def rows(codes, exam):
        return [
            result_row(c, values[c], exam_no=f"{exam}{who}", id_number=id_number, name=name)
            for who, (id_number, name) in enumerate(
                [(known_persons["lisi"].id_number, "李四"),
                 (known_persons["wangfang"].id_number, "王芳")])
            for c in codes
        ]  # fmt: skip

    # when
    with CaptureQueriesContext(connection) as small:
        run_import(csv_bytes(rows(items[:1], "A")))
    with CaptureQueriesContext(connection) as large:
        run_import(csv_bytes(rows(items, "B")))
    # then
    assert Observation.objects.count() == 2 + 20
    assert len(large) == len(small)
