"""PSS-10 perceived stress.

Source: Cohen S, Kamarck T, Mermelstein R. A global measure of perceived stress. J Health Soc
Behav 1983;24:385-396; 10-item version: Cohen S, Williamson G. Perceived stress in a
probability sample of the United States. In: Spacapan S, Oskamp S, eds. The Social Psychology
of Health. Sage, 1988. Status: scoring VERIFIED.

Ten items 0-4 as answered; items 4, 5, 7 and 8 are reverse-scored (4 − answer); total 0-40.
Cohen defined no severity bands. The bands used here (0-13 low, 14-26 moderate, 27-40 high) are
a common convention, so they are data (`COMMON_BANDS`, status CONVENTION) replaceable through
`criteria`.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthloop.clinical.criteria import Criteria
from healthloop.clinical.fields import AnswersField, InputSpec, Model
from healthloop.clinical.grading import Grade, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

REVERSED_ITEMS = frozenset({4, 5, 7, 8})  # 1-based
GRADES = {
    "low": Grade("low", "低压力", "green"),
    "moderate": Grade("moderate", "中等压力", "yellow"),
    "high": Grade("high", "高压力", "orange"),
}


@dataclass(frozen=True, kw_only=True)
class PssBands(Criteria):
    moderate_from: int
    high_from: int


COMMON_BANDS = PssBands(
    name="pss10_common_bands",
    source="widely used convention (0-13 low, 14-26 moderate, 27-40 high); not from Cohen",
    status="CONVENTION",
    moderate_from=14,
    high_from=27,
)

INPUT_SPEC = InputSpec(
    fields=(
        AnswersField(
            name="answers",
            attr="answers",
            description="Ten answers 0-4 as given (reverse scoring is done here)",
            count=10,
            lowest=0,
            highest=4,
        ),
    )
)
MODEL = Model(
    name="pss10",
    version="1.0.0",
    title=Title(zh="知觉压力量表（PSS-10）", en="Perceived Stress Scale-10"),
    citation=(
        "Cohen S, Kamarck T, Mermelstein R. A global measure of perceived stress. "
        "J Health Soc Behav 1983;24:385-396; Cohen S, Williamson G 1988 (10-item version)"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class Pss10Input:
    answers: tuple[int, ...]

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def item_scores(answers: tuple[int, ...]) -> list[int]:
    return [
        4 - answer if item in REVERSED_ITEMS else answer
        for item, answer in enumerate(answers, start=1)
    ]


def pss10(inp: Pss10Input, *, criteria: PssBands = COMMON_BANDS) -> CalculatorResult:
    """Total 0-40 after reverse scoring, and the stress band."""
    scores = item_scores(inp.answers)
    total = sum(scores)
    if total >= criteria.high_from:
        grade = GRADES["high"]
    else:
        grade = GRADES["moderate" if total >= criteria.moderate_from else "low"]
    basis = [
        "items 4, 5, 7, 8 reverse-scored (4 − answer)",
        f"total {total} of 40: {grade.code} (bands {criteria.name}, {criteria.status})",
    ]
    details: dict[str, JsonValue] = {
        "item_scores": list[JsonValue](scores),
        "criteria": criteria.provenance(),
    }
    return build_result(
        MODEL, value=total, unit="points", grade=grade, basis=basis, details=details
    )
