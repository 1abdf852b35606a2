"""FHIR primitive and general-purpose data types ↔ Python values.

Dates: FHIR allows partial dates (``2013``, ``2013-04``) and date-times with an offset. We keep
``datetime``s aware; a date without a time is midnight in the server's zone (Asia/Shanghai), and
a stored midnight is shown as a plain date again, so date-only values read back as sent.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.errors import invalid

JSON = dict[str, Any]


@dataclass(frozen=True)
class Instant:
    """The start and (exclusive) end of what a FHIR date or dateTime denotes."""

    start: dt.datetime
    end: dt.datetime
    precision: str  # year | month | day | second


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_instant(value: str, where: str) -> Instant:
    """A FHIR date/dateTime/instant (already checked by fhir.resources) as a time range."""
    instant = _instant(value.strip(), settings.TIME_ZONE)
    if instant is None:
        raise invalid(f"{where}: {value!r} is not a valid FHIR date or dateTime", where)
    return instant


@lru_cache(maxsize=4096)
def _instant(text: str, zone_name: str) -> Instant | None:
    """``parse_instant`` (None: not a date), cached: the results of one exam, and the exams of
    one Bundle, mostly share their times. Instants and datetimes are immutable."""
    zone = ZoneInfo(zone_name)
    try:
        if len(text) == 4:
            start = dt.datetime(int(text), 1, 1, tzinfo=zone)
            return Instant(start, start.replace(year=start.year + 1), "year")
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            start = dt.datetime(year, month, 1, tzinfo=zone)
            end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
            return Instant(start, end, "month")
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
            return Instant(start, start + dt.timedelta(days=1), "day")
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return Instant(moment, moment + dt.timedelta(seconds=1), "second")


def parse_date(value: str | None, where: str) -> dt.date | None:
    if not value:
        return None
    return timezone.localtime(parse_instant(value, where).start, _zone()).date()


def parse_datetime(value: str | None, where: str) -> dt.datetime | None:
    if not value:
        return None
    return parse_instant(value, where).start


def format_datetime(value: dt.datetime | None) -> str | None:
    """An aware datetime as a FHIR dateTime in the server zone; local midnight → a date."""
    if value is None:
        return None
    local = timezone.localtime(value, _zone())
    if local.time() == dt.time(0, 0):
        return local.date().isoformat()
    return local.isoformat(timespec="seconds")


def format_instant(value: dt.datetime) -> str:
    return timezone.localtime(value, _zone()).isoformat(timespec="seconds")


def format_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def decimal_or_none(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def fhir_number(value: Decimal) -> int | float:
    """A stored Decimal as a JSON number without trailing zeros (83.9146, 7, 0.05)."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def codings(concept: Any) -> list[JSON]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def first_coding(concept: Any, system: str | None = None) -> JSON | None:
    for coding in codings(concept):
        if system is None or coding.get("system") == system:
            return coding
    return None


def concept_text(concept: Any) -> str:
    """The best human text of a CodeableConcept: its text, else a display, else a code."""
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in codings(concept):
        if coding.get("display"):
            return str(coding["display"])
    for coding in codings(concept):
        if coding.get("code"):
            return str(coding["code"])
    return ""


def coding(system: str | None, code: str, display: str = "") -> JSON:
    out: JSON = {}
    if system:
        out["system"] = system
    out["code"] = code
    if display:
        out["display"] = display
    return out


def output_system(stored: str) -> str | None:
    """A code system as stored by any feed (a URI, or an HL7 v2 name such as LN) as a URI."""
    if not stored:
        return None
    if stored.upper() in ("LN", "LOINC"):
        return systems.LOINC
    if stored.upper() in ("SCT", "SNM", "SNOMED", "SNOMEDCT"):
        return systems.SNOMED
    if ":" in stored:
        return stored
    return None


def authority_system(authority: str) -> str:
    """A PersonIdentifier authority as an Identifier.system URI."""
    return authority if ":" in authority else systems.AUTHORITY_PREFIX + authority


def system_authority(system: str) -> str:
    """The inverse of ``authority_system``."""
    if system.startswith(systems.AUTHORITY_PREFIX):
        return system[len(systems.AUTHORITY_PREFIX) :]
    return system


@dataclass(frozen=True)
class Token:
    """A token search value: ``system|code``, ``|code`` (no system), ``code`` (any system)."""

    system: str | None  # None: any system; "": explicitly no system
    code: str

    @classmethod
    def parse(cls, raw: str) -> "Token":
        if "|" in raw:
            system, _, code = raw.partition("|")
            return cls(system, code)
        return cls(None, raw)
