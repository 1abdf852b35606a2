"""The downloadable .xlsx template: the data sheet (header and example rows), the item
dictionary from the live catalog, and short instructions.

The example rows carry an exam number starting with 示例, which the import skips, so a
template uploaded unchanged imports nothing.
"""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from healthloop.interop.imports.columns import Field, label
from healthloop.records.models import ExamItem

TEMPLATE_FILE_NAME = "体检结果导入模板.xlsx"
TEMPLATE_COLUMNS = (
    Field.ID_NUMBER,
    Field.EMPLOYEE_NO,
    Field.NAME,
    Field.SEX,
    Field.BIRTH_DATE,
    Field.PHONE,
    Field.DEPARTMENT,
    Field.EXAM_DATE,
    Field.EXAM_NO,
    Field.ITEM_CODE,
    Field.ITEM_NAME,
    Field.VALUE,
    Field.UNIT,
    Field.REF_TEXT,
)
REQUIRED = frozenset({Field.NAME, Field.EXAM_DATE, Field.EXAM_NO, Field.VALUE})
TEXT_COLUMNS = frozenset({Field.ID_NUMBER, Field.EMPLOYEE_NO, Field.PHONE, Field.EXAM_NO})
EXAMPLE_ROWS = (
    (
        "11010519491231002X",
        "E0001",
        "张三",
        "女",
        "1949-12-31",
        "13800138000",
        "财务部",
        "2026-05-06",
        "示例-0001",
        "SBP",
        "收缩压",
        "128",
        "mmHg",
        "90-139",
    ),
    (
        "11010519491231002X",
        "E0001",
        "张三",
        "女",
        "1949-12-31",
        "13800138000",
        "财务部",
        "2026-05-06",
        "示例-0001",
        "WEIGHT",
        "体重",
        "61.5",
        "kg",
        "",
    ),
)
NOTES = {
    Field.ID_NUMBER: (
        "18位身份证号；与工号至少填写一项。请保持“文本”格式，避免Excel改成科学计数法。"
    ),
    Field.EMPLOYEE_NO: "工号；与身份证号至少填写一项。",
    Field.ITEM_CODE: "见“项目字典”工作表；也可只填项目名称。",
    Field.UNIT: "留空表示使用项目字典中的单位；其他单位会自动换算或报错。",
}
INSTRUCTIONS = (
    "体检结果导入说明",
    "1. 每行一条检查结果；同一次体检的多条结果使用相同的体检编号和体检日期。",
    "2. 人员按身份证号或工号匹配；档案中没有的人员，在提供姓名+身份证号"
    "（或姓名+工号+性别+出生日期）时自动新建，否则该行报错。",
    "3. 必填列：姓名、体检日期、体检编号、结果，以及身份证号或工号之一，项目代码或项目名称之一。",
    "4. 同一体检编号的同一项目重复出现或已导入过的，将被跳过，不会重复写入。",
    "5. 体检编号以“示例”开头的行是示例，导入时忽略，可直接删除。",
    "6. 支持CSV（UTF-8或GBK编码）和Excel（.xlsx）；也支持每行一次体检、每个项目一列的格式。",
    "7. 可选择“全部成功才导入”或“仅导入有效行”；错误报告列出行号、列、值和原因。",
)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_workbook() -> bytes:
    book = Workbook()
    data = book.active
    data.title = "体检结果"
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = data.cell(row=1, column=index, value=label(column))
        cell.font = Font(bold=True)
        if column in REQUIRED:
            cell.fill = _REQUIRED_FILL
        if column in NOTES:
            cell.comment = Comment(NOTES[column], "HealthLoop")
        letter = cell.column_letter
        data.column_dimensions[letter].width = 20 if column == Field.ID_NUMBER else 13
        if column in TEXT_COLUMNS:
            data.column_dimensions[letter].number_format = "@"
    for example in EXAMPLE_ROWS:
        data.append(example)
    for row in data.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    sexes = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    data.add_data_validation(sexes)
    sexes.add(f"D2:D{2 + 10_000}")
    data.freeze_panes = "A2"
    _catalog_sheet(book)
    notes = book.create_sheet("填写说明")
    for line in INSTRUCTIONS:
        notes.append((line,))
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _catalog_sheet(book: Workbook) -> None:
    sheet = book.create_sheet("项目字典")
    sheet.append(
        ("项目代码", "项目名称", "英文名称", "类别", "单位", "结果类型", "别名", "合理范围")
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    items = (
        ExamItem.objects.filter(active=True)
        .prefetch_related("aliases")
        .order_by("category", "code")
    )
    for item in items:
        aliases = sorted(a.alias for a in item.aliases.all() if a.alias != item.code.upper())
        plausible = ""
        if item.plausible_min is not None or item.plausible_max is not None:
            plausible = f"{_plain(item.plausible_min)}–{_plain(item.plausible_max)}"
        sheet.append(
            (
                item.code,
                item.name_zh,
                item.name_en,
                item.category,
                item.unit,
                item.get_value_type_display(),
                "、".join(aliases),
                plausible,
            )
        )
    for letter, width in zip("ABCDEFGH", (16, 18, 28, 14, 12, 10, 50, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _plain(value: object) -> str:
    return "" if value is None else f"{value.normalize():f}"  # type: ignore[attr-defined]
