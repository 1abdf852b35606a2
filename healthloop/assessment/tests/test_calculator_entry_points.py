"""The calculator API and CLI speak calculator-api.md: a result object, or 400 / exit 2."""

import json

import pytest
from django.core.management import call_command

CHINA_PAR_MEN_60 = {
    "sex": "male", "age": 60, "sbp": 130, "bp_treated": False, "tc": 210 / 38.61,
    "hdl_c": 55 / 38.61, "waist_cm": 80, "smoker": False, "diabetes": True, "north": True,
    "urban": True, "family_history_ascvd": False,
}  # fmt: skip


@pytest.fixture
def doctor(make_user):
    return make_user("dr", "doctor")


@pytest.mark.django_db
def test_post_calculator_returns_the_result_object(api, doctor):
    # when
    response = api(doctor).post("/api/v1/calculators/china_par", CHINA_PAR_MEN_60, format="json")
    # then: the paper's worked example (reference: 10.82 % computed, 11.0 % published)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "name",
        "version",
        "value",
        "unit",
        "category",
        "label",
        "color",
        "basis",
        "citation",
        "details",
    }
    assert body["name"] == "china_par" and body["category"] == "high"
    assert body["value"] == pytest.approx(10.82, abs=0.05)


@pytest.mark.django_db
def test_out_of_range_input_is_400_naming_the_field(api, doctor):
    response = api(doctor).post(
        "/api/v1/calculators/china_par", {**CHINA_PAR_MEN_60, "sbp": 900}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "sbp"


@pytest.mark.django_db
def test_missing_input_is_400_naming_the_field(api, doctor):
    inputs = {k: v for k, v in CHINA_PAR_MEN_60.items() if k != "waist_cm"}
    response = api(doctor).post("/api/v1/calculators/china_par", inputs, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "waist_cm")


@pytest.mark.django_db
def test_unknown_calculator_is_404(api, doctor):
    response = api(doctor).post("/api/v1/calculators/nope", {}, format="json")
    assert response.status_code == 404


@pytest.mark.django_db
def test_list_names_every_calculator_with_schema_and_version(api, doctor):
    body = api(doctor).get("/api/v1/calculators").json()
    names = {spec["name"] for spec in body}
    assert {"china_par", "pce", "ckd_epi_2021", "phq9", "tcm_constitution", "psqi"} <= names
    assert all(spec["version"] and spec["input_schema"]["properties"] for spec in body)


@pytest.mark.django_db
def test_anonymous_cannot_use_calculators(api):
    assert api().get("/api/v1/calculators").status_code == 401


def test_calc_command_prints_the_result_and_exits_0(capsys):
    call_command("calc", "china_par", "--input", json.dumps(CHINA_PAR_MEN_60))
    body = json.loads(capsys.readouterr().out)
    assert body["category"] == "high"


def test_calc_command_exits_2_with_the_error_object(capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("calc", "china_par", "--input", json.dumps({**CHINA_PAR_MEN_60, "age": -1}))
    assert exited.value.code == 2
    assert json.loads(capsys.readouterr().out)["field"] == "age"


def test_calc_command_rejects_malformed_json_with_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("calc", "china_par", "--input", "{not json")
    assert exited.value.code == 2
    assert json.loads(capsys.readouterr().out)["field"] is None
