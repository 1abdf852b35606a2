"""Rows → prepared observations or row problems. Nothing is written here.

Every result goes through ``records.services.prepare_result`` (catalog item, unit conversion,
number, plausibility, flag: the catalog's precomputed ``ItemRule``, the same rules and messages
as ``prepare_observation``), so the import knows no catalog rule of its own. A prepared result
is a plain tuple (``records.services.RESULT_COLUMNS``), not a model instance: a 50,000-result
file would otherwise spend most of its time building Django objects.
Identities go through ``people.services.clean_identity`` (see ``persons``).

Duplicates and conflicts: see ``dedupe``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from healthloop.core.clock import age_on
from healthloop.interop.imports import values
from healthloop.interop.imports.columns import Field, Layout, resolve_item
from healthloop.interop.imports.dedupe import source_key, stored_exams, stored_keys
from healthloop.interop.imports.errors import FileProblem, RowProblem
from healthloop.interop.imports.errors import ImportErrorCode as Code
from healthloop.interop.imports.parsing import SourceRow
from healthloop.interop.imports.persons import IdentityProblem, PersonPlan, PersonResolver
from healthloop.people.models import Person
from healthloop.records.catalog import Catalog, CatalogError, CatalogItem
from healthloop.records.services import (
    RESULT_COLUMNS,
    RESULT_VALUE_CODE,
    PreparedResult,
    prepare_result,
)

EXAMPLE_PREFIXES = ("示例", "EXAMPLE")  # the template's example row; skipped, never imported
_CATALOG_CODES = {"code": Code.UNKNOWN_ITEM, "unit": Code.UNKNOWN_UNIT, "value": Code.INVALID_VALUE}


Result = tuple[CatalogItem, str, Any, str, Field | str]  # item, code to send, value, unit, column


@dataclass
class PreparedRow:
    number: int
    plan: PersonPlan
    exam_no: str
    exam_at: dt.datetime
    exam_package: str
    observations: list[PreparedResult]
    duplicates: int = 0


@dataclass
class Validation:
    rows: list[PreparedRow] = field(default_factory=list)  # valid rows, duplicates dropped
    problems: list[RowProblem] = field(default_factory=list)
    failed_rows: set[int] = field(default_factory=set)
    duplicate_rows: int = 0
    rows_total: int = 0
    warnings: list[str] = field(default_factory=list)
    new_plans: list[PersonPlan] = field(default_factory=list)


@dataclass
class _Seen:
    row: int
    owner: object
    exam_at: dt.datetime


class RowValidator:
    def __init__(self, layout: Layout, catalog: Catalog, *, source_system: str) -> None:
        self.layout, self.catalog, self.source_system = layout, catalog, source_system
        self.today = timezone.localdate()
        self.exams: dict[str, _Seen] = {}
        self.keys: dict[str, tuple[int, tuple[Any, str]]] = {}
        self.items: dict[tuple[str, str], tuple[str, Field, CatalogItem] | RowProblem] = {}
        self.stored: set[str] = set()
        self.dates: dict[Any, tuple[dt.datetime, dt.date] | values.CellError] = {}
        self.problems: list[RowProblem] = []

    def cells(self, row: SourceRow) -> dict[Field, Any]:
        width = len(row.cells)
        return {f: row.cells[i] for f, i in self.layout.fields.items() if i < width}

    def problem(self, row: int, f: Field | str, value: Any, reason: str, code: str) -> None:
        column = self.layout.header_of(f) if isinstance(f, Field) else f
        self.problems.append(RowProblem(row, column, values.text(value), reason, str(code)))

    def validate(
        self,
        row: SourceRow,
        cells: dict[Field, Any],
        resolver: PersonResolver,
    ) -> PreparedRow | None:
        """The prepared row, or None after recording its problems."""
        before = len(self.problems)
        plan = self._person(row.number, cells, resolver)
        exam_no, exam_at = self._exam(row.number, cells, plan)
        # A failed identity or exam date still gets its results checked, against a stand-in
        # person, so that the report lists every problem of the row at once.
        person = (plan or _STAND_IN).person
        sex, birth = person.sex, person.birth_date
        when = exam_at or timezone.now()
        age = age_on(birth, when.date()) if birth else None
        ref_text = values.text(cells.get(Field.REF_TEXT))[:100]
        observations: list[PreparedResult] = []
        stored = 0
        for item, code, value, unit, column in self._results(row, cells):
            key = source_key(self.source_system, exam_no or "", item.code)
            if exam_no and key in self.stored:
                stored += 1  # imported before: skipped unchecked
                continue
            try:
                result = prepare_result(
                    self.catalog, item, values.text(value), unit=unit, sex=sex, age=age,
                    code=code, ref_text=ref_text, source_key=key,
                )  # fmt: skip
            except CatalogError as exc:
                self._catalog_problem(row.number, exc, column, value, unit)
                continue
            if len(result[RESULT_VALUE_CODE]) > 60:
                self.problem(row.number, column, value, "结果超过60个字符", Code.VALUE_TOO_LONG)
                continue
            observations.append(result)
        if len(self.problems) > before or plan is None or not exam_no or exam_at is None:
            return None
        if not observations and not stored:
            self.problem(row.number, Field.VALUE, "", "该行没有任何项目结果", Code.MISSING_VALUE)
            return None
        package = values.text(cells.get(Field.EXAM_PACKAGE))[:100]
        return PreparedRow(row.number, plan, exam_no, exam_at, package, observations, stored)

    def _person(
        self,
        number: int,
        cells: dict[Field, Any],
        resolver: PersonResolver,
    ) -> PersonPlan | None:
        try:
            return resolver.resolve(cells)
        except IdentityProblem as exc:
            self.problems.append(
                RowProblem(
                    number, self.layout.header_of(exc.field), exc.value, exc.reason, exc.code
                )
            )
            return None

    def _exam(
        self,
        number: int,
        cells: dict[Field, Any],
        plan: PersonPlan | None,
    ) -> tuple[str | None, dt.datetime | None]:
        exam_no = values.text(cells.get(Field.EXAM_NO))
        if not exam_no:
            self.problem(number, Field.EXAM_NO, "", "体检编号为空", Code.MISSING_VALUE)
        elif len(exam_no) > 100:
            self.problem(
                number, Field.EXAM_NO, exam_no[:100], "体检编号超过100个字符", Code.VALUE_TOO_LONG
            )
            exam_no = ""
        raw_date = cells.get(Field.EXAM_DATE)
        when = self._exam_date(number, raw_date)
        if plan is None or not exam_no or when is None:
            return exam_no or None, when[0] if when else None
        exam_at, exam_day = when
        birth = plan.person.birth_date
        if birth and exam_day < birth:
            self.problem(
                number, Field.EXAM_DATE, raw_date, "体检日期早于出生日期", Code.INVALID_DATE
            )
            return exam_no, None
        owner = plan if plan.is_new else plan.person.pk
        seen = self.exams.setdefault(exam_no, _Seen(number, owner, exam_at))
        if seen.owner != owner:
            reason = f"体检编号与第{seen.row}行相同，但人员不同"
            self.problem(number, Field.EXAM_NO, exam_no, reason, Code.EXAM_CONFLICT)
            return exam_no, None
        if seen.exam_at != exam_at:
            reason = f"与第{seen.row}行同一体检编号的体检日期不一致"
            self.problem(number, Field.EXAM_DATE, raw_date, reason, Code.EXAM_CONFLICT)
            return exam_no, None
        return exam_no, exam_at

    def _exam_date(self, number: int, raw: Any) -> tuple[dt.datetime, dt.date] | None:
        """The exam moment and its local date; parsed once per distinct cell value."""
        key = raw if isinstance(raw, str | dt.date) else repr(raw)
        if key not in self.dates:
            try:
                if values.text(raw) == "":
                    raise values.CellError("体检日期为空", Code.MISSING_VALUE)
                moment = values.exam_moment(raw, today=self.today)
                self.dates[key] = (moment, timezone.localtime(moment).date())
            except values.CellError as exc:
                self.dates[key] = exc
        found = self.dates[key]
        if isinstance(found, values.CellError):
            self.problem(number, Field.EXAM_DATE, raw, found.reason, found.code)
            return None
        return found

    def _results(
        self,
        row: SourceRow,
        cells: dict[Field, Any],
        *,
        report: bool = True,
    ) -> list[Result]:
        """(item code, code for prepare_observation, value, unit, column) per result."""
        if self.layout.kind == "wide":
            width = len(row.cells)
            return [
                (column.item, column.code, row.cells[i], column.unit, self.layout.headers[i])
                for i, column in self.layout.items.items()
                if i < width and values.text(row.cells[i]) != ""
            ]
        item = self._long_item(row.number, cells, report=report)
        if item is None:
            return []
        value = cells.get(Field.VALUE)
        if values.text(value) == "":
            if report:
                self.problem(row.number, Field.VALUE, "", "结果为空", Code.MISSING_VALUE)
            return []
        unit = values.text(cells.get(Field.UNIT), normalize=False)
        return [(item[2], item[0], value, unit, item[1])]

    def result_keys(self, rows: list[SourceRow], all_cells: list[dict[Field, Any]]) -> list[str]:
        """The source keys the file's results would get (for the stored-duplicates look-up)."""
        keys = []
        for row, cells in zip(rows, all_cells, strict=True):
            exam_no = values.text(cells.get(Field.EXAM_NO))
            for item, *_ in self._results(row, cells, report=False):
                keys.append(source_key(self.source_system, exam_no, item.code))
        return keys

    def _long_item(
        self,
        number: int,
        cells: dict[Field, Any],
        *,
        report: bool = True,
    ) -> tuple[str, Field, CatalogItem] | None:
        code = values.text(cells.get(Field.ITEM_CODE))
        name = values.text(cells.get(Field.ITEM_NAME))
        if (code, name) not in self.items:
            self.items[(code, name)] = self._find_item(code, name)
        found = self.items[(code, name)]
        if isinstance(found, RowProblem):
            if report:
                self.problems.append(
                    RowProblem(number, found.column, found.value, found.reason, found.code)
                )
            return None
        return found

    def _find_item(self, code: str, name: str) -> tuple[str, Field, CatalogItem] | RowProblem:
        """(code to send, the column it came from, catalog item), or the problem."""
        if code and (item := self.catalog.resolve(code)) is not None:
            return code, Field.ITEM_CODE, item
        if code and len(code) <= 60 and (item := resolve_item(self.catalog, code)):
            return item.code, Field.ITEM_CODE, item
        if name and (item := resolve_item(self.catalog, name)):
            return item.code, Field.ITEM_NAME, item  # an unknown HIS code, a known name
        if code:
            column, value, reason = Field.ITEM_CODE, code, f"未知的检查项目代码“{code}”"
        elif name:
            column, value, reason = Field.ITEM_NAME, name, f"未知的检查项目名称“{name}”"
        else:
            column, value, reason = Field.ITEM_CODE, "", "项目代码和项目名称均为空"
        code_value = Code.UNKNOWN_ITEM if value else Code.MISSING_VALUE
        return RowProblem(0, self.layout.header_of(column), value, reason, code_value)

    def _catalog_problem(
        self, number: int, exc: CatalogError, column: Field | str, value: Any, unit: str
    ) -> None:
        where, shown = column, value
        if self.layout.kind == "long" and exc.field in ("unit", "value"):
            where = Field.UNIT if exc.field == "unit" else Field.VALUE
            shown = unit if exc.field == "unit" else value
        self.problem(
            number, where, shown, exc.message, _CATALOG_CODES.get(exc.field, Code.INVALID_VALUE)
        )

    def drop_file_duplicates(self, prepared: PreparedRow) -> bool:
        """Drop results seen earlier in the file; False (and a problem) on a conflict."""
        kept: list[PreparedResult] = []
        for result in prepared.observations:
            key = result[_KEY]
            first = self.keys.get(key)
            if first is None:
                kept.append(result)
            elif first[1] == _compared(result):
                prepared.duplicates += 1
            else:
                self.problem(
                    prepared.number,
                    self._value_column(result),
                    _shown_value(_compared(result)),
                    f"第{first[0]}行已有同一体检编号的{result[_DISPLAY]}结果"
                    f"“{_shown_value(first[1])}”，与本行不同",
                    Code.DUPLICATE_CONFLICT,
                )
                return False
        for result in kept:
            self.keys[result[_KEY]] = (prepared.number, _compared(result))
        prepared.observations = kept
        return True

    def _value_column(self, result: PreparedResult) -> Field | str:
        if self.layout.kind == "long":
            return Field.VALUE
        index = next(i for i, c in self.layout.items.items() if c.item.id == result[_ITEM])
        return self.layout.headers[index]


_STAND_IN = PersonPlan(Person(name="", sex="unknown"))
_ITEM, _DISPLAY, _KEY = (RESULT_COLUMNS.index(c) for c in ("item_id", "code_display", "source_key"))
_NUM, _TEXT, _CODE = (RESULT_COLUMNS.index(c) for c in ("value_num", "value_text", "value_code"))


def _compared(result: PreparedResult) -> tuple[Any, str]:
    """What makes two results of one key the same: the number (5.40 equals 5.4), else text."""
    return result[_NUM], result[_CODE] or result[_TEXT]


def _shown_value(compared: tuple[Any, str]) -> str:
    number, text = compared
    return f"{number.normalize():f}" if number is not None else text


def validate_rows(
    layout: Layout,
    rows: list[SourceRow],
    *,
    catalog: Catalog,
    source_system: str,
    progress: Callable[[int], None] | None = None,
    every: int = 2000,
) -> Validation:
    """Check every row; return the valid ones (with new results only) and the problems."""
    validator = RowValidator(layout, catalog, source_system=source_system)
    all_cells = [validator.cells(row) for row in rows]
    resolver = PersonResolver(all_cells)
    validator.stored = stored_keys(validator.result_keys(rows, all_cells))
    result = Validation()
    for index, (row, cells) in enumerate(zip(rows, all_cells, strict=True), start=1):
        if values.text(cells.get(Field.EXAM_NO)).upper().startswith(EXAMPLE_PREFIXES):
            continue
        result.rows_total += 1
        prepared = validator.validate(row, cells, resolver)
        if prepared is not None and validator.drop_file_duplicates(prepared):
            result.rows.append(prepared)
        if progress is not None and index % every == 0:
            progress(index)
    if result.rows_total == 0:
        raise FileProblem(Code.NO_DATA_ROWS, "文件中只有示例行，没有可导入的数据")
    _check_stored_exams(result, validator, source_system)
    result.problems = sorted(validator.problems, key=lambda p: p.row)
    result.failed_rows = {p.row for p in result.problems}
    result.rows = [r for r in result.rows if r.number not in result.failed_rows]
    result.duplicate_rows = sum(1 for r in result.rows if not r.observations)
    result.warnings = [*layout.warnings, *resolver.warnings]
    touched = {id(r.plan) for r in result.rows if r.observations}
    result.new_plans = [p for p in resolver.new_plans if id(p) in touched]
    return result


def _check_stored_exams(result: Validation, validator: RowValidator, source_system: str) -> None:
    """A row whose exam number was stored for someone else, or with another date, fails."""
    stored = stored_exams(source_system, (r.exam_no for r in result.rows))
    for prepared in result.rows:
        exam = stored.get(prepared.exam_no)
        if exam is None:
            continue
        if prepared.plan.is_new or exam[0] != prepared.plan.person.pk:
            validator.problem(
                prepared.number,
                Field.EXAM_NO,
                prepared.exam_no,
                "该体检编号已导入给档案中的另一人员",
                Code.EXAM_CONFLICT,
            )
        elif exam[1] != prepared.exam_at:
            validator.problem(
                prepared.number,
                Field.EXAM_DATE,
                timezone.localtime(prepared.exam_at).date().isoformat(),
                "与已导入的同一体检编号的体检日期不一致",
                Code.EXAM_CONFLICT,
            )
