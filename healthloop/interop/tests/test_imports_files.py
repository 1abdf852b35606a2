"""Import: file formats, encodings, layouts and file-level errors (nothing half-written)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from healthloop.interop.imports.errors import FileProblem
from healthloop.interop.models import ImportJob
from healthloop.interop.tests.factories import (
    EN_HEADER,
    ID_FEMALE_1949,
    ID_MALE_1980,
    csv_bytes,
    good_rows,
    result_row,
    xlsx_bytes,
)
from healthloop.people.models import Person
from healthloop.records.models import Encounter, Observation, PendingAssessment


def _values(person: Person) -> dict[str, Decimal | str]:
    return {
        o.item.code: (o.value_num if o.value_num is not None else o.value_code)
        for o in Observation.objects.filter(person=person).select_related("item")
    }


def test_good_csv_writes_encounters_observations_and_pending_assessments(run_import, known_persons):
    # given
    content = csv_bytes(good_rows())
    # when
    job = run_import(content)
    # then
    assert (job.status, job.file_format, job.encoding, job.layout) == (
        "succeeded",
        "csv",
        "utf-8",
        "long",
    )
    assert (job.rows_total, job.rows_imported, job.rows_duplicate, job.rows_failed) == (5, 5, 0, 0)
    assert (job.observations_created, job.encounters_created, job.persons_touched) == (5, 2, 2)
    assert _values(known_persons["lisi"]) == {
        "SBP": Decimal("128"),
        "DBP": Decimal("82"),
        "GLU": Decimal("5.3"),
    }
    encounter = Encounter.objects.get(source_id="TJ2026001")
    assert (encounter.person, encounter.kind, encounter.source_system) == (
        known_persons["lisi"],
        "exam",
        "file_import",
    )
    assert timezone.localtime(encounter.occurred_at).isoformat() == "2026-05-06T00:00:00+08:00"
    sbp = Observation.objects.get(person=known_persons["wangfang"], item__code="SBP")
    assert (sbp.unit, sbp.flag, sbp.source_key) == ("mm[Hg]", "H", "file_import:TJ2026002:SBP")
    assert set(PendingAssessment.objects.values_list("person_id", flat=True)) == {
        known_persons["lisi"].pk,
        known_persons["wangfang"].pk,
    }


def test_gbk_csv_with_chinese_headers_and_names_is_detected_and_read(run_import, known_persons):
    # given: what a Chinese HIS exports by default
    content = csv_bytes(good_rows(), encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    # when
    job = run_import(content)
    # then
    assert (job.status, job.encoding, job.observations_created) == ("succeeded", "gb18030", 5)
    assert _values(known_persons["wangfang"]) == {"SBP": Decimal("142"), "WEIGHT": Decimal("61.5")}


def test_utf8_csv_with_bom_and_english_headers_is_read(run_import, known_persons):
    # given
    content = csv_bytes(good_rows(), header=EN_HEADER, encoding="utf-8-sig")
    # when
    job = run_import(content)
    # then
    assert (job.status, job.encoding, job.observations_created) == ("succeeded", "utf-8-sig", 5)


def test_xlsx_with_a_title_row_is_read_and_rows_are_numbered_as_excel_shows_them(
    run_import, known_persons
):
    # given: a title line above the header, numbers as numbers, a date as a date
    rows = [list(r) for r in good_rows()]
    rows[0][5] = dt.datetime(2026, 5, 6)
    rows[0][8] = 128
    rows[1][8] = 990  # row 4 in Excel: title (1), header (2), first data row (3)
    # when
    job = run_import(
        xlsx_bytes(rows, title_rows=[("2026年度职工体检结果",)]),
        name="结果.xlsx",
        mode="valid_rows",
    )
    # then
    assert (job.status, job.file_format, job.rows_total, job.rows_imported) == (
        "partial",
        "xlsx",
        5,
        4,
    )
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [(4, "结果", "990")]
    assert _values(known_persons["lisi"]) == {"SBP": Decimal("128"), "GLU": Decimal("5.3")}


def test_xlsx_id_number_stored_as_a_number_is_reported_not_guessed(run_import, known_persons):
    # given: Excel turned the 18-digit ID into a float and lost its last digits
    row = list(result_row("GLU", 5.3))
    row[0] = 110105198001010016
    # when
    job = run_import(xlsx_bytes([row]), name="r.xlsx")
    # then
    assert job.status == "rejected"
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (2, "身份证号", "invalid_identity")
    ]
    assert job.errors[0]["reason"].startswith("身份证号在Excel中被存为数字")
    assert Observation.objects.count() == 0


def test_wide_layout_has_one_row_per_exam_and_one_column_per_item(run_import, known_persons):
    # given: item columns by code, by alias with unit, by Chinese name with a unit in brackets
    header = (
        "身份证号",
        "姓名",
        "体检日期",
        "体检编号",
        "SBP",
        "舒张压(mmHg)",
        "空腹血糖(mg/dL)",
        "序号",
    )
    rows = [
        (ID_MALE_1980, "李四", "2026/5/6", "TJ9", "128", "82", "99", "1"),
        (ID_FEMALE_1949, "王芳", "2026年5月7日", "TJ10", "142", "", "", "2"),
    ]
    # when
    job = run_import(csv_bytes(rows, header=header))
    # then
    assert (job.status, job.layout, job.rows_imported, job.observations_created) == (
        "succeeded",
        "wide",
        2,
        4,
    )
    assert _values(known_persons["lisi"]) == {
        "SBP": Decimal("128"),
        "DBP": Decimal("82"),
        "GLU": Decimal("5.4945"),
    }
    assert _values(known_persons["wangfang"]) == {"SBP": Decimal("142")}


def test_wide_layout_with_an_unknown_column_is_a_file_error(run_import, known_persons):
    # given: a misspelt item would silently lose its results
    header = ("身份证号", "姓名", "体检日期", "体检编号", "SBP", "收缩呀")
    # when
    with pytest.raises(FileProblem) as caught:
        run_import(
            csv_bytes([(ID_MALE_1980, "李四", "2026-05-06", "TJ9", "128", "1")], header=header)
        )
    # then
    assert caught.value.code == "unknown_columns"
    assert caught.value.message.startswith("无法识别的列：收缩呀。")
    assert Observation.objects.count() == 0


def test_wrong_header_names_what_is_missing_and_what_was_found(run_import, known_persons):
    # given
    header = ("证件", "姓名", "日期", "体检编号", "项目代码", "结果")
    # when
    with pytest.raises(FileProblem) as caught:
        run_import(csv_bytes([("x", "李四", "2026-05-06", "TJ1", "SBP", "120")], header=header))
    # then
    assert (caught.value.code, caught.value.field) == ("missing_columns", "file")
    assert caught.value.message == (
        "缺少必需的列：身份证号或工号、体检日期。文件第1行的列为：证件、姓名、日期、体检编号、项目代码、结果"
    )
    job = ImportJob.objects.get()
    assert (job.status, job.error_code) == ("failed", "missing_columns")
    assert Observation.objects.count() == Encounter.objects.count() == 0


def test_long_layout_ignores_unknown_columns_with_a_warning(run_import, known_persons):
    # given
    header = (*EN_HEADER, "总检医生")
    rows = [(*good_rows()[0], "赵医生")]
    # when
    job = run_import(csv_bytes(rows, header=header))
    # then
    assert (job.status, job.observations_created) == ("succeeded", 1)
    assert job.warnings == ["已忽略无法识别的列：总检医生"]


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"", "empty_file", "文件为空"),
        (b"\r\n  \r\n", "empty_file", "文件为空"),
        (csv_bytes([]), "no_data_rows", "文件只有表头，没有数据行"),
    ],
)
def test_empty_or_header_only_file_is_a_file_error(run_import, content, code, message):
    # when
    with pytest.raises(FileProblem) as caught:
        run_import(content)
    # then
    assert (caught.value.code, caught.value.message) == (code, message)
    assert ImportJob.objects.get().status == "failed"


def test_file_over_the_size_limit_is_refused_unread(run_import, settings):
    # given
    settings.IMPORT_MAX_BYTES = 1024
    # when
    with pytest.raises(FileProblem) as caught:
        run_import(b"x" * 2048)
    # then
    assert caught.value.code == "file_too_large"
    assert caught.value.message == "文件大小2KB超过上限1KB，请拆分后分批导入"


def test_file_over_the_row_limit_is_refused_and_nothing_is_written(
    run_import, known_persons, settings
):
    # given
    settings.IMPORT_MAX_ROWS = 3
    # when
    with pytest.raises(FileProblem) as caught:
        run_import(csv_bytes(good_rows()))
    # then
    assert (caught.value.code, caught.value.message) == (
        "too_many_rows",
        "文件超过3行数据的上限，请拆分后分批导入",
    )
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "unsupported_format"),
        ("page.xls", b"<html><table><tr><td>1</td></tr></table></html>", "unsupported_format"),
        ("scan.pdf", b"%PDF-1.4 ...", "unsupported_format"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "unreadable_file"),
        ("binary.csv", bytes(range(128, 256)) * 4, "unreadable_encoding"),
    ],
)
def test_unreadable_or_unsupported_files_are_file_errors(run_import, name, content, code):
    # when
    with pytest.raises(FileProblem) as caught:
        run_import(content, name=name)
    # then
    assert caught.value.code == code
