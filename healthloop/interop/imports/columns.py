"""Header names → fields, and which of the two layouts a file uses.

- **long** (one row per result; the robust choice for HIS exports): identity columns, 体检日期,
  体检编号, 项目代码 or 项目名称, 结果, optionally 单位 and 参考范围. Unknown columns are
  ignored and listed as a warning.
- **wide** (one row per exam; one column per item): identity and exam columns, then one column
  per catalog item, named by code, alias or Chinese name, optionally with the unit in
  brackets: ``空腹血糖(mmol/L)``. An unknown column is a file error here, since it could be a
  misspelt item whose results would otherwise be lost.

Headers are compared after NFKC normalisation, case-insensitively, ignoring spaces and ``*``.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from healthloop.interop.imports.errors import FileProblem
from healthloop.interop.imports.errors import ImportErrorCode as Code
from healthloop.interop.imports.parsing import SourceRow
from healthloop.records.catalog import Catalog, CatalogItem

HEADER_SEARCH_ROWS = 5  # a title line or two above the header is common in HIS exports


class Field(StrEnum):
    ID_NUMBER = "id_number"
    EMPLOYEE_NO = "employee_no"
    NAME = "name"
    SEX = "sex"
    BIRTH_DATE = "birth_date"
    PHONE = "phone"
    DEPARTMENT = "department"
    EXAM_DATE = "exam_date"
    EXAM_NO = "exam_no"
    EXAM_PACKAGE = "exam_package"
    ITEM_CODE = "item_code"
    ITEM_NAME = "item_name"
    VALUE = "value"
    UNIT = "unit"
    REF_TEXT = "ref_text"


# The first alias is the label used in the template and in messages.
ALIASES: dict[Field, tuple[str, ...]] = {
    Field.ID_NUMBER: (
        "身份证号",
        "身份证号码",
        "身份证",
        "证件号码",
        "证件号",
        "id_number",
        "idnumber",
        "id_no",
        "idcard",
    ),
    Field.EMPLOYEE_NO: (
        "工号",
        "员工号",
        "职工号",
        "员工编号",
        "职工编号",
        "employee_no",
        "employee_id",
        "staff_no",
    ),
    Field.NAME: ("姓名", "名字", "name", "patient_name"),
    Field.SEX: ("性别", "sex", "gender"),
    Field.BIRTH_DATE: ("出生日期", "出生年月日", "生日", "birth_date", "birthday", "dob"),
    Field.PHONE: ("手机号", "手机号码", "手机", "联系电话", "phone", "mobile"),
    Field.DEPARTMENT: ("部门", "所属部门", "单位部门", "department", "dept", "org_unit"),
    Field.EXAM_DATE: ("体检日期", "检查日期", "体检时间", "exam_date", "exam_time"),
    Field.EXAM_NO: ("体检编号", "体检号", "体检流水号", "体检登记号", "exam_no", "exam_id"),
    Field.EXAM_PACKAGE: ("体检套餐", "套餐", "套餐名称", "exam_package", "package"),
    Field.ITEM_CODE: ("项目代码", "项目编码", "检查项目代码", "item_code", "code"),
    Field.ITEM_NAME: ("项目名称", "检查项目", "项目", "item_name", "item"),
    Field.VALUE: ("结果", "检查结果", "检验结果", "结果值", "value", "result"),
    Field.UNIT: ("单位", "结果单位", "unit", "units"),
    Field.REF_TEXT: ("参考范围", "参考值", "参考区间", "reference_range", "ref_range"),
}
IGNORED_HEADERS = frozenset(
    {"序号", "行号", "no", "no.", "年龄", "age", "备注", "remark", "remarks"}
)
PERSON_FIELDS = (
    Field.ID_NUMBER,
    Field.EMPLOYEE_NO,
    Field.NAME,
    Field.SEX,
    Field.BIRTH_DATE,
    Field.PHONE,
    Field.DEPARTMENT,
)
_REQUIRED = (Field.NAME, Field.EXAM_DATE, Field.EXAM_NO)
_UNIT_SUFFIX = re.compile(r"^(?P<name>.+?)[(（](?P<unit>[^()（）]+)[)）]$")


def label(f: Field) -> str:
    return ALIASES[f][0]


def normalize_header(text: object) -> str:
    raw = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*]", "", raw).lower()


_BY_ALIAS = {normalize_header(a): f for f, names in ALIASES.items() for a in names}


@dataclass(frozen=True)
class ItemColumn:
    item: CatalogItem
    code: str  # what to hand prepare_observation: the header if the catalog knows it
    unit: str


@dataclass
class Layout:
    kind: str  # "long" / "wide"
    header_row: int
    headers: list[str]  # as the file spells them, by column index
    fields: dict[Field, int] = field(default_factory=dict)
    items: dict[int, ItemColumn] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def header_of(self, f: Field) -> str:
        return self.headers[self.fields[f]] if f in self.fields else label(f)


def resolve_item(catalog: Catalog, text: str) -> CatalogItem | None:
    """A catalog item from a code, LOINC, alias or Chinese name."""
    item = catalog.resolve(text)
    if item is None:
        wanted = normalize_header(text)
        item = next(
            (i for i in catalog.by_id.values() if normalize_header(i.name_zh) == wanted), None
        )
    return item


def find_layout(rows: list[SourceRow], catalog: Catalog) -> tuple[Layout, list[SourceRow]]:
    """The header and layout of the table, and its data rows; FileProblem when unusable."""
    header_index = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if _known_count(row.cells) >= 2), 0
    )
    header = rows[header_index]
    headers = [str(cell).strip() if cell is not None else "" for cell in header.cells]
    layout = Layout(kind="long", header_row=header.number, headers=headers)
    unknown = _map_columns(layout, catalog)
    is_long = bool({Field.ITEM_CODE, Field.ITEM_NAME, Field.VALUE} & layout.fields.keys())
    if not is_long and layout.items:
        layout.kind = "wide"
        _check_wide(layout, unknown)
    else:
        layout.items.clear()
        unknown = [
            h
            for h in headers
            if h
            and _BY_ALIAS.get(normalize_header(h)) is None
            and normalize_header(h) not in IGNORED_HEADERS
        ]
        _check_long(layout)
        if unknown:
            layout.warnings.append(f"已忽略无法识别的列：{'、'.join(unknown)}")
    data = rows[header_index + 1 :]
    if not data:
        raise FileProblem(Code.NO_DATA_ROWS, "文件只有表头，没有数据行")
    return layout, data


def _known_count(cells: tuple[object, ...]) -> int:
    return sum(1 for c in cells if normalize_header(c) in _BY_ALIAS)


def _map_columns(layout: Layout, catalog: Catalog) -> list[str]:
    """Fill layout.fields and layout.items; return the headers that are neither."""
    unknown: list[str] = []
    seen_items: dict[int, str] = {}
    for index, text in enumerate(layout.headers):
        key = normalize_header(text)
        if not key or key in IGNORED_HEADERS:
            continue
        known = _BY_ALIAS.get(key)
        if known is not None:
            if known in layout.fields:
                raise FileProblem(
                    Code.DUPLICATE_COLUMNS,
                    f"列“{layout.headers[layout.fields[known]]}”与“{text}”重复（都表示{label(known)}）",
                )
            layout.fields[known] = index
            continue
        column = _item_column(catalog, text)
        if column is None:
            unknown.append(text)
        elif column.item.id in seen_items:
            raise FileProblem(
                Code.DUPLICATE_COLUMNS,
                f"列“{seen_items[column.item.id]}”与“{text}”重复（都是{column.item.name_zh}）",
            )
        else:
            seen_items[column.item.id] = text
            layout.items[index] = column
    return unknown


def _item_column(catalog: Catalog, text: str) -> ItemColumn | None:
    item = resolve_item(catalog, text)
    if item is not None:
        return ItemColumn(item, text if catalog.resolve(text) else item.code, "")
    match = _UNIT_SUFFIX.match(text.strip())
    if match:
        item = resolve_item(catalog, match["name"])
        if item is not None:
            return ItemColumn(item, item.code, match["unit"].strip())
    return None


def _missing(layout: Layout, extra: tuple[tuple[Field, ...], ...]) -> list[str]:
    groups = ((Field.ID_NUMBER, Field.EMPLOYEE_NO), *((f,) for f in _REQUIRED), *extra)
    return [
        "或".join(label(f) for f in group)
        for group in groups
        if not any(f in layout.fields for f in group)
    ]


def _found(layout: Layout) -> str:
    return "、".join(h for h in layout.headers if h) or "（无）"


def _check_long(layout: Layout) -> None:
    missing = _missing(layout, ((Field.ITEM_CODE, Field.ITEM_NAME), (Field.VALUE,)))
    if missing:
        raise FileProblem(
            Code.MISSING_COLUMNS,
            f"缺少必需的列：{'、'.join(missing)}。文件第{layout.header_row}行的列为：{_found(layout)}",
        )


def _check_wide(layout: Layout, unknown: list[str]) -> None:
    missing = _missing(layout, ())
    if missing:
        raise FileProblem(
            Code.MISSING_COLUMNS,
            f"缺少必需的列：{'、'.join(missing)}。文件第{layout.header_row}行的列为：{_found(layout)}",
        )
    if unknown:
        raise FileProblem(
            Code.UNKNOWN_COLUMNS,
            f"无法识别的列：{'、'.join(unknown)}。每行一次体检的格式中，人员和体检信息以外的"
            "每一列都应是项目代码或项目名称（可带单位，如“空腹血糖(mmol/L)”）",
        )
