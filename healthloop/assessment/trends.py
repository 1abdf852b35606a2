"""Trend status per item for one person across yearly exams (docs/screening.md, "Trends").

One value per calendar year — the year's latest — then ``clinical.trend.classify_trend``
over the last three of them: 持续正常 / 逐步改善 / 明显加重 / 波动 / 新发异常 (plus 持续异常
and 数据不足). An observation is abnormal by its laboratory flag when it has one, otherwise by
its stored reference range.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from healthloop.assessment.engine.config import engine_config
from healthloop.assessment.engine.facts import Obs, day_end
from healthloop.assessment.engine.run import display_unit
from healthloop.assessment.rules.temporal import trend_point, yearly
from healthloop.clinical import trend
from healthloop.core.clock import today
from healthloop.people.models import Person
from healthloop.records.catalog import CatalogItem, get_catalog
from healthloop.records.models import Observation


@dataclass
class PersonObservations:
    """One person's results of the last ``history_years``, by item code, newest first."""

    by_item: dict[str, list[Obs]]
    items: dict[str, CatalogItem]
    ref_text: dict[int, str]
    units: dict[int, str]


def person_observations(person: Person, *, as_of: dt.date | None = None) -> PersonObservations:
    """One query: every catalogued, non-cancelled result in the history window."""
    config = engine_config()
    until = day_end(as_of or today())
    since = until - dt.timedelta(days=365 * config.history_years)
    catalog = get_catalog()
    rows = (
        Observation.objects.filter(
            person=person, item__isnull=False, effective_at__gte=since, effective_at__lt=until
        )
        .exclude(status=Observation.Status.CANCELLED)
        .order_by("-effective_at", "-id")
        .values_list("id", "item_id", "value_num", "value_code", "value_text", "flag",
                     "effective_at", "ref_low", "ref_high", "ref_text", "unit")
    )  # fmt: skip
    by_item: dict[str, list[Obs]] = {}
    items: dict[str, CatalogItem] = {}
    ref_text, units = {}, {}
    for oid, item_id, num, code, text, flag, at, low, high, ref, unit in rows:
        item = catalog.by_id.get(item_id)
        if item is None:
            continue
        items[item.code] = item
        by_item.setdefault(item.code, []).append(Obs(
            oid, item.code, float(num) if num is not None else None, code, text, flag, at,
            float(low) if low is not None else None, float(high) if high is not None else None,
        ))  # fmt: skip
        ref_text[oid], units[oid] = ref, unit
    return PersonObservations(by_item, items, ref_text, units)


def point_dict(obs: Obs) -> dict[str, Any]:
    return {
        "date": timezone.localtime(obs.at).date().isoformat(),
        "value": obs.value,
        "flag": obs.flag,
        "ref_low": obs.ref_low,
        "ref_high": obs.ref_high,
    }


def item_trend(points: list[Obs]) -> trend.TrendResult:
    return trend.classify_trend([trend_point(p) for p in yearly(points)])


def person_trends(
    person: Person, *, item_code: str = "", observations: PersonObservations | None = None
) -> list[dict[str, Any]]:
    """Trend status of every numeric item the person has (or of ``item_code``)."""
    data = observations or person_observations(person)
    result = []
    for code, points in sorted(data.by_item.items()):
        item = data.items[code]
        if item.value_type != "numeric" or (item_code and code != item_code.upper()):
            continue
        status = item_trend(points)
        result.append({
            "item": code, "name": item.name_zh, "unit": display_unit(item.unit),
            "points": [point_dict(p) for p in yearly(points)],
            **status.to_dict(),
        })  # fmt: skip
    return result
