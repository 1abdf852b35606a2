"""PHQ-9 depression severity.

Source: Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression severity
measure. J Gen Intern Med 2001;16:606-613. Status: VERIFIED.

Nine items 0-3 (past two weeks), total 0-27: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19
moderately severe, 20-27 severe; ≥ 10 is a positive screen. Item 9 (thoughts of death or
self-harm) > 0 raises an alert whatever the total: `details.self_harm_alert` is true and the
colour is red.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthloop.clinical.fields import AnswersField, InputSpec, Model
from healthloop.clinical.grading import Grade, band_at_most, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

POSITIVE_FROM = 10
GRADES = (
    (4, Grade("minimal", "无或极轻微抑郁", "green")),
    (9, Grade("mild", "轻度抑郁", "yellow")),
    (14, Grade("moderate", "中度抑郁", "orange")),
    (19, Grade("moderately_severe", "中重度抑郁", "orange")),
)
SEVERE = Grade("severe", "重度抑郁", "red")

INPUT_SPEC = InputSpec(
    fields=(
        AnswersField(
            name="answers",
            attr="answers",
            description="Nine answers 0-3 in item order",
            count=9,
            lowest=0,
            highest=3,
        ),
    )
)
MODEL = Model(
    name="phq9",
    version="1.0.0",
    title=Title(zh="患者健康问卷抑郁量表（PHQ-9）", en="Patient Health Questionnaire-9"),
    citation=(
        "Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression severity "
        "measure. J Gen Intern Med 2001;16:606-613"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class Phq9Input:
    answers: tuple[int, ...]

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def phq9(inp: Phq9Input) -> CalculatorResult:
    """Total 0-27, severity band, positive screen and the item-9 alert."""
    total = sum(inp.answers)
    self_harm = inp.answers[8] > 0
    grade = band_at_most(total, GRADES, SEVERE)
    basis = [f"total {total} of 27: {grade.code}"]
    if self_harm:
        grade = Grade(grade.code, grade.label, "red")
        basis.append("item 9 (thoughts of death or self-harm) > 0: alert regardless of total")
    details: dict[str, JsonValue] = {
        "positive_screen": total >= POSITIVE_FROM,
        "self_harm_alert": self_harm,
        "item_9": inp.answers[8],
    }
    return build_result(
        MODEL, value=total, unit="points", grade=grade, basis=basis, details=details
    )
