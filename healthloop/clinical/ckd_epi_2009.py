"""CKD-EPI 2009 creatinine equation, with KDIGO staging — for comparing historical reports.

Source: Levey AS, Stevens LA, Schmid CH, et al. A New Equation to Estimate Glomerular
Filtration Rate. Ann Intern Med 2009;150:604-612. Status: VERIFIED. Report with CKD-EPI 2021;
keep this one only to compare with results issued before 2021.

eGFR = 141 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^-1.209 × 0.993^age × 1.018 [female]
× 1.159 [Black], κ = 0.7 F / 0.9 M, α = -0.329 F / -0.411 M.
The interface has no race input for this calculator, so the Black coefficient is never applied:
results are those of the non-Black equation (as Chinese laboratories reported it), and `basis`
says so.
"""

from __future__ import annotations

import math

from healthloop.clinical.fields import Model
from healthloop.clinical.kdigo import INPUT_SPEC, CkdEpiInput, ckd_epi_result
from healthloop.clinical.result import CalculatorResult, Title

MODEL = Model(
    name="ckd_epi_2009",
    version="1.0.0",
    title=Title(zh="CKD-EPI 2009 估算肾小球滤过率", en="CKD-EPI 2009 eGFR (creatinine)"),
    citation=(
        "Levey AS, et al. A New Equation to Estimate Glomerular Filtration Rate. "
        "Ann Intern Med 2009;150:604-612; staging KDIGO 2012"
    ),
    inputs=INPUT_SPEC,
)


def egfr_2009(scr_mg_dl: float, age_years: float, female: bool) -> float:
    """eGFR in mL/min/1.73 m² (non-Black coefficient)."""
    kappa, alpha = (0.7, -0.329) if female else (0.9, -0.411)
    ratio = scr_mg_dl / kappa
    value = (
        141.0
        * math.pow(min(ratio, 1.0), alpha)
        * math.pow(max(ratio, 1.0), -1.209)
        * math.pow(0.993, age_years)
    )
    return value * 1.018 if female else value


def ckd_epi_2009(inp: CkdEpiInput) -> CalculatorResult:
    """eGFR by CKD-EPI 2009 (non-Black) with KDIGO staging."""
    basis = ["CKD-EPI 2009 creatinine equation, non-Black coefficient (race is not an input)"]
    return ckd_epi_result(MODEL, inp, egfr_2009, basis)
