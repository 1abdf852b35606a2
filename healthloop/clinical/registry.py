"""The registry: stable calculator name → (function, input schema, version).

Names are part of the public contract (calculator-api.md): the screening engine stores them
with each Assessment, the HTTP API and the CLI take them in the URL or argument. Never rename
one; add a new name (e.g. `ckd_epi_2021`) for a new model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from healthloop.clinical import (
    bmi_class,
    cdrs,
    china_par,
    ckd_epi_2009,
    ckd_epi_2021,
    findrisc,
    framingham_2008,
    gad7,
    glycemic_status,
    htn_risk_2018,
    kdigo,
    lipid_class,
    metabolic_syndrome,
    pce,
    phq9,
    psqi,
    pss10,
    tcm_constitution,
    uric_acid_class,
)
from healthloop.clinical.criteria import Criteria
from healthloop.clinical.errors import UnknownCalculator
from healthloop.clinical.fields import Model
from healthloop.clinical.result import CalculatorResult, CalculatorSpec


@dataclass(frozen=True)
class Calculator:
    """One registered calculator: its model (name, version, inputs), input type and function.

    `function` takes the input dataclass, plus `criteria=` when the calculator has a
    configurable rule table (`default_criteria`).
    """

    model: Model
    input_type: Callable[..., object]
    function: Callable[..., CalculatorResult]
    default_criteria: Criteria | None = None

    def spec(self) -> CalculatorSpec:
        return CalculatorSpec(
            name=self.model.name,
            version=self.model.version,
            title=self.model.title,
            citation=self.model.citation,
            input_schema=self.model.inputs.json_schema(self.model.name),
        )

    def run(
        self, inputs: Mapping[str, object], criteria: Criteria | None = None
    ) -> CalculatorResult:
        """Parse the API inputs and run, with `criteria` replacing the default rule table."""
        default = self.default_criteria
        if default is None:
            if criteria is not None:
                raise TypeError(f"{self.model.name} has no configurable criteria")
            return self.function(self.model.inputs.parse(self.input_type, inputs, self.model.name))
        chosen = default if criteria is None else criteria
        if not isinstance(chosen, type(default)):
            raise TypeError(f"{self.model.name} criteria must be a {type(default).__name__}")
        parsed = self.model.inputs.parse(self.input_type, inputs, self.model.name)
        return self.function(parsed, criteria=chosen)


_ALL = (
    Calculator(china_par.MODEL, china_par.ChinaParInput, china_par.china_par),
    Calculator(pce.MODEL, pce.PceInput, pce.pce),
    Calculator(
        framingham_2008.MODEL, framingham_2008.FraminghamInput, framingham_2008.framingham_2008
    ),
    Calculator(
        htn_risk_2018.MODEL,
        htn_risk_2018.HtnRiskInput,
        htn_risk_2018.htn_risk_2018,
        htn_risk_2018.HTN_RISK_TABLE_2018,
    ),
    Calculator(ckd_epi_2021.MODEL, kdigo.CkdEpiInput, ckd_epi_2021.ckd_epi_2021),
    Calculator(ckd_epi_2009.MODEL, kdigo.CkdEpiInput, ckd_epi_2009.ckd_epi_2009),
    Calculator(cdrs.MODEL, cdrs.CdrsInput, cdrs.cdrs),
    Calculator(findrisc.MODEL, findrisc.FindriscInput, findrisc.findrisc),
    Calculator(bmi_class.MODEL, bmi_class.BmiClassInput, bmi_class.bmi_class),
    Calculator(
        metabolic_syndrome.MODEL,
        metabolic_syndrome.MetabolicSyndromeInput,
        metabolic_syndrome.metabolic_syndrome,
        metabolic_syndrome.CDS_2020,
    ),
    Calculator(
        lipid_class.MODEL,
        lipid_class.LipidInput,
        lipid_class.lipid_class,
        lipid_class.NON_HDL_C_2023,
    ),
    Calculator(
        uric_acid_class.MODEL,
        uric_acid_class.UricAcidInput,
        uric_acid_class.uric_acid_class,
        uric_acid_class.CHINA_2019,
    ),
    Calculator(
        glycemic_status.MODEL, glycemic_status.GlycemicInput, glycemic_status.glycemic_status
    ),
    Calculator(
        tcm_constitution.MODEL, tcm_constitution.TcmInput, tcm_constitution.tcm_constitution
    ),
    Calculator(phq9.MODEL, phq9.Phq9Input, phq9.phq9),
    Calculator(gad7.MODEL, gad7.Gad7Input, gad7.gad7),
    Calculator(pss10.MODEL, pss10.Pss10Input, pss10.pss10, pss10.COMMON_BANDS),
    Calculator(psqi.MODEL, psqi.PsqiInput, psqi.psqi, psqi.CHINA_CUTOFF),
)

CALCULATORS: Mapping[str, Calculator] = {calculator.model.name: calculator for calculator in _ALL}


def get(name: str) -> Calculator:
    """The calculator registered under `name`, or `UnknownCalculator`."""
    try:
        return CALCULATORS[name]
    except KeyError:
        raise UnknownCalculator(name, tuple(CALCULATORS)) from None
