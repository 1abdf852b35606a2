"""CKD-EPI 2021 race-free creatinine equation, with KDIGO staging.

Source: Inker LA, Eneanya ND, Coresh J, et al. New Creatinine- and Cystatin C-Based Equations
to Estimate GFR without Race. N Engl J Med 2021;385:1737-1749. Status: VERIFIED (constants
identical across NKF text and independent implementations; kidney.org example: man 55 y,
Scr 1.2 mg/dL → 71). This is the equation to report.

eGFR = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^-1.200 × 0.9938^age × 1.012 [female],
κ = 0.7 F / 0.9 M, α = -0.241 F / -0.302 M, Scr in mg/dL (µmol/L ÷ 88.4).
"""

from __future__ import annotations

import math

from healthloop.clinical.fields import Model
from healthloop.clinical.kdigo import INPUT_SPEC, CkdEpiInput, ckd_epi_result
from healthloop.clinical.result import CalculatorResult, Title

MODEL = Model(
    name="ckd_epi_2021",
    version="1.0.0",
    title=Title(zh="CKD-EPI 2021 估算肾小球滤过率", en="CKD-EPI 2021 eGFR (creatinine, race-free)"),
    citation=(
        "Inker LA, et al. New Creatinine- and Cystatin C-Based Equations to Estimate GFR "
        "without Race. N Engl J Med 2021;385:1737-1749; staging KDIGO 2012"
    ),
    inputs=INPUT_SPEC,
)


def egfr_2021(scr_mg_dl: float, age_years: float, female: bool) -> float:
    """eGFR in mL/min/1.73 m²."""
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    ratio = scr_mg_dl / kappa
    value = (
        142.0
        * math.pow(min(ratio, 1.0), alpha)
        * math.pow(max(ratio, 1.0), -1.200)
        * math.pow(0.9938, age_years)
    )
    return value * 1.012 if female else value


def ckd_epi_2021(inp: CkdEpiInput) -> CalculatorResult:
    """eGFR by CKD-EPI 2021 with the KDIGO G stage (and A stage and risk when ACR is given)."""
    return ckd_epi_result(MODEL, inp, egfr_2021, ["CKD-EPI 2021 race-free creatinine equation"])
