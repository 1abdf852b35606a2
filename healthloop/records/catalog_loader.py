"""Load the exam-item catalog from the YAML shipped in records/catalog/ into the database.

Idempotent: items are matched by ``code``. A new item is created with its ranges, aliases and
alternate units. An existing item is left as administrators edited it, unless ``update=True``
(``manage.py load_catalog --update``), which rewrites it from the YAML.
"""

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


def read_catalog(path: Path | None = None) -> list[dict[str, Any]]:
    with open(path or CATALOG_DIR / "exam_items.yaml", encoding="utf-8") as handle:
        return list(yaml.safe_load(handle))


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


def _write_children(item: ExamItem, entry: dict[str, Any]) -> None:
    item.ranges.all().delete()
    item.aliases.all().delete()
    item.alt_units.all().delete()
    ItemRange.objects.bulk_create(
        ItemRange(
            item=item,
            sex=r.get("sex", "any"),
            age_min=r.get("age_min"),
            age_max=r.get("age_max"),
            low=_dec(r.get("low")),
            high=_dec(r.get("high")),
        )
        for r in entry.get("ranges") or []
    )
    aliases = {str(a).strip().upper() for a in entry.get("aliases") or []} | {item.code.upper()}
    taken = set(ItemAlias.objects.filter(alias__in=aliases).values_list("alias", flat=True))
    ItemAlias.objects.bulk_create(ItemAlias(item=item, alias=a) for a in aliases - taken)
    ItemUnit.objects.bulk_create(
        ItemUnit(
            item=item, unit=u["unit"], factor=_dec(u["factor"]), offset=_dec(u.get("offset", 0))
        )
        for u in entry.get("alt_units") or []
    )


@transaction.atomic
def load_catalog(*, update: bool = False, path: Path | None = None) -> LoadResult:
    created = updated = unchanged = 0
    existing = {item.code: item for item in ExamItem.objects.all()}
    for entry in read_catalog(path):
        item = existing.get(entry["code"])
        if item is None:
            item = ExamItem.objects.create(code=entry["code"], **_item_fields(entry))
            created += 1
        elif update:
            for name, value in _item_fields(entry).items():
                setattr(item, name, value)
            item.save()
            updated += 1
        else:
            unchanged += 1
            continue
        _write_children(item, entry)
    return LoadResult(created, updated, unchanged)


def read_unit_synonyms(path: Path | None = None) -> dict[str, str]:
    file = path or CATALOG_DIR / "unit_synonyms.yaml"
    with open(file, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {str(k): str(v) for k, v in data.items()}
