"""TCM constitution identification (中医体质分类与判定, ZYYXH/T157-2009).

Source: 中华中医药学会. 中医体质分类与判定 (ZYYXH/T157-2009). 中国中医药出版社, 2009.
Status: VERIFIED (formula, thresholds and the standard's examples quoted in two public copies).

Answers 1-5 per item in the standard's order; 平和质 items 2, 3, 4, 5, 7, 8 are reverse-scored
(6 − answer). Transformed score = (raw − n) / (4n) × 100. Judgement: 平和质 "yes" if ≥ 60 and
all eight others < 30, "basically yes" if ≥ 60 and all others < 40; a biased type is "yes" at
≥ 40, "tendency" at ≥ 30 and < 40, else "no". Scores are not rounded before judging (39.29 is a
tendency); for the item counts of this standard, rounding to an integer first would give the
same judgements. 湿热质 item 6 is sex-specific (带下色黄 / 阴囊潮湿); each person answers six.

Main constitution (`category`): 平和质 when judged yes or basically yes; otherwise the biased
type judged "yes" with the highest score (ties in the standard's order B…I); otherwise the
highest "tendency"; otherwise none (category null).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from healthloop.clinical import inputs
from healthloop.clinical.fields import AnswerMapField, InputSpec, Model
from healthloop.clinical.grading import Grade, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title, json_object

# code: (Chinese name, number of items answered), in the standard's order A…I.
CONSTITUTIONS: dict[str, tuple[str, int]] = {
    "pinghe": ("平和质", 8),
    "qixu": ("气虚质", 8),
    "yangxu": ("阳虚质", 7),
    "yinxu": ("阴虚质", 8),
    "tanshi": ("痰湿质", 8),
    "shire": ("湿热质", 6),
    "xueyu": ("血瘀质", 7),
    "qiyu": ("气郁质", 7),
    "tebing": ("特禀质", 7),
}
BIASED = tuple(code for code in CONSTITUTIONS if code != "pinghe")
PINGHE_REVERSED_ITEMS = frozenset({2, 3, 4, 5, 7, 8})  # 1-based

PINGHE_FROM = 60.0
YES_FROM = 40.0
TENDENCY_FROM = 30.0

INPUT_SPEC = InputSpec(
    fields=(
        inputs.sex(),
        AnswerMapField(
            name="answers",
            attr="answers",
            description="Answers 1-5 per constitution, in the standard's item order",
            groups=tuple((code, count) for code, (_, count) in CONSTITUTIONS.items()),
            lowest=1,
            highest=5,
        ),
    )
)
MODEL = Model(
    name="tcm_constitution",
    version="1.0.0",
    title=Title(zh="中医体质辨识", en="TCM constitution identification"),
    citation="中华中医药学会. 中医体质分类与判定 (ZYYXH/T157-2009)",
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class TcmInput:
    sex: Literal["male", "female"]
    answers: Mapping[str, tuple[int, ...]]

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def transformed_score(raw: int, item_count: int) -> float:
    """(raw − n) / (4n) × 100, range 0-100."""
    return (raw - item_count) / (item_count * 4) * 100.0


def raw_score(code: str, answers: tuple[int, ...]) -> int:
    if code != "pinghe":
        return sum(answers)
    return sum(
        6 - answer if item in PINGHE_REVERSED_ITEMS else answer
        for item, answer in enumerate(answers, start=1)
    )


def judge(scores: Mapping[str, float]) -> dict[str, str]:
    """Judgement per constitution from the nine transformed scores."""
    judgements = {code: biased_judgement(scores[code]) for code in BIASED}
    others = [scores[code] for code in BIASED]
    if scores["pinghe"] >= PINGHE_FROM and all(score < TENDENCY_FROM for score in others):
        pinghe = "yes"
    elif scores["pinghe"] >= PINGHE_FROM and all(score < YES_FROM for score in others):
        pinghe = "basically_yes"
    else:
        pinghe = "no"
    return {"pinghe": pinghe, **judgements}


def biased_judgement(score: float) -> str:
    if score >= YES_FROM:
        return "yes"
    return "tendency" if score >= TENDENCY_FROM else "no"


def main_constitution(scores: Mapping[str, float], judgements: Mapping[str, str]) -> Grade:
    """The category code and label (see the module docstring for the rule)."""
    if judgements["pinghe"] != "no":
        prefix = "" if judgements["pinghe"] == "yes" else "基本是"
        return Grade("pinghe", prefix + CONSTITUTIONS["pinghe"][0], None)
    for level, prefix in (("yes", ""), ("tendency", "倾向")):
        candidates = [code for code in BIASED if judgements[code] == level]
        if candidates:
            best = max(candidates, key=lambda code: (scores[code], -BIASED.index(code)))
            return Grade(best, prefix + CONSTITUTIONS[best][0], None)
    return Grade(None, "未能判定体质", None)


def tcm_constitution(inp: TcmInput) -> CalculatorResult:
    """Nine transformed scores, their judgements and the main constitution."""
    scores = {
        code: transformed_score(raw_score(code, inp.answers[code]), count)
        for code, (_, count) in CONSTITUTIONS.items()
    }
    judgements = judge(scores)
    grade = main_constitution(scores, judgements)
    basis = [
        "transformed score = (raw − n) / (4n) × 100; 平和质 items 2,3,4,5,7,8 reversed",
        "平和质: ≥ 60 and others < 30 yes, others < 40 basically yes; "
        "biased: ≥ 40 yes, 30-< 40 tendency",
    ]
    details: dict[str, JsonValue] = {
        "scores": json_object(scores),
        "judgement": json_object(judgements),
        "biased_yes": [code for code in BIASED if judgements[code] == "yes"],
        "biased_tendency": [code for code in BIASED if judgements[code] == "tendency"],
    }
    return build_result(MODEL, value=None, unit=None, grade=grade, basis=basis, details=details)
