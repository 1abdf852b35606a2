"""The public surface: calculate, list_calculators, result and error objects, input checks."""

from __future__ import annotations

import ast
import dataclasses
import json
import math
from pathlib import Path

import jsonschema
import pytest

from healthloop.clinical import (
    CalculatorResult,
    ClinicalInputError,
    UnknownCalculator,
    calculate,
    list_calculators,
)
from healthloop.clinical.china_par import ChinaParInput
from healthloop.clinical.metabolic_syndrome import CDS_2020
from healthloop.clinical.registry import CALCULATORS
from healthloop.clinical.tests.cases import OUT_OF_RANGE, VALID_INPUTS

NAMES = [
    "china_par", "pce", "framingham_2008", "htn_risk_2018", "ckd_epi_2021", "ckd_epi_2009",
    "cdrs", "findrisc", "bmi_class", "metabolic_syndrome", "lipid_class", "uric_acid_class",
    "glycemic_status", "tcm_constitution", "phq9", "gad7", "pss10", "psqi",
]  # fmt: skip
RESULT_KEYS = {
    "name", "version", "value", "unit", "category", "label", "color", "basis", "citation",
    "details",
}  # fmt: skip
CLINICAL = Path(__file__).resolve().parents[1]
WRONG_TYPES: dict[str, list[object]] = {
    "number": ["60", True, math.nan, math.inf],
    "boolean": ["true", 1, 0],
    "integer": ["2", 2.5, False],
    "string": [1, True],
    "array": ["1,1,2", 3, {"1": 1}],
    "object": [[1, 2], "pinghe"],
}


def _schemas() -> dict[str, dict[str, object]]:
    return {spec.name: dict(spec.input_schema) for spec in list_calculators()}


def _required(name: str) -> list[str]:
    required = _schemas()[name]["required"]
    assert isinstance(required, list)
    return [str(field) for field in required]


def _properties(name: str) -> dict[str, dict[str, object]]:
    properties = _schemas()[name]["properties"]
    assert isinstance(properties, dict)
    return properties


def test_list_calculators_names_every_calculator_once_in_a_stable_order() -> None:
    # given / when
    names = [spec.name for spec in list_calculators()]
    # then
    assert names == NAMES


def test_calculator_specs_serialise_to_the_api_shape() -> None:
    # given / when
    specs = json.loads(json.dumps([spec.to_dict() for spec in list_calculators()]))
    # then
    for spec in specs:
        assert set(spec) == {"name", "version", "title", "citation", "input_schema"}
        assert set(spec["title"]) == {"zh", "en"}
        assert spec["version"] == "1.0.0"
        assert spec["citation"]
        jsonschema.Draft202012Validator.check_schema(spec["input_schema"])


@pytest.mark.parametrize("name", NAMES)
def test_input_schema_accepts_the_valid_example_and_rejects_the_out_of_range_one(
    name: str,
) -> None:
    # given the calculator's schema
    validator = jsonschema.Draft202012Validator(_schemas()[name])
    field, bad_value = OUT_OF_RANGE[name]
    # when
    valid_errors = list(validator.iter_errors(VALID_INPUTS[name]))
    invalid_errors = list(validator.iter_errors({**VALID_INPUTS[name], field: bad_value}))
    # then the schema agrees with the calculator's own validation
    assert valid_errors == []
    assert invalid_errors != []


@pytest.mark.parametrize("name", NAMES)
def test_number_properties_state_unit_and_range(name: str) -> None:
    # given / when
    numbers = {k: v for k, v in _properties(name).items() if v.get("type") == "number"}
    # then
    for prop in numbers.values():
        assert "unit:" in str(prop["description"])
        assert isinstance(prop["minimum"], float) and isinstance(prop["maximum"], float)


@pytest.mark.parametrize("name", NAMES)
def test_every_calculator_returns_the_result_object_of_the_api(name: str) -> None:
    # given / when
    result = calculate(name, VALID_INPUTS[name])
    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    # then
    assert set(payload) == RESULT_KEYS
    assert payload["name"] == name
    assert payload["color"] in ("red", "orange", "yellow", "green", None)
    assert isinstance(payload["label"], str) and payload["label"]
    assert payload["citation"] == result.citation
    assert isinstance(payload["basis"], list) and payload["basis"]


def test_risk_values_are_not_rounded() -> None:
    # given / when
    value = calculate("china_par", VALID_INPUTS["china_par"]).value
    # then
    assert value is not None
    assert value != round(value, 2)


def test_result_is_frozen() -> None:
    # given
    result: CalculatorResult = calculate("phq9", VALID_INPUTS["phq9"])
    # when / then
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 0  # type: ignore[misc]


def test_calculators_without_rule_tables_refuse_criteria() -> None:
    # given / when / then
    with pytest.raises(TypeError, match="phq9 has no configurable criteria"):
        calculate("phq9", VALID_INPUTS["phq9"], criteria=CDS_2020)


def test_every_rule_table_records_its_source_and_status() -> None:
    # given / when
    tables = [c.default_criteria for c in CALCULATORS.values() if c.default_criteria]
    # then
    assert [t.name for t in tables] == [
        "htn_risk_table_2018", "metabolic_syndrome_cds_2020", "non_hdl_c_2023",
        "hyperuricemia_china_2019", "pss10_common_bands", "psqi_china_gt7",
    ]  # fmt: skip
    assert all(t.source for t in tables)
    assert [t.status for t in tables] == [
        "UNVERIFIED", "UNVERIFIED", "UNVERIFIED", "UNVERIFIED", "CONVENTION", "VERIFIED",
    ]  # fmt: skip


def test_unknown_calculator_is_a_lookup_error_naming_the_calculator() -> None:
    # given / when
    with pytest.raises(LookupError) as error:
        calculate("china_par_2099", {})
    # then
    assert isinstance(error.value, UnknownCalculator)
    assert error.value.name == "china_par_2099"
    assert "china_par_2099" in str(error.value)


@pytest.mark.parametrize(
    ("name", "missing"),
    [(name, field) for name in NAMES for field in _required(name)],
)
def test_missing_required_input_is_named(name: str, missing: str) -> None:
    # given
    inputs = {k: v for k, v in VALID_INPUTS[name].items() if k != missing}
    # when
    with pytest.raises(ClinicalInputError) as error:
        calculate(name, inputs)
    # then
    assert error.value.to_dict() == {"error": f"{missing} is required", "field": missing}


@pytest.mark.parametrize("name", [name for name in NAMES if _required(name)])
def test_null_for_a_required_input_counts_as_missing(name: str) -> None:
    # given
    required = _required(name)
    inputs = {**VALID_INPUTS[name], required[0]: None}
    # when
    with pytest.raises(ClinicalInputError) as error:
        calculate(name, inputs)
    # then
    assert error.value.field == required[0]


@pytest.mark.parametrize("name", NAMES)
def test_unknown_extra_input_is_named(name: str) -> None:
    # given
    inputs = {**VALID_INPUTS[name], "sbp_mmhg": 120}
    # when
    with pytest.raises(ClinicalInputError) as error:
        calculate(name, inputs)
    # then
    assert error.value.field == "sbp_mmhg"
    assert error.value.message == f"unknown input 'sbp_mmhg' for {name}"


@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_input_is_named(name: str) -> None:
    # given
    field, value = OUT_OF_RANGE[name]
    # when
    with pytest.raises(ClinicalInputError) as error:
        calculate(name, {**VALID_INPUTS[name], field: value})
    # then
    assert error.value.field == field


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        (name, field, value)
        for name in NAMES
        for field, prop in _properties(name).items()
        if field in VALID_INPUTS[name]
        for value in WRONG_TYPES.get(str(prop.get("type")), [])
    ],
)
def test_mistyped_input_is_named_never_coerced(name: str, field: str, value: object) -> None:
    # given a string for a number, a number for a bool, a bool for a number, ...
    inputs = {**VALID_INPUTS[name], field: value}
    # when
    with pytest.raises(ClinicalInputError) as error:
        calculate(name, inputs)
    # then
    assert error.value.field == field


@pytest.mark.parametrize("inputs", [[("age", 60)], "age=60", None])
def test_inputs_must_be_an_object(inputs: object) -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        calculate("phq9", inputs)  # type: ignore[arg-type]
    # then
    assert error.value.field == "inputs"


def test_integral_floats_are_accepted_where_integers_are_expected() -> None:
    # given JSON numbers such as 2.0 for an answer
    answers = [1.0, 1.0, 2.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    # when
    result = calculate("phq9", {"answers": answers})
    # then
    assert result.value == 7


def test_dataclass_inputs_are_validated_when_built_directly() -> None:
    # given / when
    with pytest.raises(ClinicalInputError) as error:
        ChinaParInput(sex="male", age_years=200, sbp_mmhg=130, bp_treated=False, tc_mmol_l=5,
                      hdl_c_mmol_l=1.3, waist_cm=80, smoker=False, diabetes=False, north=True,
                      urban=True, family_history_ascvd=False)  # fmt: skip
    # then the error names the API input, not the attribute
    assert error.value.field == "age"
    assert error.value.message == "age = 200 years is outside the accepted range 20 to 85 years"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_clinical_core_imports_no_django_no_other_app_and_does_no_io() -> None:
    # given every non-test module of the clinical core
    modules = sorted(p for p in CLINICAL.glob("*.py"))
    # when
    offenders = [
        f"{path.name}: {module}"
        for path in modules
        for module in _imported_modules(path)
        if module.split(".")[0] in ("django", "rest_framework", "os", "io", "pathlib", "json")
        or (module.startswith("healthloop.") and not module.startswith("healthloop.clinical"))
    ]
    io_calls = [p.name for p in modules if "open(" in p.read_text(encoding="utf-8")]
    # then
    assert len(modules) >= 20
    assert offenders == []
    assert io_calls == []
