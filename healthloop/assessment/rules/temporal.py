"""Predicates over time: a trend across yearly exams, and an overdue re-examination."""

import datetime as dt
from itertools import pairwise
from typing import Any

from healthloop.assessment.engine.facts import Needs, Obs
from healthloop.assessment.rules.base import (
    Context,
    Evidence,
    Predicate,
    RuleDefinitionError,
    local_date,
    obs_evidence,
)
from healthloop.clinical import trend


def yearly(points: list[Obs]) -> list[Obs]:
    """One value per calendar year (the year's latest), oldest first. ``points`` are
    newest first, as the engine fetches them."""
    by_year: dict[int, Obs] = {}
    for obs in points:
        if obs.value is not None:
            by_year.setdefault(local_date(obs.at).year, obs)
    return [by_year[year] for year in sorted(by_year)]


def trend_point(obs: Obs) -> trend.Observation:
    abnormal = None if not obs.flag else obs.flag not in ("N",)
    if abnormal is None and obs.ref_low is None and obs.ref_high is None:
        abnormal = False
    return trend.Observation(
        on=local_date(obs.at), value=float(obs.value or 0.0), abnormal=abnormal,
        ref_low=obs.ref_low, ref_high=obs.ref_high,
    )  # fmt: skip


class TrendPredicate(Predicate):
    """``{"item": "SBP", "exams": 3, "direction": "rising", "min_change": 10, "last_gte": 130}``
    — the last ``exams`` yearly values strictly rising (or falling), by at least
    ``min_change`` overall; or ``{"item": "GLU", "status": ["worsening"]}`` — the trend status
    of ``clinical.trend.classify_trend`` over the yearly values."""

    def __init__(self, raw: dict[str, Any], path: str) -> None:
        if not isinstance(raw, dict) or not isinstance(raw.get("item"), str):
            raise RuleDefinitionError(f"{path}.item", "需要项目编码")
        self.item = raw["item"]
        self.status = set(raw.get("status") or ())
        self.exams = int(raw.get("exams", 3))
        self.direction = raw.get("direction", "rising")
        self.min_change = float(raw.get("min_change", 0))
        self.last_gte = raw.get("last_gte")
        if self.direction not in ("rising", "falling"):
            raise RuleDefinitionError(f"{path}.direction", "应为rising或falling")
        if self.exams < 2:
            raise RuleDefinitionError(f"{path}.exams", "至少2次")
        unknown = self.status - {s.value for s in trend.TrendStatus}
        if unknown:
            raise RuleDefinitionError(f"{path}.status", f"未知的趋势状态：{sorted(unknown)}")

    def test(self, ctx: Context) -> Evidence | None:
        points = yearly(ctx.facts.history.get(self.item, []))
        if self.status:
            if len(points) < 2:
                return None
            result = trend.classify_trend([trend_point(p) for p in points])
            if result.status.value not in self.status:
                return None
            window = points[-result.points_used :]
            return [obs_evidence(ctx, p, trend=result.status.value) for p in window]
        window = points[-self.exams :]
        if len(window) < self.exams:
            return None
        values = [float(p.value or 0.0) for p in window]
        sign = 1.0 if self.direction == "rising" else -1.0
        if not all(sign * (b - a) > 0 for a, b in pairwise(values)):
            return None
        if sign * (values[-1] - values[0]) < self.min_change:
            return None
        if self.last_gte is not None and values[-1] < float(self.last_gte):
            return None
        return [obs_evidence(ctx, p) for p in window]

    def collect(self, needs: Needs) -> None:
        needs.history.add(self.item)


class OverduePredicate(Predicate):
    """``{"exam": true, "days": 455}`` — the last physical exam is older than ``days`` (a
    person never examined is not "overdue for a re-exam"); ``{"item": "HBA1C", "days": 183}``
    — the item was last measured more than ``days`` ago, or never."""

    def __init__(self, raw: dict[str, Any], path: str) -> None:
        if not isinstance(raw, dict) or not isinstance(raw.get("days"), int):
            raise RuleDefinitionError(f"{path}.days", "需要整数天数")
        self.days = raw["days"]
        self.item = raw.get("item")
        self.exam = bool(raw.get("exam"))
        if self.exam == bool(self.item):
            raise RuleDefinitionError(path, "exam与item二选一")

    def test(self, ctx: Context) -> Evidence | None:
        if self.exam:
            last_at = ctx.facts.last_exam_at
            if last_at is None:
                return None
            what = "exam"
        else:
            points = ctx.facts.history.get(self.item, [])
            last_at = points[0].at if points else None
            what = self.item
        last = local_date(last_at) if last_at is not None else None
        if last is not None and (ctx.as_of - last).days <= self.days:
            return None
        due = (last + dt.timedelta(days=self.days)).isoformat() if last else None
        return [
            {
                "type": "overdue",
                "what": what,
                "last": last.isoformat() if last else None,
                "due": due,
                "days": self.days,
            }
        ]

    def collect(self, needs: Needs) -> None:
        if self.exam:
            needs.exams = True
        else:
            needs.history.add(self.item)
