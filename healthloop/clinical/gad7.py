"""GAD-7 anxiety severity.

Source: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized
anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-1097. Status: VERIFIED.

Seven items 0-3, total 0-21: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe; ≥ 10 is a
positive screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthloop.clinical.fields import AnswersField, InputSpec, Model
from healthloop.clinical.grading import Grade, band_at_most, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

POSITIVE_FROM = 10
GRADES = (
    (4, Grade("minimal", "无或极轻微焦虑", "green")),
    (9, Grade("mild", "轻度焦虑", "yellow")),
    (14, Grade("moderate", "中度焦虑", "orange")),
)
SEVERE = Grade("severe", "重度焦虑", "red")

INPUT_SPEC = InputSpec(
    fields=(
        AnswersField(
            name="answers",
            attr="answers",
            description="Seven answers 0-3 in item order",
            count=7,
            lowest=0,
            highest=3,
        ),
    )
)
MODEL = Model(
    name="gad7",
    version="1.0.0",
    title=Title(zh="广泛性焦虑量表（GAD-7）", en="Generalized Anxiety Disorder-7"),
    citation=(
        "Spitzer RL, et al. A brief measure for assessing generalized anxiety disorder: "
        "the GAD-7. Arch Intern Med 2006;166:1092-1097"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class Gad7Input:
    answers: tuple[int, ...]

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def gad7(inp: Gad7Input) -> CalculatorResult:
    """Total 0-21, severity band and positive screen."""
    total = sum(inp.answers)
    grade = band_at_most(total, GRADES, SEVERE)
    details: dict[str, JsonValue] = {"positive_screen": total >= POSITIVE_FROM}
    basis = [f"total {total} of 21: {grade.code}"]
    return build_result(
        MODEL, value=total, unit="points", grade=grade, basis=basis, details=details
    )
