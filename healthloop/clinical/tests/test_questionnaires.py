"""PHQ-9, GAD-7, PSS-10 and PSQI: examples, band boundaries, alerts, totals as sums."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthloop.clinical import ClinicalInputError, calculate
from healthloop.clinical.psqi import (
    CHINA_CUTOFF,
    disturbance_score,
    duration_score,
    efficiency_score,
    latency_score,
    pair_score,
)
from healthloop.clinical.pss10 import COMMON_BANDS

PROPERTY = settings(max_examples=200, deadline=None, database=None)


def _spread(total: int, items: int, highest: int) -> list[int]:
    """Answers adding up to `total`, filled from the first item (item 9 of PHQ-9 stays 0)."""
    answers = []
    for _ in range(items):
        answers.append(min(highest, total))
        total -= answers[-1]
    assert total == 0
    return answers


# --- PHQ-9 ---------------------------------------------------------------------------------


def test_phq9_reference_example_scores_7_mild() -> None:
    # given / when
    result = calculate("phq9", {"answers": [1, 1, 2, 1, 0, 1, 1, 0, 0]})
    # then
    assert (result.value, result.unit, result.category, result.label, result.color) == (
        7, "points", "mild", "轻度抑郁", "yellow",
    )  # fmt: skip
    assert result.details == {"positive_screen": False, "self_harm_alert": False, "item_9": 0}


@pytest.mark.parametrize(
    ("total", "category", "color", "positive"),
    [
        (0, "minimal", "green", False),
        (4, "minimal", "green", False),
        (5, "mild", "yellow", False),
        (9, "mild", "yellow", False),
        (10, "moderate", "orange", True),
        (14, "moderate", "orange", True),
        (15, "moderately_severe", "orange", True),
        (19, "moderately_severe", "orange", True),
        (20, "severe", "red", True),
        (24, "severe", "red", True),
    ],
)
def test_phq9_severity_band_boundaries(
    total: int, category: str, color: str, positive: bool
) -> None:
    # given answers summing to `total` with item 9 = 0
    answers = [*_spread(total, 8, 3), 0]
    # when
    result = calculate("phq9", {"answers": answers})
    # then
    assert (result.value, result.category, result.color) == (total, category, color)
    assert result.details["positive_screen"] is positive


def test_phq9_item_9_raises_an_alert_whatever_the_total() -> None:
    # given a total of 1 from item 9 alone
    answers = [0, 0, 0, 0, 0, 0, 0, 0, 1]
    # when
    result = calculate("phq9", {"answers": answers})
    # then
    assert (result.value, result.category, result.color) == (1, "minimal", "red")
    assert result.details["self_harm_alert"] is True
    assert any("item 9" in line for line in result.basis)


@PROPERTY
@given(answers=st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_is_the_sum_of_items_and_item_9_always_alerts(answers: list[int]) -> None:
    # given / when
    result = calculate("phq9", {"answers": answers})
    # then
    assert result.value == sum(answers)
    assert 0 <= sum(answers) <= 27
    assert result.details["self_harm_alert"] is (answers[8] > 0)
    if answers[8] > 0:
        assert result.color == "red"


# --- GAD-7 ---------------------------------------------------------------------------------


def test_gad7_reference_example_scores_8_mild() -> None:
    # given / when
    result = calculate("gad7", {"answers": [2, 2, 1, 1, 0, 1, 1]})
    # then
    assert (result.value, result.category, result.label) == (8, "mild", "轻度焦虑")


@pytest.mark.parametrize(
    ("total", "category", "positive"),
    [(4, "minimal", False), (5, "mild", False), (9, "mild", False), (10, "moderate", True),
     (14, "moderate", True), (15, "severe", True), (21, "severe", True)],
)  # fmt: skip
def test_gad7_severity_band_boundaries(total: int, category: str, positive: bool) -> None:
    # given / when
    result = calculate("gad7", {"answers": _spread(total, 7, 3)})
    # then
    assert (result.value, result.category) == (total, category)
    assert result.details["positive_screen"] is positive


@PROPERTY
@given(answers=st.lists(st.integers(0, 3), min_size=7, max_size=7))
def test_gad7_total_is_the_sum_of_items_within_0_21(answers: list[int]) -> None:
    # given / when
    result = calculate("gad7", {"answers": answers})
    # then
    assert result.value == sum(answers)
    assert result.category == (
        "minimal" if sum(answers) <= 4 else "mild" if sum(answers) <= 9
        else "moderate" if sum(answers) <= 14 else "severe"
    )  # fmt: skip


# --- PSS-10 --------------------------------------------------------------------------------


def test_pss10_reverses_items_4_5_7_8() -> None:
    # given "very often" (4) on every item
    # when
    result = calculate("pss10", {"answers": [4] * 10})
    # then the positive items 4, 5, 7, 8 score 0
    assert result.details["item_scores"] == [4, 4, 4, 0, 0, 4, 0, 0, 4, 4]
    assert (result.value, result.category) == (24, "moderate")


@pytest.mark.parametrize(
    ("answers", "total", "category", "color"),
    [
        ([0, 0, 0, 4, 4, 0, 4, 4, 0, 0], 0, "low", "green"),
        ([4, 4, 4, 4, 4, 1, 4, 4, 0, 0], 13, "low", "green"),
        ([4, 4, 4, 4, 4, 2, 4, 4, 0, 0], 14, "moderate", "yellow"),
        ([4, 4, 4, 0, 0, 4, 4, 4, 2, 0], 26, "moderate", "yellow"),
        ([4, 4, 4, 0, 0, 4, 4, 4, 3, 0], 27, "high", "orange"),
        ([4, 4, 4, 0, 0, 4, 0, 0, 4, 4], 40, "high", "orange"),
    ],
)
def test_pss10_band_boundaries(answers: list[int], total: int, category: str, color: str) -> None:
    # given / when
    result = calculate("pss10", {"answers": answers})
    # then
    assert (result.value, result.category, result.color) == (total, category, color)


def test_pss10_bands_are_a_replaceable_convention() -> None:
    # given a stricter local banding
    local = dataclasses.replace(
        COMMON_BANDS, name="local", source="test", status="LOCAL", high_from=20
    )
    # when
    result = calculate("pss10", {"answers": [4] * 10}, criteria=local)
    # then
    assert COMMON_BANDS.status == "CONVENTION"
    assert result.category == "high"


@PROPERTY
@given(answers=st.lists(st.integers(0, 4), min_size=10, max_size=10))
def test_pss10_total_is_the_sum_of_reverse_scored_items(answers: list[int]) -> None:
    # given / when
    result = calculate("pss10", {"answers": answers})
    # then
    expected = sum(4 - a if item in (4, 5, 7, 8) else a for item, a in enumerate(answers, 1))
    assert result.value == expected
    assert 0 <= expected <= 40


# --- PSQI ----------------------------------------------------------------------------------


def _psqi(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "bed_time": "23:00",
        "sleep_latency_min": 20,
        "wake_time": "07:00",
        "sleep_hours": 7,
        "q5a": 1,
        **dict.fromkeys(("q5c", "q5d", "q5e", "q5f", "q5g", "q5h", "q5i", "q5j"), 0),
        "q5b": 1,
        "q6": 1,
        "q7": 0,
        "q8": 1,
        "q9": 0,
    }
    return {**base, **overrides}


def test_psqi_good_sleeper_components_and_global_4() -> None:
    # given 8 h in bed, 7 h asleep, 20 min latency
    # when
    result = calculate("psqi", _psqi())
    # then
    assert result.details["components"] == {
        "c1_subjective_quality": 1, "c2_latency": 1, "c3_duration": 0, "c4_efficiency": 0,
        "c5_disturbances": 1, "c6_medication": 0, "c7_daytime_dysfunction": 1,
    }  # fmt: skip
    assert (result.value, result.category, result.color) == (4, "good", "green")
    assert result.details["time_in_bed_hours"] == 8.0
    assert result.details["sleep_efficiency_percent"] == 87.5


def test_psqi_poor_sleeper_global_19() -> None:
    # given
    inputs = _psqi(bed_time="22:30", wake_time="05:30", sleep_latency_min=65, q5a=3,
                   sleep_hours=4.5, q6=3, q7=2, q8=2, q9=3,
                   **dict.fromkeys(("q5b", "q5c", "q5d", "q5e", "q5f", "q5g", "q5h", "q5i",
                                    "q5j"), 2))  # fmt: skip
    # when
    result = calculate("psqi", inputs)
    # then
    assert result.details["components"] == {
        "c1_subjective_quality": 3, "c2_latency": 3, "c3_duration": 3, "c4_efficiency": 3,
        "c5_disturbances": 2, "c6_medication": 2, "c7_daytime_dysfunction": 3,
    }  # fmt: skip
    assert (result.value, result.category, result.label) == (19, "poor", "睡眠质量差")


@pytest.mark.parametrize(
    ("bed", "wake", "hours"),
    [
        ("23:30", "06:30", 7.0),
        ("01:00", "08:00", 7.0),
        ("7:15", "14:45", 7.5),
        ("22:00", "00:00", 2.0),
    ],
)
def test_psqi_time_in_bed_crosses_midnight(bed: str, wake: str, hours: float) -> None:
    # given / when
    result = calculate("psqi", _psqi(bed_time=bed, wake_time=wake, sleep_hours=1))
    # then
    assert result.details["time_in_bed_hours"] == hours


@pytest.mark.parametrize(
    ("minutes", "score"),
    [(0, 0), (15, 0), (15.5, 1), (30, 1), (31, 2), (60, 2), (61, 3)],
)
def test_psqi_latency_bands(minutes: float, score: int) -> None:
    # given / when / then
    assert latency_score(minutes) == score


@pytest.mark.parametrize(
    ("hours", "score"), [(7, 0), (6.99, 1), (6, 1), (5.99, 2), (5, 2), (4.99, 3)]
)
def test_psqi_duration_bands(hours: float, score: int) -> None:
    # given / when / then
    assert duration_score(hours) == score


@pytest.mark.parametrize(
    ("sleep_hours", "score"), [(8.5, 0), (8.49, 1), (7.5, 1), (7.49, 2), (6.5, 2), (6.49, 3)]
)
def test_psqi_efficiency_bands_with_10_hours_in_bed(sleep_hours: float, score: int) -> None:
    # given 22:00-08:00 in bed, so efficiency = 10 × sleep_hours %
    inputs = _psqi(bed_time="22:00", wake_time="08:00", sleep_hours=sleep_hours)
    # when
    result = calculate("psqi", inputs)
    # then
    components = result.details["components"]
    assert isinstance(components, dict)
    assert components["c4_efficiency"] == score
    assert efficiency_score(sleep_hours * 10) == score


@pytest.mark.parametrize(
    ("total", "score"), [(0, 0), (1, 1), (9, 1), (10, 2), (18, 2), (19, 3), (27, 3)]
)
def test_psqi_disturbance_bands(total: int, score: int) -> None:
    # given / when / then
    assert disturbance_score(total) == score


@pytest.mark.parametrize(
    ("total", "score"), [(0, 0), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3)]
)
def test_psqi_latency_and_daytime_sums_map_to_components(total: int, score: int) -> None:
    # given / when / then
    assert pair_score(total) == score


@pytest.mark.parametrize(
    ("q6", "q7", "global_score", "china_poor", "buysse_poor"),
    [(2, 0, 5, False, False), (3, 0, 6, False, True), (3, 1, 7, False, True),
     (3, 2, 8, True, True)],
)  # fmt: skip
def test_psqi_default_cut_off_is_above_7_and_both_readings_are_shown(
    q6: int, q7: int, global_score: int, china_poor: bool, buysse_poor: bool
) -> None:
    # given the good sleeper's other components (sum 2) plus items 6 and 7
    inputs = _psqi(q6=q6, q7=q7)
    # when
    result = calculate("psqi", inputs)
    # then
    assert result.value == global_score
    assert result.category == ("poor" if china_poor else "good")
    assert result.details["poor_sleep_china_gt_7"] is china_poor
    assert result.details["poor_sleep_buysse_gt_5"] is buysse_poor


def test_psqi_cut_off_is_a_setting() -> None:
    # given Buysse's original cut-off as the setting
    buysse = dataclasses.replace(CHINA_CUTOFF, name="buysse_gt5", source="Buysse 1989",
                                 poor_above=5)  # fmt: skip
    # when
    result = calculate("psqi", _psqi(q6=3), criteria=buysse)
    # then
    assert (result.value, result.category) == (6, "poor")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bed_time": "24:00"}, "bed_time"),
        ({"bed_time": "7:3"}, "bed_time"),
        ({"wake_time": "07:60"}, "wake_time"),
        ({"wake_time": 700}, "wake_time"),
        ({"wake_time": "23:00"}, "wake_time"),
        ({"sleep_hours": 8.5}, "sleep_hours"),
        ({"q5j": 4}, "q5j"),
        ({"sleep_latency_min": -1}, "sleep_latency_min"),
    ],
)
def test_psqi_rejects_bad_times_and_impossible_sleep(
    overrides: dict[str, object], field: str
) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("psqi", _psqi(**overrides))
    # then
    assert error.value.field == field


@PROPERTY
@given(
    items=st.fixed_dictionaries(
        {name: st.integers(0, 3) for name in
         ("q5a", "q5b", "q5c", "q5d", "q5e", "q5f", "q5g", "q5h", "q5i", "q5j", "q6", "q7", "q8",
          "q9")}
    ),
    latency=st.floats(0, 720),
    in_bed_minutes=st.integers(1, 24 * 60 - 1),
    asleep_fraction=st.floats(0, 1),
)  # fmt: skip
def test_psqi_global_is_the_sum_of_seven_components_within_0_21(
    items: dict[str, int], latency: float, in_bed_minutes: int, asleep_fraction: float
) -> None:
    # given a 22:00 bedtime and any getting-up time
    wake = (22 * 60 + in_bed_minutes) % (24 * 60)
    inputs = {**items, "bed_time": "22:00", "wake_time": f"{wake // 60:02d}:{wake % 60:02d}",
              "sleep_latency_min": latency,
              "sleep_hours": in_bed_minutes / 60 * asleep_fraction}  # fmt: skip
    # when
    result = calculate("psqi", inputs)
    # then
    components = result.details["components"]
    assert isinstance(components, dict)
    assert all(isinstance(c, int) and 0 <= c <= 3 for c in components.values())
    assert result.value == sum(c for c in components.values() if isinstance(c, int))
    assert result.value is not None and 0 <= result.value <= 21
