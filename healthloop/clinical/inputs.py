"""The shared input vocabulary of calculator-api.md: names, units and accepted ranges.

Ranges here are physiological plausibility limits (a value outside is almost certainly a unit
or typing error), not clinical cut-offs. A calculator narrows them where its equation was only
derived for a smaller range (e.g. PCE cholesterol 130–320 mg/dL).
"""

from __future__ import annotations

from healthloop.clinical.constraints import BmiOrHeightWeight, Constraint
from healthloop.clinical.errors import ClinicalInputError
from healthloop.clinical.fields import (
    BoolField,
    ChoiceField,
    InputField,
    NumberField,
)

SEXES = ("male", "female")

# name: (unit, minimum, maximum, description)
_NUMBERS: dict[str, tuple[str, float, float, str]] = {
    "sbp": ("mmHg", 60.0, 300.0, "Systolic blood pressure"),
    "dbp": ("mmHg", 30.0, 200.0, "Diastolic blood pressure"),
    "tc": ("mmol/L", 1.0, 20.0, "Total cholesterol"),
    "ldl_c": ("mmol/L", 0.1, 15.0, "LDL cholesterol"),
    "hdl_c": ("mmol/L", 0.1, 5.0, "HDL cholesterol"),
    "tg": ("mmol/L", 0.1, 100.0, "Triglycerides, fasting"),
    "fpg": ("mmol/L", 1.0, 50.0, "Fasting plasma glucose"),
    "ogtt_2h": ("mmol/L", 1.0, 60.0, "2-hour plasma glucose of the 75 g OGTT"),
    "hba1c": ("%", 3.0, 20.0, "Glycated haemoglobin (HbA1c, NGSP %)"),
    "scr": ("µmol/L", 10.0, 3000.0, "Serum creatinine (IDMS-traceable)"),
    "uric_acid": ("µmol/L", 10.0, 2000.0, "Serum uric acid"),
    "acr": ("mg/g", 0.0, 30000.0, "Urine albumin-to-creatinine ratio"),
    "height_cm": ("cm", 50.0, 250.0, "Height"),
    "weight_kg": ("kg", 10.0, 400.0, "Weight"),
    "waist_cm": ("cm", 30.0, 250.0, "Waist circumference"),
    "bmi": ("kg/m²", 8.0, 100.0, "Body-mass index"),
}

# name: description
_BOOLS: dict[str, str] = {
    "bp_treated": "Currently on antihypertensive medication",
    "smoker": "Current smoker",
    "diabetes": "Diabetes (diagnosed)",
    "north": "Lives north of the Yangtze River (China-PAR)",
    "urban": "Urban residence (China-PAR)",
    "family_history_ascvd": "Parent or sibling with myocardial infarction or stroke",
    "family_history_diabetes": "First-degree relative with diabetes",
}

# The dataclass attribute carries the unit, as STYLE.md asks.
_ATTRS: dict[str, str] = {
    "sbp": "sbp_mmhg",
    "dbp": "dbp_mmhg",
    "tc": "tc_mmol_l",
    "ldl_c": "ldl_c_mmol_l",
    "hdl_c": "hdl_c_mmol_l",
    "tg": "tg_mmol_l",
    "fpg": "fpg_mmol_l",
    "ogtt_2h": "ogtt_2h_mmol_l",
    "hba1c": "hba1c_percent",
    "scr": "scr_umol_l",
    "uric_acid": "uric_acid_umol_l",
    "acr": "acr_mg_g",
    "bmi": "bmi_kg_m2",
}


def number(
    name: str,
    *,
    required: bool = True,
    minimum: float | None = None,
    maximum: float | None = None,
) -> NumberField:
    """A standard numeric input, optionally with a narrower range."""
    unit, low, high, description = _NUMBERS[name]
    return NumberField(
        name=name,
        attr=_ATTRS.get(name, name),
        description=description,
        unit=unit,
        minimum=low if minimum is None else minimum,
        maximum=high if maximum is None else maximum,
        required=required,
    )


def flag(name: str, *, required: bool = True, description: str | None = None) -> BoolField:
    """A standard yes/no input."""
    return BoolField(
        name=name,
        attr=name,
        description=description or _BOOLS[name],
        required=required,
    )


def sex(*, required: bool = True) -> ChoiceField:
    return ChoiceField(name="sex", attr="sex", description="Sex", choices=SEXES, required=required)


def age(minimum: float, maximum: float) -> NumberField:
    return NumberField(
        name="age",
        attr="age_years",
        description="Age",
        unit="years",
        minimum=minimum,
        maximum=maximum,
    )


def body_size_fields() -> tuple[InputField, ...]:
    """bmi, or height_cm + weight_kg (see `BMI_SOURCE`)."""
    return (
        number("bmi", required=False),
        number("height_cm", required=False),
        number("weight_kg", required=False),
    )


BMI_SOURCE: Constraint = BmiOrHeightWeight()


def resolve_bmi(
    bmi_kg_m2: float | None, height_cm: float | None, weight_kg: float | None
) -> tuple[float, str]:
    """The BMI to use and how it was obtained (inputs already validated)."""
    if bmi_kg_m2 is not None:
        return bmi_kg_m2, f"BMI {bmi_kg_m2:.2f} kg/m² as given"
    if height_cm is None or weight_kg is None:
        raise ClinicalInputError("height_cm", "bmi, or height_cm with weight_kg, is required")
    value = weight_kg / (height_cm / 100.0) ** 2
    _unit, low, high, _text = _NUMBERS["bmi"]
    if not low <= value <= high:
        raise ClinicalInputError(
            "weight_kg",
            f"weight_kg {weight_kg:g} and height_cm {height_cm:g} give BMI {value:.1f}, "
            f"outside the accepted range {low:g} to {high:g} kg/m²",
        )
    return value, f"BMI {value:.2f} kg/m² from {weight_kg:g} kg and {height_cm:g} cm"
