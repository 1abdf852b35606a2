"""Blood lipid levels for primary prevention (中国血脂管理指南（2023年）).

Source: 中国血脂管理指南修订联合专家委员会. 中国血脂管理指南（2023年）. 中国循环杂志
2023;38(3):237-271. Status: TC, LDL-C, HDL-C and TG cut-points VERIFIED (against an independent
research script); the non-HDL-C row is UNVERIFIED and lives in `NON_HDL_C_2023`, replaceable
through `criteria`.

Each lipid given is classified on its own; non-HDL-C (= TC − HDL-C) is derived when both are
given. The overall category is the most severe per-lipid code, ordered ideal < desirable <
borderline_high < low < high ("low" applies only to HDL-C). HDL-C ≥ 1.0 mmol/L has no row in the
table and is reported as "desirable". The ASCVD risk-stratification grid, LDL-C targets and
Lp(a) are not part of this calculator.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthloop.clinical import inputs
from healthloop.clinical.constraints import AtLeastOne
from healthloop.clinical.criteria import Criteria
from healthloop.clinical.errors import ClinicalInputError
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, band_below, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

GRADES: dict[str, Grade] = {
    "ideal": Grade("ideal", "理想水平", "green"),
    "desirable": Grade("desirable", "合适水平", "green"),
    "borderline_high": Grade("borderline_high", "边缘升高", "yellow"),
    "low": Grade("low", "降低", "yellow"),
    "high": Grade("high", "升高", "orange"),
}
SEVERITY = ("ideal", "desirable", "borderline_high", "low", "high")
LIPID_NAMES = {"tc": "TC", "ldl_c": "LDL-C", "hdl_c": "HDL-C", "non_hdl_c": "非HDL-C", "tg": "TG"}

# Upper limits (exclusive, mmol/L) of each level; above the last limit is "high".
TC_BANDS = ((5.2, "desirable"), (6.2, "borderline_high"))
LDL_C_BANDS = ((2.6, "ideal"), (3.4, "desirable"), (4.1, "borderline_high"))
TG_BANDS = ((1.7, "desirable"), (2.3, "borderline_high"))
HDL_C_LOW_BELOW = 1.0


@dataclass(frozen=True, kw_only=True)
class NonHdlCriteria(Criteria):
    bands: tuple[tuple[float, str], ...]  # (exclusive upper limit mmol/L, level)


NON_HDL_C_2023 = NonHdlCriteria(
    name="non_hdl_c_2023",
    source="中国血脂管理指南（2023年）, 中国循环杂志 2023;38(3):237-271 (non-HDL-C row, unchecked)",
    status="UNVERIFIED",
    bands=((3.4, "ideal"), (4.1, "desirable"), (4.9, "borderline_high")),
)

INPUT_SPEC = InputSpec(
    fields=(
        inputs.number("tc", required=False),
        inputs.number("ldl_c", required=False),
        inputs.number("hdl_c", required=False),
        inputs.number("tg", required=False),
    ),
    constraints=(AtLeastOne(("tc", "ldl_c", "hdl_c", "tg")),),
)
MODEL = Model(
    name="lipid_class",
    version="1.0.0",
    title=Title(
        zh="血脂水平分层（2023中国血脂指南）", en="Lipid levels (Chinese lipid guideline 2023)"
    ),
    citation=(
        "中国血脂管理指南修订联合专家委员会. 中国血脂管理指南（2023年）. "
        "中国循环杂志 2023;38(3):237-271"
    ),
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class LipidInput:
    tc_mmol_l: float | None = None
    ldl_c_mmol_l: float | None = None
    hdl_c_mmol_l: float | None = None
    tg_mmol_l: float | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)
        tc, hdl = self.tc_mmol_l, self.hdl_c_mmol_l
        if tc is not None and hdl is not None and hdl >= tc:
            raise ClinicalInputError("hdl_c", "hdl_c must be lower than tc")


def lipid_levels(inp: LipidInput, non_hdl: NonHdlCriteria) -> dict[str, tuple[float, str]]:
    """(value mmol/L, level code) per lipid given, in guideline order."""
    levels: dict[str, tuple[float, str]] = {}
    if inp.tc_mmol_l is not None:
        levels["tc"] = (inp.tc_mmol_l, band_below(inp.tc_mmol_l, TC_BANDS, "high"))
    if inp.ldl_c_mmol_l is not None:
        levels["ldl_c"] = (inp.ldl_c_mmol_l, band_below(inp.ldl_c_mmol_l, LDL_C_BANDS, "high"))
    if inp.hdl_c_mmol_l is not None:
        hdl = inp.hdl_c_mmol_l
        levels["hdl_c"] = (hdl, "low" if hdl < HDL_C_LOW_BELOW else "desirable")
    if inp.tc_mmol_l is not None and inp.hdl_c_mmol_l is not None:
        value = inp.tc_mmol_l - inp.hdl_c_mmol_l
        levels["non_hdl_c"] = (value, band_below(value, non_hdl.bands, "high"))
    if inp.tg_mmol_l is not None:
        levels["tg"] = (inp.tg_mmol_l, band_below(inp.tg_mmol_l, TG_BANDS, "high"))
    return levels


def _overall_label(levels: dict[str, tuple[float, str]], worst: str) -> str:
    abnormal = [
        f"{LIPID_NAMES[name]}{GRADES[code].label}"
        for name, (_, code) in levels.items()
        if code in ("high", "low", "borderline_high")
    ]
    if not abnormal:
        return f"血脂{GRADES[worst].label}"
    prefix = "血脂异常" if worst in ("high", "low") else "血脂边缘升高"
    return f"{prefix}（{'、'.join(abnormal)}）"


def lipid_class(inp: LipidInput, *, criteria: NonHdlCriteria = NON_HDL_C_2023) -> CalculatorResult:
    """Per-lipid levels in `details.levels`; the category is the most severe level."""
    levels = lipid_levels(inp, criteria)
    worst = max((code for _, code in levels.values()), key=SEVERITY.index)
    grade = GRADES[worst]
    details: dict[str, JsonValue] = {
        "levels": {name: code for name, (_, code) in levels.items()},
        "values_mmol_l": {name: value for name, (value, _) in levels.items()},
    }
    basis = [
        f"{LIPID_NAMES[name]} {value:.2f} mmol/L: {code}" for name, (value, code) in levels.items()
    ]
    if "non_hdl_c" in levels:
        details["criteria"] = criteria.provenance()
        basis.append(f"non-HDL-C = TC − HDL-C; criteria {criteria.name} ({criteria.status})")
    overall = Grade(grade.code, _overall_label(levels, worst), grade.color)
    return build_result(MODEL, value=None, unit=None, grade=overall, basis=basis, details=details)
