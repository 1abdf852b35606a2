"""HL7 v2 data types to Python values: TS/DTM, NM, SN, CE/CWE, reference ranges, LOINC codes.

Conversions never raise on bad content: they return None and append a warning naming the field,
because one odd timestamp must not cost the other results of a message.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .model import CodedValue, ReferenceRange, StructuredNumeric
from .tokenizer import Value

_TS = re.compile(
    r"(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?\Z", re.ASCII
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z", re.ASCII)
_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_RANGE = re.compile(
    rf"\s*({_NUM})\s*(?:-|\u2013|~|_|to)\s*({_NUM})(?:\s+\S.*)?\s*\Z",
    re.IGNORECASE | re.ASCII | re.DOTALL,
)
_UPPER = re.compile(rf"\s*(?:<=?|≤)\s*({_NUM})(?:[\s:].*)?\Z", re.DOTALL | re.ASCII)
_LOWER = re.compile(rf"\s*(?:>=?|≥)\s*({_NUM})(?:[\s:].*)?\Z", re.DOTALL | re.ASCII)
_COMPARATOR_NUMBER = re.compile(rf"\s*(<=|>=|<>|<|>|=)\s*({_NUM})\s*\Z", re.ASCII)
_LOINC = re.compile(r"(\d{1,7})-(\d)\Z", re.ASCII)
_LOINC_PART = re.compile(r"L[APL]\d{1,8}-\d\Z", re.ASCII)
_SEX = {
    "M": "M",
    "F": "F",
    "O": "O",
    "U": "U",
    "A": "O",
    "N": "U",
    "MALE": "M",
    "FEMALE": "F",
    "男": "M",
    "女": "F",
    "1": "M",  # GB/T 2261.1: 1 male, 2 female, 0 unknown, 9 unspecified
    "2": "F",
    "0": "U",
    "9": "U",
}

Warnings = list[str]


def parse_timestamp(raw: str, where: str, warnings: Warnings) -> datetime | None:
    """HL7 TS/DTM (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]); aware when an offset is given."""
    text = raw.strip()
    if not text:
        return None
    match = _TS.match(text)
    if match is None:
        warnings.append(f"{where}: cannot parse timestamp {text[:40]!r}")
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        tz = _timezone(offset)
        micro = int((fraction or "0").ljust(6, "0"))
        return datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=tz,
        )
    except ValueError:
        warnings.append(f"{where}: invalid timestamp {text[:40]!r}")
        return None


@lru_cache(maxsize=64)
def _timezone(offset: str | None) -> timezone | None:
    if not offset:
        return None
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[3:5])
    if hours > 14 or minutes > 59:
        raise ValueError(f"bad UTC offset {offset}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date(raw: str, where: str, warnings: Warnings) -> date | None:
    """The calendar date of an HL7 DT/TS, as sent (no time-zone conversion)."""
    moment = parse_timestamp(raw, where, warnings)
    return moment.date() if moment else None


def parse_decimal(raw: str) -> Decimal | None:
    """An HL7 NM ("0065.88", "-1.5", ".5") as Decimal; None when it is not a plain number."""
    text = raw.strip()
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


def parse_numeric(raw: str, where: str, warnings: Warnings) -> Decimal | StructuredNumeric | None:
    """OBX-5 of type NM. "<0.5" is kept as a StructuredNumeric, with a warning."""
    number = parse_decimal(raw)
    if number is not None:
        return number
    match = _COMPARATOR_NUMBER.match(raw)
    if match:
        warnings.append(f"{where}: NM value {raw.strip()!r} has a comparator; read as SN")
        return StructuredNumeric(match.group(1), Decimal(match.group(2)))
    warnings.append(f"{where}: NM value {raw.strip()[:40]!r} is not a number")
    return None


def parse_structured_numeric(value: Value, where: str, warnings: Warnings) -> StructuredNumeric:
    """SN: comparator ^ num1 ^ separator/suffix ^ num2."""
    comparator, first, separator, second = (value.text(i) for i in (1, 2, 3, 4))
    number, number2 = parse_decimal(first), parse_decimal(second)
    if (first and number is None) or (second and number2 is None):
        warnings.append(f"{where}: SN value {value.raw[:40]!r} has a non-numeric part")
    return StructuredNumeric(comparator, number, separator, number2)


def parse_coded(value: Value) -> CodedValue:
    """CE / CWE / CNE components 1-6 and 9 (original text)."""
    return CodedValue(
        code=value.text(1),
        text=value.text(2),
        system=value.text(3),
        alt_code=value.text(4),
        alt_text=value.text(5),
        alt_system=value.text(6),
        original_text=value.text(9),
    )


def parse_reference_range(raw: str) -> ReferenceRange | None:
    """OBX-7: "3.5-5.5", "4.3 to 6.2", "70_105", "<85", ">10", "<0.50 IU/mL"; raw always kept."""
    text = raw.strip()
    if not text:
        return None
    match = _RANGE.match(text)
    if match:
        return ReferenceRange(text, Decimal(match.group(1)), Decimal(match.group(2)))
    match = _UPPER.match(text)
    if match:
        return ReferenceRange(text, None, Decimal(match.group(1)))
    match = _LOWER.match(text)
    if match:
        return ReferenceRange(text, Decimal(match.group(1)), None)
    return ReferenceRange(text, None, None)


def is_valid_loinc(code: str) -> bool:
    """LOINC code format with its mod-10 check digit; LOINC part/answer codes (LA/LP/LL)."""
    if _LOINC_PART.match(code):
        return True
    match = _LOINC.match(code)
    if not match:
        return False
    total = 0
    for position, char in enumerate(reversed(match.group(1))):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10 == int(match.group(2))


def normalise_sex(raw: str, where: str, warnings: Warnings) -> str:
    """Administrative sex to M / F / O / U (HL7 table 0001, plus 男/女 and GB/T 2261.1 codes)."""
    text = raw.strip()
    if not text:
        return "U"
    sex = _SEX.get(text.upper())
    if sex is None:
        warnings.append(f"{where}: unknown sex code {text[:20]!r}; using U")
        return "U"
    return sex
