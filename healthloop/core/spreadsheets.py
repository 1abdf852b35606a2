"""Spreadsheet exports that are safe to open: no formula injection, no characters Excel refuses.

A cell that starts with = + - @ would run as a formula in Excel (CSV/formula injection), so text
cells get a leading apostrophe; control characters that the .xlsx format cannot hold (openpyxl
raises IllegalCharacterError on them) become U+FFFD, so one odd value in a free-text field never
breaks a whole export.
"""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def xlsx_bytes(sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet, written in openpyxl's write-only mode so that large exports stream."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
