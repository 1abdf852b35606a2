"""Trend status of one item over yearly results: every category and its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthloop.clinical import ClinicalInputError
from healthloop.clinical.trend import (
    Observation,
    TrendParams,
    TrendStatus,
    classify_trend,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)
LDL_HIGH = 3.4  # mmol/L, upper reference limit used in these examples


def _yearly(
    *values: float, low: float | None = None, high: float | None = LDL_HIGH
) -> list[Observation]:
    return [
        Observation(on=dt.date(2020 + i, 5, 1), value=v, ref_low=low, ref_high=high)
        for i, v in enumerate(values)
    ]


def _flags(*abnormal: bool) -> list[Observation]:
    return [
        Observation(on=dt.date(2020 + i, 5, 1), value=1.0, abnormal=flag)
        for i, flag in enumerate(abnormal)
    ]


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ((3.0, 3.2, 3.4), TrendStatus.PERSISTENT_NORMAL),  # 3.4 is inside [.., 3.4]
        ((3.0, 3.2, 3.41), TrendStatus.NEW_ABNORMAL),
        ((4.0, 3.0, 3.1), TrendStatus.IMPROVING),
        ((4.0, 4.2, 3.1), TrendStatus.IMPROVING),
        ((3.0, 4.0, 3.0), TrendStatus.FLUCTUATING),
        ((4.0, 3.0, 4.0), TrendStatus.FLUCTUATING),
        ((4.0, 4.2, 4.4), TrendStatus.WORSENING),
        ((3.0, 4.0, 4.4), TrendStatus.WORSENING),
        ((5.0, 4.5, 4.0), TrendStatus.IMPROVING),
        ((4.0, 4.1, 4.2), TrendStatus.PERSISTENT_ABNORMAL),
        ((4.0, 5.0, 4.1), TrendStatus.FLUCTUATING),
    ],
)
def test_trend_categories_against_an_upper_limit(
    values: tuple[float, ...], status: TrendStatus
) -> None:
    # given three yearly LDL-C values with upper limit 3.4
    observations = _yearly(*values)
    # when
    result = classify_trend(observations)
    # then
    assert result.status is status
    assert result.points_used == 3


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ((120, 100, 90), TrendStatus.WORSENING),
        ((90, 100, 120), TrendStatus.IMPROVING),
        ((100, 99, 100), TrendStatus.PERSISTENT_ABNORMAL),
    ],
)
def test_trend_direction_for_a_lower_limit_is_downwards(
    values: tuple[float, ...], status: TrendStatus
) -> None:
    # given haemoglobin below its lower limit of 130 g/L
    observations = _yearly(*values, low=130, high=175)
    # when / then
    assert classify_trend(observations).status is status


@pytest.mark.parametrize(
    ("values", "status", "change"),
    [((0.0, 0.0), TrendStatus.PERSISTENT_ABNORMAL, 0.0), ((0.0, 0.5), TrendStatus.IMPROVING, -0.5)],
)
def test_trend_from_a_zero_value_scales_by_the_reference_limit(
    values: tuple[float, ...], status: TrendStatus, change: float
) -> None:
    # given an undetectable value below a lower limit of 1.0
    observations = _yearly(*values, low=1.0, high=5.0)
    # when
    result = classify_trend(observations)
    # then
    assert (result.status, result.relative_change) == (status, change)


def test_trend_abnormal_on_both_sides_is_fluctuating() -> None:
    # given potassium below then above its range
    observations = _yearly(3.0, 5.8, low=3.5, high=5.3)
    # when / then
    assert classify_trend(observations).status is TrendStatus.FLUCTUATING


@pytest.mark.parametrize(
    ("first", "last", "status"),
    [
        (4.0, 4.4, TrendStatus.WORSENING),  # +10.0 %
        (4.0, 4.399, TrendStatus.PERSISTENT_ABNORMAL),  # +9.975 %
        (5.0, 4.5, TrendStatus.IMPROVING),  # -10.0 %
        (5.0, 4.501, TrendStatus.PERSISTENT_ABNORMAL),  # -9.98 %
    ],
)
def test_trend_relative_change_threshold_is_inclusive_at_10_percent(
    first: float, last: float, status: TrendStatus
) -> None:
    # given two abnormal years
    observations = _yearly(first, last)
    # when
    result = classify_trend(observations)
    # then
    assert result.status is status
    assert result.relative_change == pytest.approx((last - first) / first, rel=1e-12)


def test_trend_threshold_is_a_parameter() -> None:
    # given a 5 % change, significant only with a 5 % threshold
    observations = _yearly(4.0, 4.2)
    # when
    default = classify_trend(observations)
    sensitive = classify_trend(observations, TrendParams(relative_change=0.05))
    # then
    assert default.status is TrendStatus.PERSISTENT_ABNORMAL
    assert sensitive.status is TrendStatus.WORSENING


def test_trend_step_back_by_the_threshold_makes_a_rise_fluctuating() -> None:
    # given +40 % overall but a 10 % fall in between
    observations = _yearly(4.0, 6.0, 5.4, 5.6)
    # when
    result = classify_trend(observations, TrendParams(window=4))
    # then
    assert result.status is TrendStatus.FLUCTUATING
    assert result.points_used == 4


def test_trend_small_step_back_does_not_break_worsening() -> None:
    # given +35 % overall with a 2 % dip
    observations = _yearly(4.0, 5.5, 5.4)
    # when / then
    assert classify_trend(observations).status is TrendStatus.WORSENING


def test_trend_only_the_last_window_counts() -> None:
    # given an abnormal first year followed by three normal years
    observations = _yearly(5.0, 3.0, 3.1, 3.2)
    # when
    result = classify_trend(observations)
    # then
    assert result.status is TrendStatus.PERSISTENT_NORMAL
    assert result.points_used == 3


def test_trend_sorts_by_date() -> None:
    # given values listed newest first
    observations = list(reversed(_yearly(4.0, 4.2, 4.4)))
    # when / then
    assert classify_trend(observations).status is TrendStatus.WORSENING


@pytest.mark.parametrize(
    ("count", "status"),
    [(0, TrendStatus.INSUFFICIENT_DATA), (1, TrendStatus.INSUFFICIENT_DATA),
     (2, TrendStatus.NEW_ABNORMAL)],
)  # fmt: skip
def test_trend_needs_two_points(count: int, status: TrendStatus) -> None:
    # given `count` observations, the last abnormal
    observations = _yearly(3.0, 4.0)[-count:] if count else []
    # when
    result = classify_trend(observations)
    # then
    assert result.status is status
    assert result.label == {"insufficient_data": "数据不足", "new_abnormal": "新发异常"}[status]


@pytest.mark.parametrize(
    ("flags", "status"),
    [
        ((False, False, False), TrendStatus.PERSISTENT_NORMAL),
        ((False, False, True), TrendStatus.NEW_ABNORMAL),
        ((True, True, False), TrendStatus.IMPROVING),
        ((True, False, False), TrendStatus.IMPROVING),
        ((False, True, False), TrendStatus.FLUCTUATING),
        ((True, False, True), TrendStatus.FLUCTUATING),
        ((True, True, True), TrendStatus.PERSISTENT_ABNORMAL),
        ((False, True, True), TrendStatus.PERSISTENT_ABNORMAL),
    ],
)
def test_trend_with_laboratory_flags_only(flags: tuple[bool, ...], status: TrendStatus) -> None:
    # given abnormal flags without a reference range
    # when
    result = classify_trend(_flags(*flags))
    # then
    assert result.status is status


def test_trend_flag_wins_over_the_range() -> None:
    # given a value above the range that the laboratory flagged normal
    observations = [
        Observation(dt.date(2021, 1, 1), 3.6, abnormal=False, ref_high=3.4),
        Observation(dt.date(2022, 1, 1), 3.7, abnormal=False, ref_high=3.4),
    ]
    # when / then
    assert classify_trend(observations).status is TrendStatus.PERSISTENT_NORMAL


def test_trend_result_labels_and_dict() -> None:
    # given / when
    result = classify_trend(_yearly(4.0, 4.2, 4.4)).to_dict()
    # then
    assert result["status"] == "worsening"
    assert result["label"] == "明显加重"
    assert result["points_used"] == 3
    assert result["relative_change"] == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Observation(dt.date(2020, 1, 1), 1.0), "abnormal"),
        (lambda: Observation(dt.date(2020, 1, 1), float("nan"), abnormal=True), "value"),
        (lambda: Observation("2020-01-01", 1.0, abnormal=True), "on"),  # type: ignore[arg-type]
        (lambda: Observation(dt.date(2020, 1, 1), 1.0, abnormal="yes"), "abnormal"),  # type: ignore[arg-type]
        (lambda: Observation(dt.date(2020, 1, 1), 1.0, ref_low=5, ref_high=3), "ref_low"),
        (lambda: TrendParams(window=2, min_points=3), "min_points"),
        (lambda: TrendParams(relative_change=0), "relative_change"),
        (
            lambda: classify_trend(
                [Observation(dt.date(2020, 1, 1), 1.0, abnormal=True)] * 2
            ),
            "observations",
        ),
    ],
)  # fmt: skip
def test_trend_rejects_bad_observations_and_parameters(build: object, field: str) -> None:
    # given / when
    assert callable(build)
    with pytest.raises(ClinicalInputError) as error:
        build()
    # then
    assert error.value.field == field


@PROPERTY
@given(values=st.lists(st.floats(0.5, 10.0), min_size=2, max_size=6))
def test_trend_always_returns_exactly_one_status_consistent_with_the_last_value(
    values: list[float],
) -> None:
    # given any series against the 3.4 upper limit
    observations = _yearly(*values)
    # when
    result = classify_trend(observations)
    # then
    last_abnormal = values[-1] > LDL_HIGH
    if last_abnormal:
        assert result.status not in (TrendStatus.PERSISTENT_NORMAL, TrendStatus.IMPROVING) or (
            result.relative_change is not None and result.relative_change < 0
        )
    else:
        assert result.status in (
            TrendStatus.PERSISTENT_NORMAL,
            TrendStatus.IMPROVING,
            TrendStatus.FLUCTUATING,
        )
