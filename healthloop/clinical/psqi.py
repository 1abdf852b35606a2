"""Pittsburgh Sleep Quality Index (PSQI).

Source: Buysse DJ, Reynolds CF 3rd, Monk TH, et al. The Pittsburgh Sleep Quality Index: a new
instrument for psychiatric practice and research. Psychiatry Res 1989;28:193-213. Chinese
validation and cut-off: 刘贤臣, 唐茂芹, 胡蕾, 等. 匹兹堡睡眠质量指数的信度和效度研究. 中华精神科杂志
1996;29(2):103-107. Status: scoring VERIFIED.

Seven components 0-3, global 0-21. The poor-sleep cut-off is a setting (`CHINA_CUTOFF`, global
> 7 for Chinese adults, replaceable through `criteria`); `details` always shows both Buysse's
> 5 and the Chinese > 7 readings. Bedtimes crossing midnight are handled (time in bed is wake
time − bed time modulo 24 h). Bands on real values: latency ≤ 15 / ≤ 30 / ≤ 60 / > 60 min;
duration ≥ 7 / ≥ 6 / ≥ 5 / < 5 h; efficiency ≥ 85 / ≥ 75 / ≥ 65 / < 65 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthloop.clinical.criteria import Criteria
from healthloop.clinical.errors import ClinicalInputError
from healthloop.clinical.fields import (
    ClockTimeField,
    InputField,
    InputSpec,
    IntegerField,
    Model,
    NumberField,
)
from healthloop.clinical.grading import Grade, band_at_most, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title, json_object

BUYSSE_POOR_ABOVE = 5
CHINA_POOR_ABOVE = 7
DISTURBANCE_ITEMS = ("q5b", "q5c", "q5d", "q5e", "q5f", "q5g", "q5h", "q5i", "q5j")
FREQUENCY_ITEMS = ("q5a", *DISTURBANCE_ITEMS, "q6", "q7", "q8", "q9")


@dataclass(frozen=True, kw_only=True)
class PsqiCutoff(Criteria):
    poor_above: int  # global score strictly above this is poor sleep


CHINA_CUTOFF = PsqiCutoff(
    name="psqi_china_gt7",
    source="刘贤臣, 等. 匹兹堡睡眠质量指数的信度和效度研究. 中华精神科杂志 1996;29(2):103-107",
    status="VERIFIED",
    poor_above=CHINA_POOR_ABOVE,
)


def _item(name: str) -> InputField:
    return IntegerField(
        name=name, attr=name, description=f"PSQI item {name[1:]} (0-3)", minimum=0, maximum=3
    )


INPUT_SPEC = InputSpec(
    fields=(
        ClockTimeField(name="bed_time", attr="bed_time", description="Usual bedtime (item 1)"),
        NumberField(
            name="sleep_latency_min",
            attr="sleep_latency_min",
            description="Minutes to fall asleep (item 2)",
            unit="min",
            minimum=0.0,
            maximum=720.0,
        ),
        ClockTimeField(name="wake_time", attr="wake_time", description="Usual getting-up time"),
        NumberField(
            name="sleep_hours",
            attr="sleep_hours",
            description="Hours of actual sleep per night (item 4)",
            unit="h",
            minimum=0.0,
            maximum=24.0,
        ),
        *(_item(name) for name in FREQUENCY_ITEMS),
    )
)
MODEL = Model(
    name="psqi",
    version="1.0.0",
    title=Title(zh="匹兹堡睡眠质量指数（PSQI）", en="Pittsburgh Sleep Quality Index"),
    citation=(
        "Buysse DJ, et al. The Pittsburgh Sleep Quality Index. Psychiatry Res 1989;28:193-213; "
        "刘贤臣, 等. 中华精神科杂志 1996;29(2):103-107"
    ),
    inputs=INPUT_SPEC,
)


def time_in_bed_hours(bed_time: str, wake_time: str) -> float:
    """Hours from bedtime to getting up, across midnight when needed."""
    bed_hour, bed_minute = (int(part) for part in bed_time.split(":"))
    wake_hour, wake_minute = (int(part) for part in wake_time.split(":"))
    minutes = (wake_hour * 60 + wake_minute - bed_hour * 60 - bed_minute) % (24 * 60)
    return minutes / 60.0


@dataclass(frozen=True)
class PsqiInput:
    bed_time: str
    sleep_latency_min: float
    wake_time: str
    sleep_hours: float
    q5a: int
    q5b: int
    q5c: int
    q5d: int
    q5e: int
    q5f: int
    q5g: int
    q5h: int
    q5i: int
    q5j: int
    q6: int
    q7: int
    q8: int
    q9: int

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)
        in_bed = time_in_bed_hours(self.bed_time, self.wake_time)
        if in_bed == 0.0:
            raise ClinicalInputError("wake_time", "wake_time equals bed_time: no time in bed")
        if self.sleep_hours > in_bed:
            raise ClinicalInputError(
                "sleep_hours",
                f"sleep_hours {self.sleep_hours:g} exceeds the {in_bed:g} h in bed",
            )


def latency_score(minutes: float) -> int:
    """Item 2: ≤ 15 min → 0, ≤ 30 → 1, ≤ 60 → 2, > 60 → 3."""
    return band_at_most(minutes, ((15.0, 0), (30.0, 1), (60.0, 2)), 3)


def duration_score(hours: float) -> int:
    """Component 3: ≥ 7 h → 0, ≥ 6 → 1, ≥ 5 → 2, < 5 → 3."""
    return sum(1 for limit in (7.0, 6.0, 5.0) if hours < limit)


def efficiency_score(percent: float) -> int:
    """Component 4: ≥ 85 % → 0, ≥ 75 → 1, ≥ 65 → 2, < 65 → 3."""
    return sum(1 for limit in (85.0, 75.0, 65.0) if percent < limit)


def disturbance_score(total: int) -> int:
    """Component 5 from items 5b-5j (0-27): 0 → 0, 1-9 → 1, 10-18 → 2, 19-27 → 3."""
    return band_at_most(total, ((0, 0), (9, 1), (18, 2)), 3)


def pair_score(total: int) -> int:
    """Components 2 and 7 from a 0-6 sum: 0 → 0, 1-2 → 1, 3-4 → 2, 5-6 → 3."""
    return (total + 1) // 2


def sleep_efficiency_percent(inp: PsqiInput) -> float:
    """Hours asleep × 100 ÷ hours in bed (multiplied first so 8.5 of 10 h is exactly 85)."""
    return inp.sleep_hours * 100.0 / time_in_bed_hours(inp.bed_time, inp.wake_time)


def components(inp: PsqiInput) -> dict[str, int]:
    """The seven component scores, each 0-3."""
    return {
        "c1_subjective_quality": inp.q6,
        "c2_latency": pair_score(latency_score(inp.sleep_latency_min) + inp.q5a),
        "c3_duration": duration_score(inp.sleep_hours),
        "c4_efficiency": efficiency_score(sleep_efficiency_percent(inp)),
        "c5_disturbances": disturbance_score(sum(getattr(inp, n) for n in DISTURBANCE_ITEMS)),
        "c6_medication": inp.q7,
        "c7_daytime_dysfunction": pair_score(inp.q8 + inp.q9),
    }


def psqi(inp: PsqiInput, *, criteria: PsqiCutoff = CHINA_CUTOFF) -> CalculatorResult:
    """Seven components, the global score and good/poor sleep by the configured cut-off."""
    parts = components(inp)
    total = sum(parts.values())
    in_bed = time_in_bed_hours(inp.bed_time, inp.wake_time)
    poor = total > criteria.poor_above
    grade = Grade("poor", "睡眠质量差", "yellow") if poor else Grade("good", "睡眠质量好", "green")
    basis = [
        f"time in bed {in_bed:.2f} h ({inp.bed_time}-{inp.wake_time})",
        f"global {total} of 21; poor sleep if > {criteria.poor_above} ({criteria.name})",
    ]
    details: dict[str, JsonValue] = {
        "components": json_object(parts),
        "time_in_bed_hours": in_bed,
        "sleep_efficiency_percent": sleep_efficiency_percent(inp),
        "poor_sleep_buysse_gt_5": total > BUYSSE_POOR_ABOVE,
        "poor_sleep_china_gt_7": total > CHINA_POOR_ABOVE,
        "criteria": criteria.provenance(),
    }
    return build_result(
        MODEL, value=total, unit="points", grade=grade, basis=basis, details=details
    )
