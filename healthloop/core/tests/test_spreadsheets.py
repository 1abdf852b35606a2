import io

from openpyxl import load_workbook

from healthloop.core.spreadsheets import safe_cell, xlsx_bytes


def test_a_formula_is_neutralised_and_other_values_kept():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [safe_cell(v) for v in ("+1", "-2", "@a", "张三", 3, None)] == [
        "'+1",
        "'-2",
        "'@a",
        "张三",
        3,
        None,
    ]


def test_characters_excel_cannot_hold_do_not_break_the_export():
    data = xlsx_bytes("台账", ["姓名", "原因"], [["张三", "复查\x08\x1b结果"]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]] == ["张三", "复查\ufffd\ufffd结果"]
