"""Trend status of one exam item over one person's yearly results.

This is HealthLoop's own rule, not a published one; the definitions are below and in
docs/clinical.md, and the thresholds are parameters (`TrendParams`) with documented defaults.

Each observation is abnormal by the laboratory's flag when given, otherwise by its own
reference range (a value strictly outside [ref_low, ref_high]). The side of an abnormal value is
"high" above ref_high, "low" below ref_low, "unknown" when only a flag is given. Only the last
`window` observations by date are considered (default 3: three annual exams). With fewer than
`min_points` (default 2) the status is insufficient_data. Otherwise, in this order:

- persistent_normal: every observation in the window is normal.
- new_abnormal: the last is abnormal, every earlier one in the window normal.
- improving: the last is normal and all abnormal ones come first (abnormal…, normal…).
- fluctuating: the last is normal after a normal-abnormal-normal pattern; or the last is
  abnormal but the one before it is normal (and an earlier one abnormal); or the trailing
  abnormal run crosses from one side of the range to the other.
- For a trailing abnormal run of ≥ 2 values on one known side, with relative changes taken so
  that positive means further from the range (Δ = first → last of the run; each step relative
  to the earlier value) and threshold t (default 0.10):
  worsening if Δ ≥ t and no step moved back toward the range by t or more;
  improving if Δ ≤ −t and no step moved away by t or more;
  persistent_abnormal if |Δ| < t and every step is smaller than t; otherwise fluctuating.
- persistent_abnormal also when the run's side is unknown (flags only): without a range the
  direction of "worse" is not known.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from healthloop.clinical.errors import ClinicalInputError
from healthloop.clinical.result import JsonObject


class TrendStatus(StrEnum):
    PERSISTENT_NORMAL = "persistent_normal"
    IMPROVING = "improving"
    WORSENING = "worsening"
    FLUCTUATING = "fluctuating"
    NEW_ABNORMAL = "new_abnormal"
    PERSISTENT_ABNORMAL = "persistent_abnormal"
    INSUFFICIENT_DATA = "insufficient_data"


LABELS = {
    TrendStatus.PERSISTENT_NORMAL: "持续正常",
    TrendStatus.IMPROVING: "逐步改善",
    TrendStatus.WORSENING: "明显加重",
    TrendStatus.FLUCTUATING: "波动",
    TrendStatus.NEW_ABNORMAL: "新发异常",
    TrendStatus.PERSISTENT_ABNORMAL: "持续异常",
    TrendStatus.INSUFFICIENT_DATA: "数据不足",
}


def _finite(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ClinicalInputError(field, f"{field} must be a finite number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Observation:
    """One dated result with its abnormal flag and/or its reference range."""

    on: dt.date
    value: float
    abnormal: bool | None = None
    ref_low: float | None = None
    ref_high: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.on, dt.date):
            raise ClinicalInputError("on", f"on must be a date, got {self.on!r}")
        _finite(self.value, "value")
        for name in ("ref_low", "ref_high"):
            if getattr(self, name) is not None:
                _finite(getattr(self, name), name)
        if self.abnormal is not None and not isinstance(self.abnormal, bool):
            raise ClinicalInputError("abnormal", f"abnormal must be a bool, got {self.abnormal!r}")
        if self.abnormal is None and self.ref_low is None and self.ref_high is None:
            raise ClinicalInputError("abnormal", "give the abnormal flag or a reference range")
        if self.ref_low is not None and self.ref_high is not None and self.ref_low > self.ref_high:
            raise ClinicalInputError("ref_low", "ref_low must not exceed ref_high")

    @property
    def is_abnormal(self) -> bool:
        if self.abnormal is not None:
            return self.abnormal
        return self.side != "normal"

    @property
    def side(self) -> str:
        """normal, high, low, or unknown (abnormal by flag with no range to place it)."""
        if self.ref_high is not None and self.value > self.ref_high:
            return "high"
        if self.ref_low is not None and self.value < self.ref_low:
            return "low"
        return "unknown" if self.abnormal else "normal"


@dataclass(frozen=True)
class TrendParams:
    """window: observations considered; min_points: fewer is insufficient data;
    relative_change: the threshold t as a fraction (0.10 = 10 %)."""

    window: int = 3
    min_points: int = 2
    relative_change: float = 0.10

    def __post_init__(self) -> None:
        if not 2 <= self.min_points <= self.window:
            raise ClinicalInputError("min_points", "need 2 <= min_points <= window")
        if not 0.0 < self.relative_change < 10.0:
            raise ClinicalInputError("relative_change", "relative_change must be in (0, 10)")


DEFAULT_PARAMS = TrendParams()
ROUNDING_TOLERANCE = 1e-9


@dataclass(frozen=True)
class TrendResult:
    status: TrendStatus
    label: str
    points_used: int
    relative_change: float | None  # over the trailing abnormal run; + means further from range
    basis: tuple[str, ...]

    def to_dict(self) -> JsonObject:
        return {
            "status": self.status.value,
            "label": self.label,
            "points_used": self.points_used,
            "relative_change": self.relative_change,
            "basis": list(self.basis),
        }


def _result(status: TrendStatus, used: int, basis: str, change: float | None = None) -> TrendResult:
    return TrendResult(status, LABELS[status], used, change, (basis,))


def _away_from_range(earlier: Observation, later: Observation) -> float:
    """Relative change from `earlier` to `later`, positive when moving further out of range."""
    if earlier.side == "high":
        sign, limit = 1.0, earlier.ref_high
    else:
        sign, limit = -1.0, earlier.ref_low
    # A zero value can only be abnormal against a non-zero limit; scale by that limit then.
    scale = abs(earlier.value) if earlier.value != 0.0 else abs(limit or 1.0)
    return sign * (later.value - earlier.value) / scale


def _classify_run(run: Sequence[Observation], params: TrendParams, used: int) -> TrendResult:
    """A trailing abnormal run of two or more observations."""
    sides = {point.side for point in run}
    if sides >= {"high", "low"}:
        return _result(TrendStatus.FLUCTUATING, used, "abnormal on both sides of the range")
    if "unknown" in sides:
        return _result(
            TrendStatus.PERSISTENT_ABNORMAL, used, "abnormal by flag; direction not known"
        )
    # A change of exactly t counts; the tolerance absorbs binary rounding of decimal lab values.
    t = params.relative_change - ROUNDING_TOLERANCE
    overall = _away_from_range(run[0], run[-1])
    steps = [_away_from_range(a, b) for a, b in pairwise(run)]
    text = (
        f"abnormal run of {len(run)}, change {overall:+.1%} "
        f"(threshold {params.relative_change:.0%})"
    )
    if overall >= t and all(step > -t for step in steps):
        return _result(TrendStatus.WORSENING, used, text, overall)
    if overall <= -t and all(step < t for step in steps):
        return _result(TrendStatus.IMPROVING, used, text, overall)
    if abs(overall) < t and all(abs(step) < t for step in steps):
        return _result(TrendStatus.PERSISTENT_ABNORMAL, used, text, overall)
    return _result(TrendStatus.FLUCTUATING, used, text, overall)


def _trailing_abnormal(window: Sequence[Observation]) -> list[Observation]:
    run: list[Observation] = []
    for point in reversed(window):
        if not point.is_abnormal:
            break
        run.insert(0, point)
    return run


def classify_trend(
    observations: Sequence[Observation], params: TrendParams = DEFAULT_PARAMS
) -> TrendResult:
    """Trend status of one item for one person (see the module docstring)."""
    ordered = sorted(observations, key=lambda point: point.on)
    for earlier, later in pairwise(ordered):
        if earlier.on == later.on:
            raise ClinicalInputError("observations", f"two observations on {later.on}")
    if len(ordered) < params.min_points:
        return _result(TrendStatus.INSUFFICIENT_DATA, len(ordered), "too few observations")
    window = ordered[-params.window :]
    used = len(window)
    flags = [point.is_abnormal for point in window]
    if not any(flags):
        return _result(TrendStatus.PERSISTENT_NORMAL, used, "all normal")
    if not flags[-1]:
        first_normal = flags.index(False)
        if all(not flag for flag in flags[first_normal:]):
            return _result(TrendStatus.IMPROVING, used, "abnormal, then normal since")
        return _result(TrendStatus.FLUCTUATING, used, "normal and abnormal alternate")
    if not any(flags[:-1]):
        return _result(TrendStatus.NEW_ABNORMAL, used, "abnormal for the first time")
    run = _trailing_abnormal(window)
    if len(run) < 2:
        return _result(TrendStatus.FLUCTUATING, used, "abnormal again after a normal result")
    return _classify_run(run, params, used)
