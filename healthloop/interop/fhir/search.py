"""FHIR search parameters → Django filters (https://hl7.org/fhir/R4/search.html).

Supported: date prefixes eq (default), ne, gt, lt, ge, le on the implicit range of the value
(``2024-05`` is the whole month); tokens ``system|code``, ``|code``, ``system|``, ``code``;
references ``Patient/<id>``, ``<id>`` or an absolute URL ending so; comma = OR, repeating a
parameter = AND; ``_count`` (default 20, at most 500), ``_offset`` (paging), ``_sort`` with one
field, ``-`` for descending; ``_total=none`` skips the count. Unknown parameters are ignored and
left out of the self link (``Prefer: handling=strict`` makes them an error).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from healthloop.interop.fhir.datatypes import Token, parse_instant
from healthloop.interop.fhir.errors import FHIRError, IssueType, invalid

DEFAULT_COUNT = 20
MAX_COUNT = 500
NOTHING = Q(pk__in=[])
_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
CONTROL = frozenset({"_count", "_offset", "_sort", "_total", "_format"})

Filter = Callable[[str], Q]  # one value (no commas) → condition


@dataclass
class SearchRequest:
    params: list[tuple[str, str]]  # the parameters applied (for the self link)
    filters: list[Q] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    offset: int = 0
    sort: str = ""
    total: bool = True


def date_filter(column: str) -> Filter:
    def build(raw: str) -> Q:
        prefix, text = (raw[:2], raw[2:]) if raw[:2] in _PREFIXES else ("eq", raw)
        span = parse_instant(text, "date")
        start, end = {f"{column}__gte": span.start}, {f"{column}__lt": span.end}
        if prefix == "eq":
            return Q(**start) & Q(**end)
        if prefix == "ne":
            return ~(Q(**start) & Q(**end))
        return {
            "gt": Q(**{f"{column}__gte": span.end}),
            "ge": Q(**{f"{column}__gte": span.start}),
            "lt": Q(**{f"{column}__lt": span.start}),
            "le": Q(**{f"{column}__lt": span.end}),
        }[prefix]

    return build


def reference_id(raw: str, resource_type: str) -> uuid.UUID | None:
    """The id in ``Type/<id>``, ``<id>`` or ``http…/Type/<id>``, if it is one of ours."""
    parts = raw.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] != resource_type:
        return None
    try:
        return uuid.UUID(parts[-1])
    except ValueError:
        return None


def reference_filter(column: str, resource_type: str = "Patient") -> Filter:
    def build(raw: str) -> Q:
        key = reference_id(raw, resource_type)
        return Q(**{column: key}) if key else NOTHING

    return build


def id_filter(column: str = "uuid") -> Filter:
    def build(raw: str) -> Q:
        try:
            return Q(**{column: uuid.UUID(raw)})
        except ValueError:
            return NOTHING

    return build


def exact_filter(column: str, mapping: dict[str, list[str]] | None = None) -> Filter:
    """A token whose code is stored as is (or through ``mapping``); the system is not kept."""

    def build(raw: str) -> Q:
        code = Token.parse(raw).code
        values = mapping.get(code, []) if mapping is not None else [code]
        return Q(**{f"{column}__in": values}) if values else NOTHING

    return build


def _int(name: str, raw: str, low: int, high: int) -> int:
    try:
        number = int(raw)
    except ValueError:
        raise invalid(f"{name}: {raw!r} is not a number", name) from None
    return max(low, min(high, number))


def parse(
    query: list[tuple[str, str]],
    filters: dict[str, Filter],
    sorts: dict[str, str],
    *,
    strict: bool = False,
) -> SearchRequest:
    """Build the filters; ``sorts`` maps a FHIR sort name to a column."""
    request = SearchRequest(params=[])
    for name, raw in query:
        if name == "_count":
            request.count = _int(name, raw, 0, MAX_COUNT)
        elif name == "_offset":
            request.offset = _int(name, raw, 0, 10**9)
        elif name == "_total":
            request.total = raw != "none"
        elif name == "_sort":
            key = raw.lstrip("-")
            if key not in sorts:
                if strict:
                    raise invalid(f"_sort: {raw!r} is not supported", "_sort")
                continue
            request.sort = ("-" if raw.startswith("-") else "") + sorts[key]
        elif name in filters:
            values = [v for v in raw.split(",") if v]
            if not values:
                continue
            condition = Q()
            for value in values:
                condition |= filters[name](value)
            request.filters.append(condition)
        elif name in CONTROL:
            continue
        elif strict:
            raise FHIRError(
                400,
                IssueType.NOT_SUPPORTED,
                f"search parameter {name!r} is not supported",
                expression=name,
            )
        else:
            continue
        if name not in ("_count", "_offset"):
            request.params.append((name, raw))
    return request
