"""Data tests for the exam-item catalog (exam_items.yaml + unit_synonyms.yaml).

Pure Python + PyYAML, no Django:
    .venv/bin/python -m pytest healthloop/records/catalog/test_catalog_data.py -p no:django -q
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
ITEMS_PATH = HERE / "exam_items.yaml"
SYNONYMS_PATH = HERE / "unit_synonyms.yaml"

CATEGORIES = {
    "vitals",
    "anthropometry",
    "cbc",
    "liver",
    "kidney",
    "lipids",
    "glucose",
    "electrolytes",
    "thyroid",
    "tumour_markers",
    "urinalysis",
    "inflammation",
    "infection",
    "cardiac",
    "imaging",
    "ecg",
    "gynaecology",
    "bone",
    "eye",
    "hearing",
    "lung_function",
    "summary",
    "other",
}
VALUE_TYPES = {"numeric", "text", "coded", "ordinal"}
ALLOWED_KEYS = {
    "code",
    "name_zh",
    "name_en",
    "category",
    "loinc",
    "value_type",
    "unit",
    "decimals",
    "ranges",
    "plausible",
    "critical",
    "alt_units",
    "aliases",
    "answers",
}
BASE_KEYS = {"code", "name_zh", "name_en", "category", "loinc", "value_type", "unit", "aliases"}
NUMERIC_KEYS = {"decimals", "ranges", "plausible"}
RANGE_KEYS = {"sex", "age_min", "age_max", "low", "high"}
SEXES = {"any", "male", "female"}

# UCUM codes a catalog item may use as its canonical unit (case-sensitive).
CATALOG_UNITS = {
    "cm",
    "kg",
    "kg/m2",
    "1",
    "%",
    "mm[Hg]",
    "/min",
    "10*9/L",
    "10*12/L",
    "g/L",
    "fL",
    "pg",
    "U/L",
    "umol/L",
    "mmol/L",
    "mg/L",
    "ng/mL",
    "ng/L",
    "pg/mL",
    "U/mL",
    "pmol/L",
    "nmol/L",
    "m[IU]/L",
    "u[IU]/mL",
    "m[IU]/mL",
    "[IU]/mL",
    "mL/min/{1.73_m2}",
    "mm/h",
    "[pH]",
    "/[HPF]",
    "mg/g",
    "[ppth]",
    "{dpm}/mmol",
    "ms",
    "deg",
    "mm",
    "L",
    "dB",
    "{SD}",
}
# Additional UCUM codes allowed only as alt_units / synonym targets.
ALT_ONLY_UNITS = {
    "m",
    "[in_i]",
    "g",
    "[lb_av]",
    "kPa",
    "10*3/uL",
    "10*6/uL",
    "/uL",
    "10*3/mm3",
    "10*6/mm3",
    "g/dL",
    "L/L",
    "um3",
    "[IU]/L",
    "ukat/L",
    "mg/dL",
    "ug/mL",
    "ug/L",
    "ug/dL",
    "ng/dL",
    "mmol/mol",
    "meq/L",
    "kU/L",
    "k[IU]/L",
    "mg/mmol",
    "ug/mg",
    "s",
    "mL",
}
ALL_UNITS = CATALOG_UNITS | ALT_ONLY_UNITS

# Numeric items that intentionally carry no population reference interval.
NO_RANGE_ITEMS = {
    "HEIGHT",
    "WEIGHT",
    "HIP",
    "FPSA",
    "U_CREA",
    "HBSAB_QN",
    "US_GB_POLYP_SIZE",
    "US_THYROID_NODULE_SIZE",
    "LDCT_NODULE_SIZE",
    "FVC",
    "FEV1",
}

# Items the brief requires (spot coverage of every panel).
REQUIRED_CODES = {
    "HEIGHT",
    "WEIGHT",
    "BMI",
    "WAIST",
    "HIP",
    "SBP",
    "DBP",
    "PULSE",
    "WBC",
    "RBC",
    "HGB",
    "HCT",
    "PLT",
    "MCV",
    "MCH",
    "MCHC",
    "NEUT_PCT",
    "NEUT_ABS",
    "LYMPH_PCT",
    "LYMPH_ABS",
    "ALT",
    "AST",
    "GGT",
    "ALP",
    "TBIL",
    "DBIL",
    "IBIL",
    "TP",
    "ALB",
    "GLB",
    "AG_RATIO",
    "CREA",
    "UREA",
    "UA",
    "EGFR",
    "CYSC",
    "TC",
    "TG",
    "HDL_C",
    "LDL_C",
    "LPA",
    "APOA1",
    "APOB",
    "GLU",
    "OGTT_2H",
    "HBA1C",
    "INS_F",
    "TSH",
    "FT3",
    "FT4",
    "TT3",
    "TT4",
    "TPOAB",
    "AFP",
    "CEA",
    "CA199",
    "CA125",
    "CA153",
    "CA724",
    "TPSA",
    "FPSA",
    "CYFRA211",
    "NSE",
    "SCC",
    "FERRITIN",
    "U_PH",
    "U_SG",
    "U_PRO",
    "U_GLU",
    "U_KET",
    "U_BLD",
    "U_LEU",
    "U_NIT",
    "U_BIL",
    "U_UBG",
    "U_MALB",
    "U_CREA",
    "U_ACR",
    "K",
    "NA",
    "CL",
    "CA",
    "HSCRP",
    "HCY",
    "HP_UBT_C13_DOB",
    "HP_UBT_C14_DPM",
    "HBSAG",
    "ECG_CONCLUSION",
    "US_FATTY_LIVER",
    "US_THYROID_TIRADS",
    "US_BREAST_BIRADS",
    "CAROTID_PLAQUE",
    "CAROTID_IMT",
    "CXR_CONCLUSION",
    "LDCT_NODULE_SIZE",
    "TCT",
    "HPV_HR",
    "BMD_T_SCORE",
    "FUNDUS_CONCLUSION",
    "IOP_L",
    "IOP_R",
    "VA_UNCORR_L",
    "VA_UNCORR_R",
    "PTA_SPEECH_L",
    "PTA_SPEECH_R",
    "PTA_HF_BINAURAL",
    "FEV1",
    "FVC",
    "FEV1_FVC",
    "SUMMARY_CONCLUSION",
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


@pytest.fixture(scope="module")
def items():
    data = _load(ITEMS_PATH)
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def by_code(items):
    return {it["code"]: it for it in items}


@pytest.fixture(scope="module")
def synonyms():
    data = _load(SYNONYMS_PATH)
    assert isinstance(data, dict)
    return data


def numeric_items(items):
    return [it for it in items if it["value_type"] == "numeric"]


def loinc_check_digit_ok(code: str) -> bool:
    """LOINC mod-10 check digit, as specified by Regenstrief (LOINC Users' Guide, appendix)."""
    m = re.fullmatch(r"(\d{1,7})-(\d)", code)
    if not m:
        return False
    body, check = m.group(1), int(m.group(2))
    rev = body[::-1]
    odd = rev[0::2][::-1]  # 1st, 3rd, 5th ... digit counted from the right
    even = rev[1::2][::-1]  # 2nd, 4th ... digit counted from the right
    combined = even + str(int(odd) * 2)
    total = sum(int(c) for c in combined)
    return (10 - total % 10) % 10 == check


def to_catalog(item, value, unit):
    for alt in item.get("alt_units") or []:
        if alt["unit"] == unit:
            return value * alt["factor"] + alt.get("offset", 0)
    raise KeyError(f"{item['code']}: no alt unit {unit!r}")


def from_catalog(item, value, unit):
    for alt in item.get("alt_units") or []:
        if alt["unit"] == unit:
            return (value - alt.get("offset", 0)) / alt["factor"]
    raise KeyError(f"{item['code']}: no alt unit {unit!r}")


def rounded(x: float, places: int) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)


# ───────────────────────────── structure ─────────────────────────────


def test_item_count(items):
    assert len(items) >= 130


def test_required_codes_present(by_code):
    missing = REQUIRED_CODES - set(by_code)
    assert not missing, f"missing required items: {sorted(missing)}"


def test_keys_and_types(items):
    for it in items:
        keys = set(it)
        assert keys <= ALLOWED_KEYS, (it.get("code"), keys - ALLOWED_KEYS)
        assert keys >= BASE_KEYS, (it.get("code"), BASE_KEYS - keys)
        assert it["category"] in CATEGORIES, it["code"]
        assert it["value_type"] in VALUE_TYPES, it["code"]
        for k in ("name_zh", "name_en"):
            assert isinstance(it[k], str) and it[k].strip() == it[k] and it[k], (it["code"], k)
        if it["value_type"] == "numeric":
            assert keys >= NUMERIC_KEYS, (it["code"], NUMERIC_KEYS - keys)
            assert "answers" not in keys, it["code"]
        else:
            assert it["unit"] is None, it["code"]
            assert not keys & {"decimals", "ranges", "plausible", "critical", "alt_units"}, it[
                "code"
            ]
        if it["value_type"] in ("coded", "ordinal"):
            assert "answers" in keys, it["code"]
        if it["value_type"] == "text":
            assert "answers" not in keys, it["code"]


def test_codes_unique_and_upper_snake(items):
    codes = [it["code"] for it in items]
    dup = [c for c, n in Counter(codes).items() if n > 1]
    assert not dup, dup
    for c in codes:
        assert isinstance(c, str) and re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", c), c


def test_aliases_unique_case_insensitive(items):
    owner = {}
    for it in items:
        aliases = it["aliases"]
        assert isinstance(aliases, list) and aliases, it["code"]
        for a in aliases:
            assert isinstance(a, str) and a and a.strip() == a, (it["code"], a)
            key = a.casefold()
            assert key not in owner or owner[key] == it["code"], (
                f"alias {a!r} used by {owner.get(key)} and {it['code']}"
            )
            owner[key] = it["code"]
    # an alias must not shadow another item's code either
    for it in items:
        key = it["code"].casefold()
        assert owner.get(key, it["code"]) == it["code"], (it["code"], owner[key])


def test_every_category_has_items(items):
    used = {it["category"] for it in items}
    assert used == CATEGORIES, CATEGORIES - used


# ───────────────────────────── LOINC ─────────────────────────────


def test_loinc_checker_itself():
    for good in ("2345-7", "1558-6", "14771-0", "718-7", "62238-1", "12345-5"):
        assert loinc_check_digit_ok(good), good
    for bad in ("2345-8", "1558-5", "14771-1", "718", "ABC-1", "14771-0 ", "62238-11"):
        assert not loinc_check_digit_ok(bad), bad


def test_loinc_codes_valid_and_unique(items):
    seen = {}
    for it in items:
        assert "loinc" in it, it["code"]
        code = it["loinc"]
        if code is None:
            continue
        assert isinstance(code, str), (it["code"], code)
        assert loinc_check_digit_ok(code), (it["code"], code)
        assert code not in seen, f"LOINC {code} on {seen.get(code)} and {it['code']}"
        seen[code] = it["code"]


def test_loinc_spot_checks(by_code):
    expected = {
        "GLU": "14771-0",
        "HBA1C": "4548-4",
        "CREA": "14682-9",
        "UREA": "22664-7",
        "UA": "14933-6",
        "TC": "14647-2",
        "TG": "14927-8",
        "HDL_C": "14646-4",
        "LDL_C": "22748-8",
        "TBIL": "14631-6",
        "DBIL": "14629-0",
        "IBIL": "14630-8",
        "ALT": "1742-6",
        "AST": "1920-8",
        "WBC": "6690-2",
        "HGB": "718-7",
        "PLT": "777-3",
        "SBP": "8480-6",
        "DBP": "8462-4",
        "BMI": "39156-5",
        "EGFR": "62238-1",
        "FT4": "14920-3",
        "FT3": "14928-6",
        "CA724": "17843-4",
        "SCC": "9679-2",
        "HBSAG": "5196-1",
        "FEV1": "20150-9",
        "FVC": "19870-5",
        "FEV1_FVC": "19926-5",
    }
    for code, loinc in expected.items():
        assert by_code[code]["loinc"] == loinc, code
    for code in ("HP_UBT_C13_DOB", "HP_UBT_C14_DPM", "TCT", "US_FATTY_LIVER", "BMD_T_SCORE"):
        assert by_code[code]["loinc"] is None, code


# ───────────────────────────── numeric items ─────────────────────────────


def _bounds(r):
    return [r[k] for k in ("low", "high") if r.get(k) is not None]


def test_numeric_units_decimals_plausible(items):
    for it in numeric_items(items):
        assert it["unit"] in CATALOG_UNITS, (it["code"], it["unit"])
        d = it["decimals"]
        assert isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 4, it["code"]
        p = it["plausible"]
        assert set(p) == {"min", "max"}, it["code"]
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p.values())
        assert p["min"] < p["max"], it["code"]


def test_ranges_well_formed(items):
    for it in numeric_items(items):
        p = it["plausible"]
        ranges = it["ranges"]
        assert isinstance(ranges, list), it["code"]
        if it["code"] in NO_RANGE_ITEMS:
            assert ranges == [], it["code"]
            continue
        assert ranges, f"{it['code']} has no reference range and is not in NO_RANGE_ITEMS"
        for r in ranges:
            assert set(r) <= RANGE_KEYS, (it["code"], r)
            assert r["sex"] in SEXES, (it["code"], r)
            b = _bounds(r)
            assert b, (it["code"], "range without low and high", r)
            for v in b:
                assert isinstance(v, (int, float)) and not isinstance(v, bool), (it["code"], r)
                assert p["min"] <= v <= p["max"], (it["code"], "range outside plausible", r)
                assert float(rounded(float(v), it["decimals"])) == float(v), (
                    it["code"],
                    "range bound has more decimals than the item",
                    v,
                )
            if r.get("low") is not None and r.get("high") is not None:
                assert r["low"] < r["high"], (it["code"], r)
            amin, amax = r.get("age_min", 0), r.get("age_max", 150)
            assert isinstance(amin, int) and isinstance(amax, int), (it["code"], r)
            assert 0 <= amin <= amax <= 150, (it["code"], r)


def test_ranges_do_not_overlap(items):
    for it in numeric_items(items):
        rs = it["ranges"]
        for i in range(len(rs)):
            for j in range(i + 1, len(rs)):
                a, b = rs[i], rs[j]
                sex_overlap = a["sex"] == b["sex"] or "any" in (a["sex"], b["sex"])
                a_lo, a_hi = a.get("age_min", 0), a.get("age_max", 150)
                b_lo, b_hi = b.get("age_min", 0), b.get("age_max", 150)
                age_overlap = a_lo <= b_hi and b_lo <= a_hi
                assert not (sex_overlap and age_overlap), (it["code"], a, b)


def test_ranges_cover_adults_without_gaps(items):
    """Every adult (18-120 y) of each sex must hit a range, unless the item is sex-specific."""
    sex_specific = {"TPSA", "FPSA_TPSA_RATIO"}
    for it in numeric_items(items):
        if not it["ranges"]:
            continue
        sexes = ("male",) if it["code"] in sex_specific else ("male", "female")
        for sex in sexes:
            for age in range(18, 121):
                hits = [
                    r
                    for r in it["ranges"]
                    if r["sex"] in (sex, "any")
                    and r.get("age_min", 0) <= age <= r.get("age_max", 150)
                ]
                assert len(hits) == 1, (it["code"], sex, age, hits)


def test_critical_values(items):
    for it in items:
        crit = it.get("critical")
        if crit is None:
            continue
        assert it["value_type"] == "numeric", it["code"]
        assert set(crit) <= {"low", "high"} and crit, it["code"]
        p = it["plausible"]
        for v in crit.values():
            assert p["min"] <= v <= p["max"], (it["code"], crit)
        lows = [r["low"] for r in it["ranges"] if r.get("low") is not None]
        highs = [r["high"] for r in it["ranges"] if r.get("high") is not None]
        if "low" in crit and lows:
            assert crit["low"] < min(lows), (it["code"], crit)
        if "high" in crit and highs:
            assert crit["high"] > max(highs), (it["code"], crit)
        if "low" in crit and "high" in crit:
            assert crit["low"] < crit["high"], it["code"]


def test_critical_spot_values(by_code):
    assert by_code["GLU"]["critical"] == {"low": 2.8, "high": 22.2}
    assert by_code["K"]["critical"] == {"low": 2.8, "high": 6.2}
    assert by_code["HGB"]["critical"] == {"low": 60}
    assert by_code["PLT"]["critical"]["low"] == 30
    assert by_code["SBP"]["critical"] == {"high": 180}
    assert by_code["DBP"]["critical"] == {"high": 110}


def test_reference_range_spot_values(by_code):
    def rng(code, sex="any", age=40):
        hits = [
            r
            for r in by_code[code]["ranges"]
            if r["sex"] in (sex, "any") and r.get("age_min", 0) <= age <= r.get("age_max", 150)
        ]
        assert len(hits) == 1, (code, sex, age)
        return hits[0].get("low"), hits[0].get("high")

    assert rng("GLU") == (3.9, 6.1)
    assert rng("WBC") == (3.5, 9.5)
    assert rng("HGB", "male") == (130, 175)
    assert rng("HGB", "female") == (115, 150)
    assert rng("PLT") == (125, 350)
    assert rng("ALT", "male") == (9, 50)
    assert rng("ALT", "female") == (7, 40)
    assert rng("CREA", "male", 45) == (57, 97)
    assert rng("CREA", "male", 70) == (57, 111)
    assert rng("CREA", "female", 45) == (41, 73)
    assert rng("CREA", "female", 70) == (41, 81)
    assert rng("UREA", "female", 30) == (2.6, 7.5)
    assert rng("ALP", "female", 30) == (35, 100)
    assert rng("ALP", "female", 55) == (50, 135)
    assert rng("TBIL", "male") == (None, 26.0)
    assert rng("K") == (3.5, 5.3)
    assert rng("NA") == (137, 147)
    assert rng("LDL_C") == (None, 3.39)
    assert rng("HDL_C") == (1.0, None)
    assert rng("BMI") == (18.5, 23.9)


# ───────────────────────────── units & conversions ─────────────────────────────


def test_alt_units_well_formed(items):
    for it in items:
        alts = it.get("alt_units")
        if alts is None:
            continue
        assert isinstance(alts, list) and alts, it["code"]
        units = [a["unit"] for a in alts]
        assert len(units) == len(set(units)), (it["code"], units)
        for a in alts:
            assert set(a) <= {"unit", "factor", "offset"}, (it["code"], a)
            assert a["unit"] in ALL_UNITS, (it["code"], a["unit"])
            assert a["unit"] != it["unit"], (it["code"], a["unit"])
            f = a["factor"]
            assert isinstance(f, (int, float)) and not isinstance(f, bool) and f > 0, (
                it["code"],
                a,
            )
            off = a.get("offset", 0)
            assert isinstance(off, (int, float)) and not isinstance(off, bool), (it["code"], a)


def test_alt_units_round_trip(items):
    for it in items:
        for a in it.get("alt_units") or []:
            for x in (0.5, 1.0, 7.25, 123.0):
                y = to_catalog(it, x, a["unit"])
                assert math.isclose(from_catalog(it, y, a["unit"]), x, rel_tol=1e-12), (
                    it["code"],
                    a,
                )


@pytest.mark.parametrize(
    "code, value, unit, expected",
    [
        ("GLU", 100, "mg/dL", "5.55"),
        ("OGTT_2H", 140, "mg/dL", "7.77"),
        ("CREA", 1.0, "mg/dL", "88.4"),
        ("CREA", 0.0884, "mmol/L", "88.4"),
        ("UA", 7.0, "mg/dL", "416.36"),
        ("HBA1C", 48, "mmol/mol", "6.54"),
        ("HBA1C", 53, "mmol/mol", "7.00"),
        ("TC", 200, "mg/dL", "5.17"),
        ("LDL_C", 130, "mg/dL", "3.36"),
        ("TG", 150, "mg/dL", "1.69"),
        ("UREA", 14, "mg/dL", "5.00"),
        ("CA", 10.0, "mg/dL", "2.495"),
        ("TBIL", 1.0, "mg/dL", "17.1"),
        ("HEIGHT", 1.75, "m", "175.0"),
        ("WEIGHT", 70500, "g", "70.5"),
        ("SBP", 16.0, "kPa", "120"),
        ("HGB", 13.5, "g/dL", "135"),
        ("HCT", 0.45, "L/L", "45.0"),
        ("INS_F", 60, "pmol/L", "10.0"),
        ("FT4", 1.2, "ng/dL", "15.44"),
        ("U_ACR", 3.0, "mg/mmol", "26.5"),
        ("FE", 100, "ug/dL", "17.9"),
        ("ALT", 1.0, "ukat/L", "60"),
    ],
)
def test_known_conversions(by_code, code, value, unit, expected):
    exp = Decimal(expected)
    places = -exp.as_tuple().exponent
    assert rounded(to_catalog(by_code[code], value, unit), places) == exp


def test_lipid_and_glucose_factors_consistent(by_code):
    for code in ("TC", "HDL_C", "LDL_C", "NON_HDL_C"):
        assert math.isclose(to_catalog(by_code[code], 1, "mg/dL"), 1 / 38.67, rel_tol=5e-4), code
    assert math.isclose(to_catalog(by_code["TG"], 1, "mg/dL"), 1 / 88.57, rel_tol=5e-4)
    for code in ("GLU", "OGTT_2H"):
        assert math.isclose(to_catalog(by_code[code], 1, "mg/dL"), 1 / 18.0, rel_tol=2e-3), code


def test_unit_synonyms_targets_are_known_ucum(synonyms):
    assert len(synonyms) >= 100
    for raw, ucum in synonyms.items():
        assert isinstance(raw, str) and raw.strip() == raw and raw, repr(raw)
        assert isinstance(ucum, str), raw
        assert ucum in ALL_UNITS, (raw, ucum)
        assert raw != ucum, f"identity entry {raw!r} is redundant"


def test_unit_synonyms_required_spellings(synonyms):
    expected = {
        "μmol/L": "umol/L",  # U+03BC Greek mu
        "µmol/L": "umol/L",  # U+00B5 micro sign
        "umol/l": "umol/L",
        "mmol/l": "mmol/L",
        "mmHg": "mm[Hg]",
        "x10^9/L": "10*9/L",
        "10^9/L": "10*9/L",
        "×10⁹/L": "10*9/L",
        "×10^12/L": "10*12/L",
        "mg/dl": "mg/dL",
        "mIU/L": "m[IU]/L",
        "μIU/mL": "u[IU]/mL",
        "次/分": "/min",
        "kg/m²": "kg/m2",
        "ml/min/1.73m²": "mL/min/{1.73_m2}",
        "/HP": "/[HPF]",
        "‰": "[ppth]",
    }
    for raw, ucum in expected.items():
        assert synonyms.get(raw) == ucum, raw
    assert "\u03bcmol/L" in synonyms and "\u00b5mol/L" in synonyms
    assert "G/L" not in synonyms  # giga-per-litre vs gram-per-litre trap


def test_unit_synonyms_not_ambiguous_by_case(synonyms):
    targets = defaultdict(set)
    for raw, ucum in synonyms.items():
        targets[raw.casefold()].add(ucum)
    # "G/L"-style trap: spellings that differ only by case must not mean different units.
    ambiguous = {k: v for k, v in targets.items() if len(v) > 1}
    assert not ambiguous, ambiguous


def test_every_catalog_unit_is_ucum_allowed(items):
    used = {it["unit"] for it in numeric_items(items)}
    assert used <= CATALOG_UNITS, used - CATALOG_UNITS


# ───────────────────────────── coded / ordinal ─────────────────────────────


def test_coded_items_have_answers(items):
    for it in items:
        if it["value_type"] not in ("coded", "ordinal"):
            continue
        answers = it["answers"]
        assert isinstance(answers, list) and len(answers) >= 2, it["code"]
        codes = []
        for a in answers:
            assert set(a) == {"code", "name_zh", "name_en", "abnormal"}, (it["code"], a)
            assert isinstance(a["code"], str) and a["code"], (it["code"], a)
            assert isinstance(a["name_zh"], str) and isinstance(a["name_en"], str), (it["code"], a)
            assert isinstance(a["abnormal"], bool), (it["code"], a)
            codes.append(a["code"])
        assert len(codes) == len(set(codes)), (it["code"], codes)
        assert any(not a["abnormal"] for a in answers), f"{it['code']} has no normal answer"
        assert any(a["abnormal"] for a in answers) or it["code"] == "HBSAB", it["code"]


def test_ordinal_answer_spot_checks(by_code):
    assert [a["code"] for a in by_code["U_PRO"]["answers"]] == [
        "NEG",
        "TRACE",
        "1+",
        "2+",
        "3+",
        "4+",
    ]
    assert [a["code"] for a in by_code["US_FATTY_LIVER"]["answers"]] == [
        "NONE",
        "MILD",
        "MODERATE",
        "SEVERE",
    ]
    assert [a["abnormal"] for a in by_code["US_FATTY_LIVER"]["answers"]] == [
        False,
        True,
        True,
        True,
    ]
    assert [a["code"] for a in by_code["US_THYROID_TIRADS"]["answers"]][:4] == ["1", "2", "3", "4A"]
    assert all(not a["abnormal"] for a in by_code["HBSAB"]["answers"])  # anti-HBs+ = immunity
