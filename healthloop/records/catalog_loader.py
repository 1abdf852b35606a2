"""Load the exam-item catalog from the YAML shipped in records/catalog/ into the database.

Idempotent: items are matched by ``code``. A new item is created with its ranges, aliases and
alternate units. An existing item is left as administrators edited it, unless ``update=True``
(``manage.py load_catalog --update``), which rewrites it from the YAML.
"""

import copy
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from healthloop.records.models import ExamItem, ItemAlias, ItemRange, ItemUnit

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, mtime_ns: int) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return list(yaml.load(handle, Loader=_SafeLoader))  # noqa: S506 - a safe loader


def read_catalog(path: Path | None = None) -> list[dict[str, Any]]:
    """The catalog YAML as a list of entries (a fresh copy: callers may change it). Parsed once
    per file version; the tests load the catalog hundreds of times."""
    file = path or CATALOG_DIR / "exam_items.yaml"
    return copy.deepcopy(_parsed(file, file.stat().st_mtime_ns))


def _item_fields(entry: dict[str, Any]) -> dict[str, Any]:
    plausible = entry.get("plausible") or {}
    critical = entry.get("critical") or {}
    return {
        "name_zh": entry["name_zh"],
        "name_en": entry["name_en"],
        "category": entry["category"],
        "loinc": entry.get("loinc") or None,
        "value_type": entry["value_type"],
        "unit": entry.get("unit") or "",
        "decimals": entry.get("decimals", 2),
        "plausible_min": _dec(plausible.get("min")),
        "plausible_max": _dec(plausible.get("max")),
        "critical_low": _dec(critical.get("low")),
        "critical_high": _dec(critical.get("high")),
        "answers": entry.get("answers") or [],
    }


def _children(item: ExamItem, entry: dict[str, Any]) -> tuple[list, set[str], list]:
    ranges = [
        ItemRange(
            item=item,
            sex=r.get("sex", "any"),
            age_min=r.get("age_min"),
            age_max=r.get("age_max"),
            low=_dec(r.get("low")),
            high=_dec(r.get("high")),
        )
        for r in entry.get("ranges") or []
    ]
    aliases = {str(a).strip().upper() for a in entry.get("aliases") or []} | {item.code.upper()}
    units = [
        ItemUnit(
            item=item, unit=u["unit"], factor=_dec(u["factor"]), offset=_dec(u.get("offset", 0))
        )
        for u in entry.get("alt_units") or []
    ]
    return ranges, aliases, units


def _write_children(pairs: list[tuple[ExamItem, dict[str, Any]]], *, replace: bool) -> None:
    """Ranges, aliases and alternate units of the items, in one bulk insert each. An alias that
    another item already holds stays with that item (the first item in catalog order wins)."""
    if replace:
        ids = [item.pk for item, _ in pairs]
        ItemRange.objects.filter(item_id__in=ids).delete()
        ItemAlias.objects.filter(item_id__in=ids).delete()
        ItemUnit.objects.filter(item_id__in=ids).delete()
    ranges, units, aliases = [], [], []
    wanted = [(item, _children(item, entry)) for item, entry in pairs]
    taken = set(
        ItemAlias.objects.filter(
            alias__in={a for _, (_, names, _) in wanted for a in names}
        ).values_list("alias", flat=True)
    )
    for item, (item_ranges, names, item_units) in wanted:
        ranges += item_ranges
        units += item_units
        for alias in sorted(names - taken):
            aliases.append(ItemAlias(item=item, alias=alias))
            taken.add(alias)
    ItemRange.objects.bulk_create(ranges)
    ItemAlias.objects.bulk_create(aliases)
    ItemUnit.objects.bulk_create(units)


@transaction.atomic
def load_catalog(*, update: bool = False, path: Path | None = None) -> LoadResult:
    existing = {item.code: item for item in ExamItem.objects.all()}
    entries = read_catalog(path)
    new = [entry for entry in entries if entry["code"] not in existing]
    items = ExamItem.objects.bulk_create(
        ExamItem(code=entry["code"], **_item_fields(entry)) for entry in new
    )
    if items and items[0].pk is None:  # a backend that cannot return ids from a bulk insert
        items = list(ExamItem.objects.filter(code__in=[e["code"] for e in new]))
        items.sort(key=[e["code"] for e in new].index)
    _write_children(list(zip(items, new, strict=True)), replace=False)
    changed = []
    if update:
        for entry in entries:
            item = existing.get(entry["code"])
            if item is not None:
                for name, value in _item_fields(entry).items():
                    setattr(item, name, value)
                item.save()
                changed.append((item, entry))
        _write_children(changed, replace=True)
    unchanged = len(entries) - len(new) - len(changed)
    return LoadResult(created=len(new), updated=len(changed), unchanged=unchanged)


def read_unit_synonyms(path: Path | None = None) -> dict[str, str]:
    file = path or CATALOG_DIR / "unit_synonyms.yaml"
    with open(file, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {str(k): str(v) for k, v in data.items()}
