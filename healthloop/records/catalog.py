"""The exam-item catalog in memory: resolve a source's code or name to an item, convert its
unit into the catalog unit, check plausibility and flag the value against the reference range.

One ``Catalog`` is built from the database per process and refreshed every ``TTL_SECONDS``
(administrators' edits show up within a minute without a restart).
"""

import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from healthloop.records.catalog_loader import read_unit_synonyms
from healthloop.records.models import ExamItem, Flag, ItemAlias

TTL_SECONDS = 60


class CatalogError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Range:
    sex: str
    age_min: int | None
    age_max: int | None
    low: Decimal | None
    high: Decimal | None

    def applies(self, sex: str, age: int | None) -> bool:
        if self.sex not in ("any", sex):
            return False
        if age is None:
            return self.age_min is None and self.age_max is None
        return (self.age_min is None or age >= self.age_min) and (
            self.age_max is None or age <= self.age_max
        )


@dataclass(frozen=True)
class CatalogItem:
    id: int
    code: str
    name_zh: str
    unit: str
    value_type: str
    decimals: int
    loinc: str | None
    plausible_min: Decimal | None
    plausible_max: Decimal | None
    critical_low: Decimal | None
    critical_high: Decimal | None
    ranges: tuple[Range, ...]
    units: dict[str, tuple[Decimal, Decimal]]  # lower-case unit → (factor, offset)
    answers: dict[str, bool]  # coded answer (upper) → abnormal?

    def reference_range(self, sex: str, age: int | None) -> Range | None:
        matches = [r for r in self.ranges if r.applies(sex, age)]
        # A sex-specific range beats the "any" range.
        matches.sort(key=lambda r: r.sex == "any")
        return matches[0] if matches else None


class Catalog:
    def __init__(self, items: list[CatalogItem], aliases: dict[str, int], synonyms: dict[str, str]):
        self.by_id = {item.id: item for item in items}
        self.by_code = {item.code.upper(): item for item in items}
        self.by_loinc = {item.loinc: item for item in items if item.loinc}
        self.aliases = aliases
        self.synonyms = {k.strip().lower(): v for k, v in synonyms.items()}
        self._rules: dict[int, ItemRule] = {}

    @classmethod
    def from_database(cls) -> "Catalog":
        items = []
        query = ExamItem.objects.filter(active=True).prefetch_related("ranges", "alt_units")
        for row in query:
            ranges = tuple(
                Range(r.sex, r.age_min, r.age_max, r.low, r.high) for r in row.ranges.all()
            )
            units = {row.unit.lower(): (Decimal(1), Decimal(0))} if row.unit else {}
            units.update({u.unit.lower(): (u.factor, u.offset) for u in row.alt_units.all()})
            answers = {str(a["code"]).upper(): bool(a.get("abnormal")) for a in row.answers}
            items.append(
                CatalogItem(
                    row.pk,
                    row.code,
                    row.name_zh,
                    row.unit,
                    row.value_type,
                    row.decimals,
                    row.loinc,
                    row.plausible_min,
                    row.plausible_max,
                    row.critical_low,
                    row.critical_high,
                    ranges,
                    units,
                    answers,
                )
            )
        aliases = dict(ItemAlias.objects.values_list("alias", "item_id"))
        return cls(items, aliases, read_unit_synonyms())

    def rule(self, item: CatalogItem) -> "ItemRule":
        """The item's precomputed validation rule (built once per catalog refresh)."""
        found = self._rules.get(item.id)
        if found is None:
            found = self._rules[item.id] = ItemRule(self, item)
        return found

    def resolve(self, code: str) -> CatalogItem | None:
        """A catalog item from a local code, a LOINC code or an alias (case-insensitive)."""
        key = code.strip().upper()
        item = self.by_code.get(key) or self.by_loinc.get(code.strip())
        if item is None and key in self.aliases:
            item = self.by_id.get(self.aliases[key])
        return item

    def canonical_unit(self, unit: str) -> str:
        raw = unit.strip()
        return self.synonyms.get(raw.lower(), raw)

    def to_catalog_unit(self, item: CatalogItem, value: Decimal, unit: str) -> Decimal:
        """Convert a numeric value into the item's catalog unit; unknown units are an error."""
        if not unit.strip() or not item.units:
            return value
        canonical = self.canonical_unit(unit).lower()
        conversion = item.units.get(canonical)
        if conversion is None:
            raise CatalogError("unit", f"{item.name_zh}不支持单位“{unit}”（应为{item.unit}）")
        factor, offset = conversion
        return value * factor + offset

    def parse_number(self, item: CatalogItem, raw: object) -> Decimal:
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise CatalogError("value", f"{item.name_zh}的结果“{raw}”不是数值") from None
        if not value.is_finite():
            raise CatalogError("value", f"{item.name_zh}的结果“{raw}”不是数值")
        return value

    def check_plausible(self, item: CatalogItem, value: Decimal) -> None:
        low, high = item.plausible_min, item.plausible_max
        if (low is not None and value < low) or (high is not None and value > high):
            raise CatalogError(
                "value",
                f"{item.name_zh}的结果{value}{item.unit}不可能（合理范围{low}–{high}{item.unit}）",
            )

    def flag(
        self, item: CatalogItem, value: Decimal, sex: str, age: int | None
    ) -> tuple[str, Range | None]:
        ref = item.reference_range(sex, age)
        if item.critical_low is not None and value <= item.critical_low:
            return Flag.CRITICAL_LOW, ref
        if item.critical_high is not None and value >= item.critical_high:
            return Flag.CRITICAL_HIGH, ref
        if ref is None:
            return "", None
        if ref.low is not None and value < ref.low:
            return Flag.LOW, ref
        if ref.high is not None and value > ref.high:
            return Flag.HIGH, ref
        return Flag.NORMAL, ref

    def flag_coded(self, item: CatalogItem, code: str) -> str:
        abnormal = item.answers.get(code.strip().upper())
        if abnormal is None:
            return ""
        return Flag.ABNORMAL if abnormal else Flag.NORMAL


# (value_num, value_text, value_code, unit, ref_low, ref_high, flag): a result's stored value
# columns, as ``ItemRule.prepare`` computes them.
PreparedValue = tuple[Decimal | None, str, str, str, Decimal | None, Decimal | None, str]
_IDENTITY = (Decimal(1), Decimal(0))
# Plain str, not the TextChoices members: the bulk path hands these to the database driver.
_LL, _HH, _L, _H, _N = (
    str(f.value) for f in (Flag.CRITICAL_LOW, Flag.CRITICAL_HIGH, Flag.LOW, Flag.HIGH, Flag.NORMAL)
)


class ItemRule:
    """One item's validation and conversion, with everything that does not depend on the value
    worked out once: the conversion per unit as sources spell it, the reference range per
    (sex, age). ``prepare`` gives exactly what the Catalog methods give, step by step (parse,
    convert, plausibility, round to 4 places, flag against the unrounded value), with the same
    CatalogError messages; ``services.prepare_observation`` is built on it."""

    __slots__ = ("_refs", "_units", "catalog", "coded", "item", "numeric")

    def __init__(self, catalog: Catalog, item: CatalogItem) -> None:
        self.catalog, self.item = catalog, item
        self.numeric = item.value_type == "numeric"
        self.coded = item.value_type in ("coded", "ordinal")
        self._units: dict[str, tuple[Decimal, Decimal] | None] = {}
        self._refs: dict[
            tuple[str, int | None], tuple[Range | None, Decimal | None, Decimal | None]
        ] = {}

    def conversion(self, unit: str) -> tuple[Decimal, Decimal] | None:
        """(factor, offset) for a unit as sent; None when no conversion applies."""
        try:
            return self._units[unit]
        except KeyError:
            pass
        item = self.item
        if not unit.strip() or not item.units:
            found = None
        else:
            found = item.units.get(self.catalog.canonical_unit(unit).lower())
            if found is None:
                raise CatalogError("unit", f"{item.name_zh}不支持单位“{unit}”（应为{item.unit}）")
            if found == _IDENTITY:
                found = None
        self._units[unit] = found
        return found

    def reference(
        self, sex: str, age: int | None
    ) -> tuple[Range | None, Decimal | None, Decimal | None]:
        key = (sex, age)
        found = self._refs.get(key)
        if found is None:
            ref = self.item.reference_range(sex, age)
            found = self._refs[key] = (ref, *((ref.low, ref.high) if ref else (None, None)))
        return found

    def prepare(
        self, raw: object, unit: str, sex: str, age: int | None, flag: str = ""
    ) -> PreparedValue:
        """The stored value columns of one result; raises CatalogError naming the field."""
        item = self.item
        if self.numeric:
            text = raw if type(raw) is str else str(raw)
            try:
                value = Decimal(text.strip())
            except InvalidOperation:
                raise CatalogError("value", f"{item.name_zh}的结果“{raw}”不是数值") from None
            if not value.is_finite():
                raise CatalogError("value", f"{item.name_zh}的结果“{raw}”不是数值")
            conversion = self.conversion(unit)
            if conversion is not None:
                value = value * conversion[0] + conversion[1]
            low, high = item.plausible_min, item.plausible_max
            if (low is not None and value < low) or (high is not None and value > high):
                raise CatalogError(
                    "value",
                    f"{item.name_zh}的结果{value}{item.unit}不可能（合理范围{low}–{high}{item.unit}）",
                )
            ref, ref_low, ref_high = self.reference(sex, age)
            if not flag:
                if item.critical_low is not None and value <= item.critical_low:
                    flag = _LL
                elif item.critical_high is not None and value >= item.critical_high:
                    flag = _HH
                elif ref is None:
                    flag = ""
                elif ref_low is not None and value < ref_low:
                    flag = _L
                elif ref_high is not None and value > ref_high:
                    flag = _H
                else:
                    flag = _N
            return round(value, 4), "", "", item.unit, ref_low, ref_high, flag
        text = (raw if type(raw) is str else str(raw)).strip()
        if not text:
            raise CatalogError("value", f"{item.name_zh}的结果为空")
        if self.coded:
            return None, "", text, "", None, None, flag or self.catalog.flag_coded(item, text)
        return None, text, "", "", None, None, flag


_cache: tuple[float, Catalog] | None = None


def get_catalog(*, refresh: bool = False) -> Catalog:
    global _cache
    now = time.monotonic()
    if refresh or _cache is None or now - _cache[0] > TTL_SECONDS:
        _cache = (now, Catalog.from_database())
    return _cache[1]
