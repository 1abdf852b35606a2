"""The downloadable error report of a job: row (as Excel shows it), column, value, reason.

CSV in UTF-8 with a BOM so that Excel on a Chinese Windows opens it without garbling. Cells
that Excel would run as a formula (=, +, -, @ followed by non-numbers) are prefixed with an
apostrophe: the values come from an uploaded file and must not become code in the reader's
spreadsheet (CSV injection).
"""

import csv
import io
import re

from healthloop.interop.models import ImportJob

HEADER = ("行号", "列", "值", "错误原因", "错误代码")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def error_report_rows(job: ImportJob) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    if job.error_message:
        rows.append(("", "文件", "", job.error_message, job.error_code))
    for error in job.errors:
        rows.append(
            (
                str(error["row"]),
                str(error["column"]),
                str(error["value"]),
                str(error["reason"]),
                str(error["code"]),
            )
        )
    if job.rows_failed > len(job.errors):
        rows.append(("", "", "", f"另有{job.rows_failed - len(job.errors)}行错误未列出", ""))
    return rows


def error_report_csv(job: ImportJob) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(tuple(_safe(cell) for cell in row) for row in error_report_rows(job))
    return buffer.getvalue().encode("utf-8-sig")


def error_report_file_name(job: ImportJob) -> str:
    return f"import-errors-{job.created_at:%Y%m%d-%H%M%S}-{str(job.uuid)[:8]}.csv"


def _safe(cell: str) -> str:
    if cell[:1] in ("=", "@", "\t", "\r") or (cell[:1] in ("+", "-") and not _NUMBER.match(cell)):
        return "'" + cell
    return cell
