"""Resident ID numbers (身份证号, GB 11643-1999) and mainland mobile numbers.

GB 11643-1999 "Citizen identification number": 6-digit administrative division code,
8-digit birth date (YYYYMMDD), 3-digit sequence code (odd = male, even = female) and a check
character computed with ISO 7064:1983 MOD 11-2 (weights 2^(17-i) mod 11, result mapped through
"10X98765432"). The standard's own worked example is 11010519491231002X.

Mobile numbers: 11 digits starting 13–19 (MIIT numbering plan), optionally written with +86 /
0086 and separators.
"""

import datetime as dt
import re
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# Province-level codes of GB/T 2260 (first two digits), incl. Taiwan, Hong Kong and Macao.
_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class IdentityError(ValueError):
    """An invalid identifier; ``field`` names the input, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "male" / "female"
    region_code: str


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_resident_id(raw: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate an 18-character resident ID number and return what it encodes."""
    number = raw.strip().upper()
    if len(number) != 18:
        raise IdentityError("id_number", f"身份证号应为18位，实际为{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentityError("id_number", "身份证号前17位须为数字，末位为数字或X")
    if number[:2] not in _PROVINCES or number[2:6] == "0000":
        raise IdentityError("id_number", f"身份证号地区码无效：{number[:6]}")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError("id_number", f"身份证号出生日期无效：{number[6:14]}") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1850:
        raise IdentityError("id_number", f"身份证号出生日期不合理：{birth.isoformat()}")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdentityError("id_number", f"身份证号校验位错误：应为{expected}")
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, birth_date=birth, sex=sex, region_code=number[:6])


def check_consistency(
    resident_id: ResidentId, *, sex: str | None, birth_date: dt.date | None
) -> None:
    """The sex and birth date given with a person must agree with the ID number."""
    if sex and sex in ("male", "female") and sex != resident_id.sex:
        raise IdentityError("sex", "性别与身份证号不一致")
    if birth_date and birth_date != resident_id.birth_date:
        raise IdentityError("birth_date", "出生日期与身份证号不一致")


def normalize_mobile(raw: str) -> str:
    """'+86 138-0013-8000' → '13800138000'; raises IdentityError when not a mainland mobile."""
    digits = re.sub(r"[\s\-()]", "", raw.strip())
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.match(digits):
        raise IdentityError("phone", f"手机号无效：{raw}")
    return digits
