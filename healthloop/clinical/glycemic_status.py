"""Glycaemic status: normal, IFG, IGT, IFG + IGT, diabetes (CDS 2020, WHO 1999 criteria).

Source: 中华医学会糖尿病学分会. 中国2型糖尿病防治指南(2020年版). 中华糖尿病杂志
2021;13(4):315-409, tables of glycaemic status and diagnostic criteria (WHO 1999). Status:
VERIFIED.

Diabetes-range: FPG ≥ 7.0, 2-h PG ≥ 11.1 mmol/L, or HbA1c ≥ 6.5 %. IFG: 6.1 ≤ FPG < 7.0 with
2-h PG < 7.8. IGT: FPG < 7.0 with 7.8 ≤ 2-h PG < 11.1. China uses 6.1 (not the ADA's 5.6) and
defines no HbA1c prediabetes band, so HbA1c < 6.5 % only rules out the diabetes range. Without
typical symptoms a diabetes-range value must be confirmed on another day; when a test was not
done, `details.not_excluded` names what it could have shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthloop.clinical import inputs
from healthloop.clinical.constraints import AtLeastOne
from healthloop.clinical.fields import InputSpec, Model
from healthloop.clinical.grading import Grade, build_result
from healthloop.clinical.result import CalculatorResult, JsonValue, Title

DIABETES_FPG_FROM = 7.0
DIABETES_OGTT_2H_FROM = 11.1
DIABETES_HBA1C_FROM = 6.5
IFG_FPG_FROM = 6.1
IGT_OGTT_2H_FROM = 7.8

GRADES = {
    "normal": Grade("normal", "血糖正常", "green"),
    "ifg": Grade("ifg", "空腹血糖受损", "yellow"),
    "igt": Grade("igt", "糖耐量减低", "yellow"),
    "ifg_igt": Grade("ifg_igt", "空腹血糖受损合并糖耐量减低", "yellow"),
    "diabetes": Grade("diabetes", "血糖达糖尿病诊断标准", "orange"),
}

INPUT_SPEC = InputSpec(
    fields=(
        inputs.number("fpg", required=False),
        inputs.number("ogtt_2h", required=False),
        inputs.number("hba1c", required=False),
    ),
    constraints=(AtLeastOne(("fpg", "ogtt_2h", "hba1c")),),
)
MODEL = Model(
    name="glycemic_status",
    version="1.0.0",
    title=Title(zh="糖代谢状态分类", en="Glycaemic status (CDS 2020)"),
    citation="中华医学会糖尿病学分会. 中国2型糖尿病防治指南(2020年版). 中华糖尿病杂志 2021;13(4)",
    inputs=INPUT_SPEC,
)


@dataclass(frozen=True)
class GlycemicInput:
    fpg_mmol_l: float | None = None
    ogtt_2h_mmol_l: float | None = None
    hba1c_percent: float | None = None

    def __post_init__(self) -> None:
        INPUT_SPEC.validate(self)


def diabetes_range_findings(inp: GlycemicInput) -> list[str]:
    findings = []
    if inp.fpg_mmol_l is not None and inp.fpg_mmol_l >= DIABETES_FPG_FROM:
        findings.append(f"FPG {inp.fpg_mmol_l:g} ≥ {DIABETES_FPG_FROM} mmol/L")
    if inp.ogtt_2h_mmol_l is not None and inp.ogtt_2h_mmol_l >= DIABETES_OGTT_2H_FROM:
        findings.append(f"2-h PG {inp.ogtt_2h_mmol_l:g} ≥ {DIABETES_OGTT_2H_FROM} mmol/L")
    if inp.hba1c_percent is not None and inp.hba1c_percent >= DIABETES_HBA1C_FROM:
        findings.append(f"HbA1c {inp.hba1c_percent:g} ≥ {DIABETES_HBA1C_FROM} %")
    return findings


def prediabetes_code(inp: GlycemicInput) -> str:
    """normal / ifg / igt / ifg_igt, given no value is in the diabetes range."""
    ifg = inp.fpg_mmol_l is not None and inp.fpg_mmol_l >= IFG_FPG_FROM
    igt = inp.ogtt_2h_mmol_l is not None and inp.ogtt_2h_mmol_l >= IGT_OGTT_2H_FROM
    if ifg and igt:
        return "ifg_igt"
    if ifg:
        return "ifg"
    return "igt" if igt else "normal"


def not_excluded(inp: GlycemicInput, code: str) -> list[JsonValue]:
    """States the missing tests could still reveal."""
    missing: list[JsonValue] = []
    if code != "diabetes" and (inp.fpg_mmol_l is None or inp.ogtt_2h_mmol_l is None):
        missing.append("diabetes")
    if inp.ogtt_2h_mmol_l is None and code in ("normal", "ifg"):
        missing.append("igt")
    if inp.fpg_mmol_l is None and code in ("normal", "igt"):
        missing.append("ifg")
    return missing


def glycemic_status(inp: GlycemicInput) -> CalculatorResult:
    """Glycaemic category from whichever of FPG, 2-h PG and HbA1c are given."""
    findings = diabetes_range_findings(inp)
    code = "diabetes" if findings else prediabetes_code(inp)
    basis = findings or [f"no value in the diabetes range; status {code}"]
    details: dict[str, JsonValue] = {
        "confirmation_required": code == "diabetes",
        "not_excluded": not_excluded(inp, code),
    }
    if code == "diabetes":
        basis.append("without typical symptoms, confirm on a different day")
    return build_result(
        MODEL, value=None, unit=None, grade=GRADES[code], basis=basis, details=details
    )
