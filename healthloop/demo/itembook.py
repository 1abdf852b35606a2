"""The exam-item catalog as the generator needs it: one result row per value, fast.

``records.services.prepare_observation`` validates one value at a time through Decimal
arithmetic; for millions of generated values the generator instead precomputes, per item, the
plausible and critical bounds and, per (sex, age), the reference range chosen by the catalog
(``CatalogItem.reference_range``). Values are rounded to the item's decimals, kept inside its
plausible bounds, and flagged exactly as ``Catalog.flag`` would flag the rounded value
(tests/test_values.py checks this against the catalog on a sample).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from healthloop.records.catalog import Catalog, CatalogItem

# (item id, code, display, value_num as text, value_text, value_code, unit, ref_low, ref_high,
#  flag): the item-specific columns of an Observation row.
Result = tuple[int, str, str, str | None, str, str, str, Decimal | None, Decimal | None, str]
Reference = tuple[bool, Decimal | None, Decimal | None, float | None, float | None]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class ItemSpec:
    item: CatalogItem
    low: float | None = None
    high: float | None = None
    critical_low: float | None = None
    critical_high: float | None = None
    step: float = 1.0
    refs: dict[tuple[str, int], Reference] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.low, self.high = _float(self.item.plausible_min), _float(self.item.plausible_max)
        self.critical_low = _float(self.item.critical_low)
        self.critical_high = _float(self.item.critical_high)
        self.step = 10.0**-self.item.decimals

    def reference(self, sex: str, age: int) -> Reference:
        """(has a range, low, high, low as float, high as float) — cached per sex and age."""
        key = (sex, age)
        ref = self.refs.get(key)
        if ref is None:
            r = self.item.reference_range(sex, age)
            ref = (
                (False, None, None, None, None)
                if r is None
                else (True, r.low, r.high, _float(r.low), _float(r.high))
            )
            self.refs[key] = ref
        return ref


class _NumericEntry:
    """Everything needed to turn a value of one item, for one sex and age, into a result."""

    __slots__ = (
        "crit_high",
        "crit_low",
        "decimals",
        "has_range",
        "head",
        "high",
        "low",
        "plaus_high",
        "plaus_low",
        "ref_high",
        "ref_low",
        "step",
        "unit",
    )

    def __init__(self, spec: ItemSpec, sex: str, age: int) -> None:
        item = spec.item
        self.head = (item.id, item.code, item.name_zh)
        self.unit, self.decimals, self.step = item.unit, item.decimals, spec.step
        self.plaus_low, self.plaus_high = spec.low, spec.high
        self.crit_low, self.crit_high = spec.critical_low, spec.critical_high
        self.has_range, self.ref_low, self.ref_high, self.low, self.high = spec.reference(sex, age)

    def result(self, value: float, critical: bool) -> Result:
        if not critical:
            if self.crit_high is not None and value >= self.crit_high - self.step / 2:
                value = self.crit_high - self.step
            if self.crit_low is not None and value <= self.crit_low + self.step / 2:
                value = self.crit_low + self.step
        if self.plaus_low is not None and value < self.plaus_low:
            value = self.plaus_low
        if self.plaus_high is not None and value > self.plaus_high:
            value = self.plaus_high
        value = round(value, self.decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
        if self.crit_low is not None and value <= self.crit_low:
            flag = "LL"
        elif self.crit_high is not None and value >= self.crit_high:
            flag = "HH"
        elif not self.has_range:
            flag = ""
        elif self.low is not None and value < self.low:
            flag = "L"
        elif self.high is not None and value > self.high:
            flag = "H"
        else:
            flag = "N"
        item_id, code, name = self.head
        return (
            item_id,
            code,
            name,
            f"{value:.{self.decimals}f}",
            "",
            "",
            self.unit,
            self.ref_low,
            self.ref_high,
            flag,
        )


class ItemBook:
    """Catalog items by code, with the generator's fast numeric path."""

    def __init__(self, catalog: Catalog, codes: set[str]) -> None:
        self.specs: dict[str, ItemSpec] = {}
        self._numeric: dict[tuple[str, str, int], _NumericEntry] = {}
        self.missing = sorted(code for code in codes if code not in catalog.by_code)
        for code in codes:
            item = catalog.by_code.get(code)
            if item is not None:
                self.specs[code] = ItemSpec(item)

    def has(self, code: str) -> bool:
        return code in self.specs

    def numeric(
        self, code: str, value: float, sex: str, age: int, *, critical: bool = False
    ) -> Result | None:
        """A numeric result. Without ``critical`` a value that would reach a critical limit
        is pulled back just inside it: critical values appear only where they are planted."""
        entry = self._numeric.get((code, sex, age))
        if entry is None:
            spec = self.specs.get(code)
            if spec is None:
                return None
            entry = self._numeric[(code, sex, age)] = _NumericEntry(spec, sex, age)
        return entry.result(value, critical)

    def coded(self, code: str, answer: str) -> Result | None:
        spec = self.specs.get(code)
        if spec is None:
            return None
        item = spec.item
        abnormal = item.answers.get(answer.upper())
        flag = "" if abnormal is None else "A" if abnormal else "N"
        return (item.id, item.code, item.name_zh, None, "", answer, "", None, None, flag)

    def text(self, code: str, text: str, *, abnormal: bool) -> Result | None:
        spec = self.specs.get(code)
        if spec is None:
            return None
        item = spec.item
        return (
            item.id,
            item.code,
            item.name_zh,
            None,
            text,
            "",
            "",
            None,
            None,
            "A" if abnormal else "N",
        )
