"""Import: row validation, modes, duplicates, person matching and creation."""

import datetime as dt

import pytest

from healthloop.audit.models import AuditEvent
from healthloop.interop.models import ImportJob
from healthloop.interop.tests.factories import (
    ID_FEMALE_1949,
    ID_MALE_1965,
    csv_bytes,
    good_rows,
    result_row,
)
from healthloop.people.models import Person
from healthloop.records.models import Encounter, Observation, PendingAssessment


def _report(job) -> list[tuple]:
    return [(e["row"], e["column"], e["value"], e["code"]) for e in job.errors]


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Encounter.objects.count(), Observation.objects.count()


def test_invalid_id_number_is_reported_with_row_column_and_masked_value(run_import, known_persons):
    # given: the check digit of 110105198001010016 altered
    rows = [*good_rows(), result_row("GLU", "5.1", id_number="110105198001010017", exam_no="TJ3")]
    # when
    job = run_import(csv_bytes(rows))
    # then
    assert job.status == "rejected"
    assert _report(job) == [(7, "身份证号", "110***********0017", "invalid_identity")]
    assert job.errors[0]["reason"] == "身份证号校验位错误：应为6"


def test_impossible_values_are_rejected_naming_row_and_column(run_import, known_persons):
    # given: a systolic pressure of 900 and a negative weight
    rows = [
        result_row("SBP", "900", "mmHg"),
        result_row("WEIGHT", "-5", "kg"),
        result_row("GLU", "5.3"),
    ]
    # when
    job = run_import(csv_bytes(rows))
    # then
    assert _report(job) == [(2, "结果", "900", "invalid_value"), (3, "结果", "-5", "invalid_value")]
    assert job.errors[0]["reason"].startswith("收缩压的结果900mm[Hg]不可能（合理范围40")
    assert job.errors[1]["reason"].startswith("体重的结果-5kg不可能（合理范围10")
    assert _counts() == (2, 0, 0)


def test_unknown_unit_and_unknown_item_and_non_number_are_reported(run_import, known_persons):
    # given
    rows = [
        result_row("GLU", "5.3", "furlong"),
        result_row("XYZ9", "1"),
        result_row("GLU", "abc"),
        result_row("SBP", ""),
    ]
    # when
    job = run_import(csv_bytes(rows), mode="valid_rows")
    # then
    assert _report(job) == [
        (2, "单位", "furlong", "unknown_unit"),
        (3, "项目代码", "XYZ9", "unknown_item"),
        (4, "结果", "abc", "invalid_value"),
        (5, "结果", "", "missing_value"),
    ]
    assert [e["reason"] for e in job.errors] == [
        "空腹血糖不支持单位“furlong”（应为mmol/L）",
        "未知的检查项目代码“XYZ9”",
        "空腹血糖的结果“abc”不是数值",
        "结果为空",
    ]
    assert (job.status, job.rows_failed, job.rows_imported) == ("rejected", 4, 0)


def test_every_problem_of_a_row_is_reported_at_once(run_import, known_persons):
    # given: a bad ID number, a bad date and an impossible value in one row
    rows = [result_row("SBP", "900", id_number="12345", exam_date="2026-02-30")]
    # when
    job = run_import(csv_bytes(rows))
    # then
    assert [(e["column"], e["code"]) for e in job.errors] == [
        ("身份证号", "invalid_identity"),
        ("体检日期", "invalid_date"),
        ("结果", "invalid_value"),
    ]


def test_all_or_nothing_writes_nothing_when_one_row_fails(run_import, known_persons):
    # given: five good rows and one impossible value, plus a new person
    rows = [
        *good_rows(),
        result_row("GLU", "5.0", id_number=ID_MALE_1965, name="新人", exam_no="TJ5"),
        result_row("SBP", "900", exam_no="TJ4"),
    ]
    # when
    job = run_import(csv_bytes(rows), mode="all_or_nothing")
    # then
    assert (job.status, job.rows_total, job.rows_imported, job.rows_failed) == ("rejected", 7, 0, 1)
    assert _counts() == (2, 0, 0)
    assert PendingAssessment.objects.count() == 0


def test_valid_rows_mode_writes_the_good_rows_and_reports_the_bad(run_import, known_persons):
    # given: the same file
    rows = [
        *good_rows(),
        result_row("GLU", "5.0", id_number=ID_MALE_1965, name="新人", exam_no="TJ5"),
        result_row("SBP", "900", exam_no="TJ4"),
    ]
    # when
    job = run_import(csv_bytes(rows), mode="valid_rows")
    # then
    assert (job.status, job.rows_total, job.rows_imported, job.rows_failed) == ("partial", 7, 6, 1)
    assert (job.observations_created, job.encounters_created, job.persons_created) == (6, 3, 1)
    assert _counts() == (3, 3, 6)


def test_a_failure_while_writing_rolls_back_everything(run_import, known_persons, monkeypatch):
    # given: the last step of the write fails
    from healthloop.interop.imports import writing

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "mark_pending", broken)
    rows = [
        *good_rows(),
        result_row("GLU", "5.0", id_number=ID_MALE_1965, name="新人", exam_no="TJ5"),
    ]
    # when
    with pytest.raises(RuntimeError):
        run_import(csv_bytes(rows))
    # then
    assert _counts() == (2, 0, 0)
    failed = ImportJob.objects.get()  # the job row itself survives, marked failed
    assert (failed.status, failed.error_code) == ("failed", "internal_error")


def test_duplicate_rows_in_a_file_are_skipped_and_conflicting_ones_reported(
    run_import, known_persons
):
    # given: row 3 repeats row 2; row 4 gives the same exam and item another value
    rows = [
        result_row("SBP", "128"),
        result_row("SBP", "128.0", "mmHg"),
        result_row("SBP", "135"),
        result_row("DBP", "80"),
    ]
    # when
    job = run_import(csv_bytes(rows), mode="valid_rows")
    # then
    assert (job.rows_imported, job.rows_duplicate, job.rows_failed) == (2, 1, 1)
    assert _report(job) == [(4, "结果", "135", "duplicate_conflict")]
    assert job.errors[0]["reason"] == "第2行已有同一体检编号的收缩压结果“128”，与本行不同"
    assert Observation.objects.count() == 2


def test_reimporting_the_same_file_skips_everything(run_import, known_persons):
    # given
    content = csv_bytes(good_rows())
    run_import(content)
    # when
    again = run_import(content)
    # then
    assert (again.status, again.rows_imported, again.rows_duplicate) == ("succeeded", 0, 5)
    assert (again.observations_created, again.encounters_created) == (0, 0)
    assert _counts() == (2, 2, 5)


def test_a_later_file_adds_results_to_the_stored_exam(run_import, known_persons):
    # given
    run_import(csv_bytes(good_rows()[:2]))
    # when
    job = run_import(csv_bytes(good_rows()[:3]))
    # then
    assert (job.rows_imported, job.rows_duplicate, job.encounters_created) == (1, 2, 0)
    assert Encounter.objects.get(source_id="TJ2026001").observations.count() == 3


def test_unknown_person_with_complete_identity_is_created(run_import, known_persons):
    # given: one new person by ID number, one by employee number + sex + birth date
    rows = [
        result_row("GLU", "5.0", id_number=ID_MALE_1965, name="赵强", exam_no="N1"),
        result_row("SBP", "120", id_number=ID_MALE_1965, name="赵强", exam_no="N1"),
        result_row(
            "GLU",
            "4.8",
            id_number="",
            employee_no="E2001",
            name="钱红",
            sex="女",
            birth="1990-03-04",
            exam_no="N2",
        ),
    ]
    # when
    job = run_import(csv_bytes(rows))
    # then
    assert (job.status, job.persons_created, job.persons_touched) == ("succeeded", 2, 2)
    zhao = Person.objects.get(name="赵强")
    assert (zhao.sex, zhao.birth_date, zhao.id_number) == (
        "male",
        dt.date(1965, 3, 15),
        ID_MALE_1965,
    )
    qian = Person.objects.get(employee_no="E2001")
    assert (qian.name, qian.sex, qian.birth_date) == ("钱红", "female", dt.date(1990, 3, 4))
    assert Observation.objects.filter(person=zhao).count() == 2


def test_unknown_person_with_incomplete_identity_is_reported(run_import, known_persons):
    # given: an employee number nobody has, without sex and birth date
    rows = [result_row("GLU", "5.0", id_number="", employee_no="E404", name="孙某")]
    # when
    job = run_import(csv_bytes(rows), mode="valid_rows")
    # then
    assert _report(job) == [(2, "身份证号", "", "unknown_person")]
    assert job.errors[0]["reason"] == (
        "档案中没有该人员，且身份信息不完整无法新建：需要身份证号，或工号加性别和出生日期"
    )
    assert _counts() == (2, 0, 0)


def test_person_is_matched_by_employee_number(run_import, known_persons):
    # given
    rows = [result_row("GLU", "5.0", id_number="", employee_no="E1002", name="王芳")]
    # when
    job = run_import(csv_bytes(rows))
    # then
    assert (job.status, job.persons_created) == ("succeeded", 0)
    assert Observation.objects.get().person == known_persons["wangfang"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (result_row("GLU", "5", name="李五"), (2, "姓名", "李五", "identity_conflict")),
        (result_row("GLU", "5", employee_no="E1002"), (2, "工号", "E1002", "identity_conflict")),
        (
            result_row("GLU", "5", id_number=ID_MALE_1965, employee_no="E1001"),
            (2, "身份证号", "440***********0033", "identity_conflict"),
        ),
    ],
)
def test_identity_that_contradicts_the_index_is_reported_not_guessed(
    run_import, known_persons, row, expected
):
    # when
    job = run_import(csv_bytes([row]))
    # then
    assert _report(job) == [expected]
    assert _counts() == (2, 0, 0)


def test_one_exam_number_for_two_persons_is_an_exam_conflict(run_import, known_persons):
    # given: within the file, and against an exam stored earlier
    run_import(csv_bytes([result_row("GLU", "5", exam_no="OLD1")]))
    rows = [
        result_row("GLU", "5", exam_no="T1"),
        result_row("SBP", "120", id_number=ID_FEMALE_1949, name="王芳", exam_no="T1"),
        result_row("SBP", "120", id_number=ID_FEMALE_1949, name="王芳", exam_no="OLD1"),
    ]
    # when
    job = run_import(csv_bytes(rows), mode="valid_rows")
    # then
    assert _report(job) == [
        (3, "体检编号", "T1", "exam_conflict"),
        (4, "体检编号", "OLD1", "exam_conflict"),
    ]
    assert job.rows_imported == 1


def test_template_example_rows_are_skipped(run_import, known_persons):
    # given
    rows = [result_row("GLU", "5", exam_no="示例-0001"), result_row("GLU", "5")]
    # when
    job = run_import(csv_bytes(rows))
    # then
    assert (job.rows_total, job.rows_imported) == (1, 1)


def test_every_person_touched_is_audited_once(run_import, known_persons, importer):
    # given
    rows = [
        *good_rows(),
        result_row("GLU", "5.0", id_number=ID_MALE_1965, name="赵强", exam_no="N1"),
    ]
    # when
    run_import(csv_bytes(rows))
    # then
    events = AuditEvent.objects.filter(action="record.results_imported")
    assert sorted(e.person_uuid for e in events) == sorted(
        [
            known_persons["lisi"].uuid,
            known_persons["wangfang"].uuid,
            Person.objects.get(name="赵强").uuid,
        ]
    )
    assert {e.actor_id for e in events} == {importer.pk}
    assert AuditEvent.objects.filter(action="person.created", actor=importer).count() == 1


def test_a_new_person_named_differently_in_another_row_is_reported(run_import, known_persons):
    # given: two rows create the same new person, the second under another name
    rows = [
        result_row("GLU", "5.0", id_number=ID_MALE_1965, name="赵强", exam_no="N1"),
        result_row("SBP", "120", id_number=ID_MALE_1965, name="赵墙", exam_no="N1"),
    ]
    # when
    job = run_import(csv_bytes(rows), mode="valid_rows")
    # then
    assert _report(job) == [(3, "姓名", "赵墙", "identity_conflict")]
    assert job.errors[0]["reason"] == "姓名“赵墙”与本文件其他行中该人员的姓名不一致"
    assert (job.persons_created, job.observations_created) == (1, 1)
