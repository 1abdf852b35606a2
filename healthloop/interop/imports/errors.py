"""Error codes of the exam-result import and the two kinds of problems it reports."""

from dataclasses import dataclass
from enum import StrEnum

from healthloop.core.errors import ServiceError


class ImportErrorCode(StrEnum):
    # file-level: nothing is read further, nothing is written
    EMPTY_FILE = "empty_file"
    NO_DATA_ROWS = "no_data_rows"
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_ROWS = "too_many_rows"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNREADABLE_ENCODING = "unreadable_encoding"
    UNREADABLE_FILE = "unreadable_file"
    MISSING_COLUMNS = "missing_columns"
    UNKNOWN_COLUMNS = "unknown_columns"
    DUPLICATE_COLUMNS = "duplicate_columns"
    WRITE_CONFLICT = "write_conflict"
    INTERNAL_ERROR = "internal_error"
    # row-level: reported with row, column and value
    MISSING_VALUE = "missing_value"
    VALUE_TOO_LONG = "value_too_long"
    INVALID_IDENTITY = "invalid_identity"
    INVALID_DATE = "invalid_date"
    UNKNOWN_PERSON = "unknown_person"
    IDENTITY_CONFLICT = "identity_conflict"
    EXAM_CONFLICT = "exam_conflict"
    DUPLICATE_CONFLICT = "duplicate_conflict"
    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_UNIT = "unknown_unit"
    INVALID_VALUE = "invalid_value"


class FileProblem(ServiceError):
    """The file as a whole cannot be imported (empty, too large, wrong header, unreadable)."""

    def __init__(self, code: ImportErrorCode, message: str) -> None:
        super().__init__(code, message, field="file")


@dataclass(frozen=True)
class RowProblem:
    """One reason a row cannot be imported. ``row`` is the row number Excel shows (header
    row = 1 in a plain file), ``column`` the header text as the file spells it."""

    row: int
    column: str
    value: str
    reason: str
    code: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "code": str(self.code),
        }
