"""Builders of import files for the tests: CSV in any encoding, xlsx via openpyxl."""

import io
from collections.abc import Sequence

from openpyxl import Workbook

from healthloop.conftest import ID_FEMALE_1949, ID_MALE_1965, ID_MALE_1980

LONG_HEADER = (
    "身份证号",
    "工号",
    "姓名",
    "性别",
    "出生日期",
    "体检日期",
    "体检编号",
    "项目代码",
    "结果",
    "单位",
)
EN_HEADER = (
    "id_number",
    "employee_no",
    "name",
    "sex",
    "birth_date",
    "exam_date",
    "exam_no",
    "item_code",
    "value",
    "unit",
)


def result_row(
    item: str,
    value: object,
    unit: str = "",
    *,
    id_number: str = ID_MALE_1980,
    employee_no: str = "",
    name: str = "李四",
    exam_no: str = "TJ2026001",
    exam_date: str = "2026-05-06",
    sex: str = "",
    birth: str = "",
) -> tuple:
    return (id_number, employee_no, name, sex, birth, exam_date, exam_no, item, value, unit)


def good_rows() -> list[tuple]:
    """Two exams of two persons: 5 results."""
    return [
        result_row("SBP", "128", "mmHg"),
        result_row("DBP", "82", "mmHg"),
        result_row("GLU", "5.3", "mmol/L"),
        result_row(
            "SBP", "142", "mm[Hg]", id_number=ID_FEMALE_1949, name="王芳", exam_no="TJ2026002"
        ),
        result_row(
            "WEIGHT", "61.5", "kg", id_number=ID_FEMALE_1949, name="王芳", exam_no="TJ2026002"
        ),
    ]


def csv_bytes(
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = LONG_HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = LONG_HEADER,
    title_rows: Sequence[Sequence[object]] = (),
) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in (*title_rows, header, *rows):
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["ID_FEMALE_1949", "ID_MALE_1965", "ID_MALE_1980"]
