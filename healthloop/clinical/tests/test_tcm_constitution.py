"""TCM constitution (ZYYXH/T157-2009): scoring, reverse items, judgement and main type."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthloop.clinical import ClinicalInputError, calculate
from healthloop.clinical.tcm_constitution import (
    BIASED,
    CONSTITUTIONS,
    judge,
    main_constitution,
    transformed_score,
)

PROPERTY = settings(max_examples=150, deadline=None, database=None)


def _answers(**groups: list[int]) -> dict[str, list[int]]:
    """Everyone answers 1 (never) unless given; 平和质 defaults to its best answers."""
    answers = {code: [1] * count for code, (_, count) in CONSTITUTIONS.items()}
    answers["pinghe"] = [5, 1, 1, 1, 1, 5, 1, 1]
    return {**answers, **groups}


def _scores(pinghe: float, **biased: float) -> dict[str, float]:
    return {"pinghe": pinghe, **dict.fromkeys(BIASED, 0.0), **biased}


def test_tcm_standard_example_1_is_qi_deficiency() -> None:
    # given the standard's first judgement example
    scores = {"pinghe": 75, "qixu": 56, "yangxu": 27, "yinxu": 25, "tanshi": 12, "shire": 15,
              "xueyu": 20, "qiyu": 18, "tebing": 10}  # fmt: skip
    # when
    judgements = judge(scores)
    grade = main_constitution(scores, judgements)
    # then
    assert judgements["pinghe"] == "no"
    assert judgements["qixu"] == "yes"
    assert [code for code in BIASED if judgements[code] != "no"] == ["qixu"]
    assert (grade.code, grade.label) == ("qixu", "气虚质")


def test_tcm_yang_deficiency_raw_22_transforms_to_53_57() -> None:
    # given the textbook answers for 阳虚质
    inputs = {"sex": "female", "answers": _answers(yangxu=[3, 4, 2, 4, 1, 5, 3])}
    # when
    result = calculate("tcm_constitution", inputs)
    # then
    scores = result.details["scores"]
    judgements = result.details["judgement"]
    assert isinstance(scores, dict) and isinstance(judgements, dict)
    assert scores["yangxu"] == pytest.approx(53.57, abs=0.005)
    assert judgements["yangxu"] == "yes"
    assert (result.category, result.label, result.value, result.color) == (
        "yangxu", "阳虚质", None, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        ([5, 1, 1, 1, 1, 5, 1, 1], 100.0),
        ([1, 5, 5, 5, 5, 1, 5, 5], 0.0),
        ([3, 3, 3, 3, 3, 3, 3, 3], 50.0),
        ([4, 2, 2, 2, 2, 4, 2, 2], 75.0),
    ],
)
def test_tcm_balanced_items_2_3_4_5_7_8_are_reverse_scored(
    answers: list[int], score: float
) -> None:
    # given / when
    result = calculate("tcm_constitution", {"sex": "male", "answers": _answers(pinghe=answers)})
    # then
    scores = result.details["scores"]
    assert isinstance(scores, dict)
    assert scores["pinghe"] == score


@pytest.mark.parametrize(
    ("raw", "items", "score"),
    [(8, 8, 0.0), (40, 8, 100.0), (18, 7, 39.2857), (15, 7, 28.5714), (13, 6, 29.1667)],
)
def test_tcm_transformed_score_formula(raw: int, items: int, score: float) -> None:
    # given / when / then
    assert transformed_score(raw, items) == pytest.approx(score, abs=0.00005)


@pytest.mark.parametrize(
    ("score", "judgement"),
    [(29.99, "no"), (30.0, "tendency"), (39.2857, "tendency"), (39.99, "tendency"),
     (40.0, "yes")],
)  # fmt: skip
def test_tcm_biased_judgement_boundaries_without_rounding(score: float, judgement: str) -> None:
    # given / when / then
    assert judge(_scores(80, shire=score))["shire"] == judgement


@pytest.mark.parametrize(
    ("pinghe", "highest_other", "judgement"),
    [
        (60.0, 29.99, "yes"),
        (60.0, 30.0, "basically_yes"),
        (60.0, 39.99, "basically_yes"),
        (60.0, 40.0, "no"),
        (59.99, 0.0, "no"),
    ],
)
def test_tcm_balanced_judgement_boundaries(
    pinghe: float, highest_other: float, judgement: str
) -> None:
    # given / when / then
    assert judge(_scores(pinghe, tebing=highest_other))["pinghe"] == judgement


def test_tcm_basically_balanced_is_the_main_constitution_with_its_label() -> None:
    # given
    scores = _scores(65, qiyu=35)
    # when
    grade = main_constitution(scores, judge(scores))
    # then
    assert (grade.code, grade.label) == ("pinghe", "基本是平和质")


def test_tcm_highest_yes_wins_and_ties_follow_the_standard_order() -> None:
    # given
    tie = _scores(20, tanshi=50, shire=50, xueyu=45)
    higher = _scores(20, tanshi=50, shire=55)
    # when
    tie_grade = main_constitution(tie, judge(tie))
    higher_grade = main_constitution(higher, judge(higher))
    # then
    assert tie_grade.code == "tanshi"
    assert higher_grade.code == "shire"


def test_tcm_tendency_only_is_reported_as_tendency() -> None:
    # given
    scores = _scores(50, qiyu=33, yinxu=31)
    # when
    grade = main_constitution(scores, judge(scores))
    # then
    assert (grade.code, grade.label) == ("qiyu", "倾向气郁质")


def test_tcm_no_constitution_determined_gives_a_null_category() -> None:
    # given 平和质 below 60 and every biased type below 30
    scores = _scores(50)
    # when
    grade = main_constitution(scores, judge(scores))
    # then
    assert (grade.code, grade.label) == (None, "未能判定体质")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (_answers(shire=[1] * 7), "answers.shire must have 6 answers, got 7"),
        (
            _answers(qixu=[1, 1, 1, 1, 1, 1, 1, 0]),
            "answers.qixu item 8 must be an integer 1 to 5, got 0",
        ),
        ({k: v for k, v in _answers().items() if k != "tebing"}, "answers.tebing is required"),
        ({**_answers(), "other": [1]}, "answers has an unknown group 'other'"),
    ],
)
def test_tcm_answers_are_checked_per_group(answers: dict[str, object], message: str) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("tcm_constitution", {"sex": "female", "answers": answers})
    # then
    assert error.value.field == "answers"
    assert error.value.message.startswith(message)


@PROPERTY
@given(
    answers=st.fixed_dictionaries(
        {
            code: st.lists(st.integers(1, 5), min_size=count, max_size=count)
            for code, (_, count) in CONSTITUTIONS.items()
        }
    )
)
def test_tcm_scores_stay_within_0_100_and_category_matches_judgements(
    answers: dict[str, list[int]],
) -> None:
    # given any complete set of answers
    # when
    result = calculate("tcm_constitution", {"sex": "male", "answers": answers})
    # then
    scores, judgements = result.details["scores"], result.details["judgement"]
    assert isinstance(scores, dict) and isinstance(judgements, dict)
    assert all(isinstance(s, float) and 0.0 <= s <= 100.0 for s in scores.values())
    if result.category is not None:
        assert judgements[result.category] in ("yes", "basically_yes", "tendency")
