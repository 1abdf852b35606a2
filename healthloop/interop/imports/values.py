"""Cell values as CSV and openpyxl hand them over → the plain values the services expect.

Every parser raises ``CellError(reason)``; the caller names the row and column.
"""

import datetime as dt
import re
import unicodedata
from typing import Any

from django.utils import timezone


class CellError(ValueError):
    def __init__(self, reason: str, code: str = "invalid_value") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_SEXES = {
    "男": "male",
    "男性": "male",
    "m": "male",
    "male": "male",
    "1": "male",
    "女": "female",
    "女性": "female",
    "f": "female",
    "female": "female",
    "2": "female",
    "未知": "unknown",
    "unknown": "unknown",
    "0": "unknown",
    "9": "unknown",
}


def text(cell: Any, *, normalize: bool = True) -> str:
    """A cell as stripped text; 1001.0 from Excel becomes "1001"."""
    if cell is None:
        return ""
    if type(cell) is str and cell.isascii():  # the common case; NFKC leaves ASCII as it is
        return cell.strip()
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, dt.datetime | dt.date | dt.time):
        return cell.isoformat(sep=" ") if isinstance(cell, dt.datetime) else cell.isoformat()
    raw = str(cell)
    return (unicodedata.normalize("NFKC", raw) if normalize else raw).strip()


def id_number(cell: Any) -> str:
    """The ID number as text; refuses the forms Excel leaves after eating digits."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        raise CellError(
            "身份证号在Excel中被存为数字，后几位已丢失；请将该列设为“文本”格式后重新填写",
            "invalid_identity",
        )
    value = re.sub(r"\s", "", text(cell)).upper()
    if _SCIENTIFIC.match(value):
        raise CellError(
            f"身份证号“{value}”是科学计数法，后几位已丢失；请将该列设为“文本”格式后重新填写",
            "invalid_identity",
        )
    return value


def sex(cell: Any) -> str:
    value = text(cell).lower()
    if not value:
        return ""
    if value not in _SEXES:
        raise CellError(f"性别“{text(cell)}”无法识别（应为男或女）", "invalid_identity")
    return _SEXES[value]


def date_and_time(cell: Any) -> tuple[dt.date, dt.time | None]:
    """2024-05-01, 2024/5/1, 2024.05.01, 20240501, 2024年5月1日, optionally with a time."""
    if isinstance(cell, dt.datetime):
        return cell.date(), (cell.time() if cell.time() != dt.time(0) else None)
    if isinstance(cell, dt.date):
        return cell, None
    raw = text(cell)
    value = re.sub(r"[/.年月]", "-", raw).replace("日", "").strip()
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if match is None:
        raise CellError(f"日期“{raw}”无法识别（应为如2024-05-01的格式）", "invalid_date")
    parts = match.groupdict()
    try:
        day = dt.date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        clock = None
        if parts.get("H"):
            clock = dt.time(int(parts["H"]), int(parts["M"]), int(parts.get("S") or 0))
    except ValueError:
        raise CellError(f"日期“{raw}”不存在", "invalid_date") from None
    return day, clock


def birth_date(cell: Any) -> dt.date | None:
    if text(cell) == "":
        return None
    return date_and_time(cell)[0]


def exam_moment(cell: Any, *, today: dt.date) -> dt.datetime:
    """The exam date (and time, if given) as an aware datetime in the configured zone."""
    day, clock = date_and_time(cell)
    if day > today:
        raise CellError(f"体检日期{day.isoformat()}晚于今天", "invalid_date")
    if day.year < 1950:
        raise CellError(f"体检日期{day.isoformat()}早于1950年，不合理", "invalid_date")
    return timezone.make_aware(dt.datetime.combine(day, clock or dt.time(0)))
