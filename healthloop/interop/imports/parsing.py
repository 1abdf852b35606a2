"""Bytes of an uploaded file → rows of cells, with the row numbers Excel shows.

Formats are told by content, not by the file name: a ZIP is an .xlsx workbook (first sheet),
an OLE2 compound file is a legacy .xls (refused with advice), anything else must be text (CSV).
CSV exported by Chinese HIS systems is often GBK/GB18030: we try UTF-8 (with or without BOM),
UTF-16 with BOM (Excel's "Unicode text"), then GB18030 (a superset of GBK and GB2312).
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from healthloop.interop.imports.conf import limit
from healthloop.interop.imports.errors import FileProblem
from healthloop.interop.imports.errors import ImportErrorCode as Code

TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ""})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class SourceRow:
    number: int  # as Excel shows it: the first line of the file is row 1
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    file_format: str  # "csv" / "xlsx"
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "gb18030"; "" for xlsx
    rows: list[SourceRow]  # non-blank rows only, header included


def check_size(size: int) -> None:
    """Refuse an empty upload or one over IMPORT_MAX_BYTES before reading it."""
    if size == 0:
        raise FileProblem(Code.EMPTY_FILE, "文件为空")
    max_bytes = limit("IMPORT_MAX_BYTES")
    if size > max_bytes:
        raise FileProblem(
            Code.FILE_TOO_LARGE,
            f"文件大小{_readable(size)}超过上限{_readable(max_bytes)}，请拆分后分批导入",
        )


def read_table(file_name: str, data: bytes) -> Table:
    """Parse the upload into rows; raises FileProblem naming what is wrong with the file."""
    check_size(len(data))
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return Table("xlsx", "", _limited(_xlsx_rows(data)))
    if data.startswith(_OLE2_MAGIC):
        raise FileProblem(
            Code.UNSUPPORTED_FORMAT,
            "不支持Excel 97-2003（.xls）格式，请在Excel中另存为.xlsx或CSV后导入",
        )
    if suffix in EXCEL_SUFFIXES:
        raise FileProblem(Code.UNREADABLE_FILE, "文件扩展名为.xlsx，但内容不是Excel工作簿")
    if suffix == ".xls" and data.lstrip()[:1] == b"<":
        raise FileProblem(
            Code.UNSUPPORTED_FORMAT,
            "该.xls文件实为网页（HTML）格式，请在Excel中打开后另存为.xlsx或CSV",
        )
    if suffix not in TEXT_SUFFIXES:
        raise FileProblem(Code.UNSUPPORTED_FORMAT, "仅支持CSV（.csv）和Excel（.xlsx）文件")
    text, encoding = decode_text(data)
    if not text.strip():
        raise FileProblem(Code.EMPTY_FILE, "文件为空")
    return Table("csv", encoding, _limited(_csv_rows(text)))


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "utf-8-sig")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "utf-16")]
    else:
        candidates = [("utf-8", "utf-8"), ("gb18030", "gb18030")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # a binary file, or UTF-16 without a BOM
        return text, label
    raise FileProblem(
        Code.UNREADABLE_ENCODING,
        "无法识别文件编码，请将CSV保存为UTF-8或GBK（GB18030）编码",
    )


def _sniff_delimiter(text: str) -> str:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def _csv_rows(text: str) -> Any:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise FileProblem(Code.UNREADABLE_FILE, f"CSV格式错误（第{number + 1}行）：{exc}") from None


def _xlsx_rows(data: bytes) -> Any:
    import openpyxl  # imported here: only workbook uploads pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem(Code.UNREADABLE_FILE, f"无法读取Excel文件：{exc}") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some exporters write a wrong <dimension>; read every row
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        book.close()


def _limited(numbered_rows: Any) -> list[SourceRow]:
    """Keep the non-blank rows; stop with an error once past IMPORT_MAX_ROWS (+ header)."""
    max_rows = limit("IMPORT_MAX_ROWS")
    rows: list[SourceRow] = []
    for number, cells in numbered_rows:
        if all(_is_blank(cell) for cell in cells):
            continue
        if len(rows) > max_rows:
            raise FileProblem(
                Code.TOO_MANY_ROWS, f"文件超过{max_rows}行数据的上限，请拆分后分批导入"
            )
        rows.append(SourceRow(number, tuple(cells)))
    return rows


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _readable(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f}KB"
    return f"{size / 1024 / 1024:.1f}MB"
