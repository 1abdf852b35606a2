"""Yearly numeric exam values of one person, in catalog units, before rounding.

``measure(traits, year, rng)`` returns {catalog code: value}. Each value is the person's usual
level for that age and BMI (set by the latent scores in traits.py), moved by treatment when a
drug was started that year or earlier, plus visit-to-visit noise of realistic size (systolic
pressure ±6.5 mmHg, glucose ±0.2 mmol/L, triglycerides ±20 %). Year-to-year drift comes from
ageing, the person's BMI trend, disease onsets and treatment starts.
"""

import math
import random

from healthloop.clinical.ckd_epi_2009 import egfr_2009
from healthloop.demo.randomness import lognormal, normal
from healthloop.demo.traits import AS_OF_YEAR, Traits, untreated_sbp_mmhg

CREATININE_UMOL_PER_MG_DL = 88.42


def _drinker(t: Traits) -> bool:
    return t.alcohol in ("regular", "heavy")


def _smoker(t: Traits, year: int) -> bool:
    return t.smoking == "current" or (t.quit_year is not None and year < t.quit_year)


def has_diabetes(t: Traits, year: int) -> bool:
    return t.dm_onset is not None and t.dm_onset <= year


def _anthropometry(
    t: Traits, year: int, age: int, rng: random.Random, out: dict[str, float]
) -> float:
    bmi = t.bmi_ref + t.bmi_slope * (year - AS_OF_YEAR) + normal(rng, 0.0, 0.25)
    bmi = min(max(bmi, 15.5), 48.0)
    height = t.height_cm - 0.15 * max(0, age - 65) + normal(rng, 0.0, 0.3)
    weight = bmi * (height / 100.0) ** 2
    height, weight = round(height, 1), round(weight, 1)
    out["HEIGHT"], out["WEIGHT"] = height, weight
    out["BMI"] = weight / (height / 100.0) ** 2
    if t.male:
        waist = 86.0 + 2.5 * (bmi - 24.0) + 0.12 * (age - 45) + 1.6 * t.liver
        hip = 96.0 + 1.7 * (bmi - 24.0)
    else:
        waist = 77.0 + 2.3 * (bmi - 23.0) + 0.18 * (age - 45) + 1.6 * t.liver
        hip = 94.0 + 2.0 * (bmi - 23.0)
    waist, hip = round(waist + normal(rng, 0.0, 1.8), 1), round(hip + normal(rng, 0.0, 1.5), 1)
    out["WAIST"], out["HIP"] = waist, hip
    out["WHR"] = waist / hip
    return bmi


def _blood_pressure(
    t: Traits, year: int, age: int, bmi: float, rng: random.Random, out: dict[str, float]
) -> None:
    sbp = untreated_sbp_mmhg(t, age, bmi)
    peak = 55 if t.male else 60
    dbp = (
        0.36 * sbp
        + (34.5 if t.male else 32.0)
        - 0.28 * max(0, age - peak)
        + 0.25 * (bmi - 24.0)
        + 4.5 * t.dbp
        + 2.5 * _drinker(t)
    )
    drug = t.treated("antihypertensive", year)
    if drug is not None:
        sbp -= 12.0 * drug.effect
        dbp -= 7.0 * drug.effect
    out["SBP"] = sbp + normal(rng, 0.0, 6.5)
    out["DBP"] = dbp + normal(rng, 0.0, 4.5)
    pulse = 75.0 - 0.05 * (age - 45) + 3.0 * _smoker(t, year) + normal(rng, 0.0, 8.0)
    if t.af_onset is not None and t.af_onset <= year:
        pulse = rng.uniform(68.0, 118.0)
    out["PULSE"] = pulse


def _glucose(
    t: Traits, year: int, age: int, bmi: float, rng: random.Random, out: dict[str, float]
) -> None:
    if has_diabetes(t, year):
        assert t.dm_onset is not None
        duration = min(10, year - t.dm_onset)
        fpg = math.exp(math.log(7.9) + 0.22 * t.dm_severity + 0.015 * duration)
        drug = t.treated("hypoglycemic", year)
        if drug is not None:
            fpg *= 1.0 - 0.17 * drug.effect
        fpg *= math.exp(normal(rng, 0.0, 0.11))
        a1c = 2.0 + 0.62 * fpg + normal(rng, 0.0, 0.3)
    else:
        fpg = 5.24 + 0.011 * (age - 45) + 0.05 * (bmi - 24.0) + 0.42 * t.glu + normal(rng, 0.0, 0.2)
        if t.dm_onset is not None:  # diabetes ahead: glucose creeps up over the years before
            fpg += 0.45 * max(0.0, 1.0 - (t.dm_onset - year) / 4.0)
        a1c = 2.92 + 0.52 * fpg + 0.008 * (age - 45) + 0.08 * t.glu + normal(rng, 0.0, 0.16)
    out["GLU"] = max(fpg, 3.3)
    out["HBA1C"] = min(max(a1c, 4.0), 15.5)


def _lipids(
    t: Traits, year: int, age: int, bmi: float, rng: random.Random, out: dict[str, float]
) -> None:
    if t.male:
        tc = 4.75 + 0.012 * (min(age, 60) - 45)
    else:
        tc = 4.6 + (0.032 * (min(age, 65) - 48) if age > 48 else 0.006 * (age - 48))
    tc += 0.05 * (bmi - 24.0) + 0.85 * t.tc + normal(rng, 0.0, 0.25)
    tg = math.exp(
        math.log(1.1)
        + 0.24 * t.male
        + 0.055 * (bmi - 24.0)
        + 0.002 * (age - 45)
        + 0.12 * _drinker(t)
        + 0.42 * t.tg
        + 0.18 * has_diabetes(t, year)
        + normal(rng, 0.0, 0.2)
    )
    hdl = (
        (1.19 if t.male else 1.38)
        - 0.022 * (bmi - 24.0)
        - 0.12 * math.log(tg / 1.3)
        + 0.2 * t.hdl
        + 0.06 * _drinker(t)
        + normal(rng, 0.0, 0.07)
    )
    hdl = max(hdl, 0.5)
    ldl = max(tc - hdl - tg / 2.2 + normal(rng, 0.0, 0.1), 0.6)
    drug = t.treated("lipid_lowering", year)
    if drug is not None:
        ldl *= 1.0 - drug.effect
        tg *= 0.9
    out["TC"] = ldl + hdl + tg / 2.2 + abs(normal(rng, 0.0, 0.05))
    out["TG"], out["HDL_C"], out["LDL_C"] = tg, hdl, ldl


def _uric_acid(t: Traits, year: int, age: int, bmi: float, rng: random.Random) -> float:
    if t.male:
        ua = 356.0 + 6.5 * (bmi - 24.0) - 0.4 * max(0, age - 60) + 22.0 * _drinker(t)
        ua += 55.0 * t.ua + normal(rng, 0.0, 25.0)
    else:
        ua = 293.0 + 5.5 * (bmi - 23.0) + 1.3 * min(max(0, age - 48), 25)
        ua += 48.0 * t.ua + normal(rng, 0.0, 22.0)
    ua += 60.0 * (t.ckd_factor - 1.0)
    if t.gout:
        ua += 70.0
    drug = t.treated("urate_lowering", year)
    if drug is not None:
        ua *= 1.0 - drug.effect
    return max(ua, 90.0)


def fatty_liver_grade(
    t: Traits, year: int, age: int, bmi: float, tg: float, rng: random.Random
) -> int:
    """0 none, 1 mild, 2 moderate, 3 severe: a latent liver-fat score with small visit noise."""
    score = (
        -1.45
        + 0.42 * (bmi - 24.0)
        + 0.45 * t.male
        + 0.85 * t.liver
        + 0.35 * has_diabetes(t, year)
        + 0.3 * math.log(tg / 1.3)
        + 0.35 * (t.alcohol == "heavy")
        - 0.0006 * (age - 50) ** 2
        + normal(rng, 0.0, 0.3)
    )
    if score < 0.0:
        return 0
    return 1 if score < 1.5 else 2 if score < 2.8 else 3


def _liver(t: Traits, age: int, grade: int, rng: random.Random, out: dict[str, float]) -> None:
    base_alt = 21.0 if t.male else 15.0
    log_alt = (
        math.log(base_alt)
        + 0.32 * grade
        + 0.15 * t.liver
        + 0.25 * t.hbv_carrier
        + normal(rng, 0.0, 0.2)
    )
    alt = math.exp(log_alt)
    ast = math.exp(
        math.log(21.0 if t.male else 19.0)
        + 0.45 * (log_alt - math.log(base_alt))
        + 0.2 * (t.alcohol == "heavy")
        + normal(rng, 0.0, 0.12)
    )
    ggt = math.exp(
        math.log(26.0 if t.male else 16.0)
        + 0.22 * grade
        + 0.5 * (t.alcohol == "heavy")
        + 0.2 * (t.alcohol == "regular")
        + 0.15 * t.liver
        + normal(rng, 0.0, 0.25)
    )
    alp = (72.0 if t.male else 60.0 + 0.9 * min(max(0, age - 48), 20)) + normal(rng, 0.0, 14.0)
    tbil = math.exp(math.log(13.0 if t.male else 10.5) + 0.75 * t.gilbert + normal(rng, 0.0, 0.22))
    dbil = max(0.6, tbil * 0.26 + normal(rng, 0.0, 0.4))
    tp = 72.0 + normal(rng, 0.0, 3.5)
    alb = 46.5 - 0.08 * max(0, age - 50) + normal(rng, 0.0, 2.0)
    glb = tp - alb
    out.update(
        {
            "ALT": alt,
            "AST": ast,
            "GGT": ggt,
            "ALP": max(alp, 30.0),
            "TBIL": tbil,
            "DBIL": dbil,
            "IBIL": tbil - dbil,
            "TP": tp,
            "ALB": alb,
            "GLB": glb,
            "AG_RATIO": alb / glb,
        }
    )


def _kidney(t: Traits, year: int, age: int, rng: random.Random, out: dict[str, float]) -> None:
    base = (76.0 if t.male else 57.0) + 0.25 * max(0, age - 50) + (8.0 if t.male else 6.0) * t.crea
    progression = 1.0 + 0.04 * max(0, year - 2021) if t.ckd_factor > 1.0 else 1.0
    crea = base * t.ckd_factor * progression * math.exp(normal(rng, 0.0, 0.04))
    urea = 4.9 + 0.025 * max(0, age - 40) + 0.3 * t.male + normal(rng, 0.0, 1.0)
    urea = max(urea, 2.0) * (1.0 + 0.7 * (t.ckd_factor * progression - 1.0))
    out["CREA"], out["UREA"] = crea, urea
    out["EGFR"] = egfr_2009(round(crea) / CREATININE_UMOL_PER_MG_DL, age, not t.male)


def _blood_count(t: Traits, year: int, age: int, rng: random.Random, out: dict[str, float]) -> None:
    smoker = _smoker(t, year)
    hgb = (150.0 - 0.25 * max(0, age - 60) if t.male else 132.0) + 8.0 * t.hgb + 3.0 * smoker
    mcv = 91.0 + 2.5 * t.hgb * 0.5 + normal(rng, 0.0, 1.0)
    if t.anaemia:
        hgb -= 24.0
        mcv -= 12.0
    hgb += normal(rng, 0.0, 4.0)
    mch = mcv * 0.33 + normal(rng, 0.0, 0.4)
    rbc = hgb / mch
    wbc = math.exp(math.log(6.0) + 0.13 * smoker + 0.18 * t.wbc + normal(rng, 0.0, 0.12))
    mono = max(2.5, normal(rng, 6.4, 1.2))
    eos = min(12.0, math.exp(math.log(2.0) + normal(rng, 0.0, 0.5)))
    baso = max(0.1, normal(rng, 0.45, 0.15))
    neut = normal(rng, 58.0, 6.5)
    lymph = 100.0 - neut - mono - eos - baso
    out.update(
        {
            "WBC": wbc,
            "RBC": rbc,
            "HGB": hgb,
            "HCT": rbc * mcv / 10.0,
            "MCV": mcv,
            "MCH": mch,
            "MCHC": mch / mcv * 1000.0,
            "RDW_CV": 12.8 + 2.2 * t.anaemia + normal(rng, 0.0, 0.5),
            "PLT": max(
                60.0, 235.0 + 45.0 * t.plt - 0.4 * max(0, age - 60) + normal(rng, 0.0, 15.0)
            ),
            "NEUT_PCT": neut,
            "LYMPH_PCT": lymph,
            "MONO_PCT": mono,
            "EOS_PCT": eos,
            "BASO_PCT": baso,
            "NEUT_ABS": wbc * neut / 100.0,
            "LYMPH_ABS": wbc * lymph / 100.0,
        }
    )


def _other_chemistry(
    t: Traits, year: int, age: int, rng: random.Random, out: dict[str, float]
) -> None:
    ckd = t.ckd_factor - 1.0
    out["K"] = 4.15 + 0.35 * ckd + normal(rng, 0.0, 0.25)
    out["NA"] = 141.0 + normal(rng, 0.0, 1.8)
    out["CL"] = 104.0 + normal(rng, 0.0, 2.0)
    untreated_hypo = t.hypothyroid and t.treated("thyroid", year) is None
    out["TSH"] = math.exp(math.log(1.9) + 0.42 * t.tsh + normal(rng, 0.0, 0.18)) + (
        rng.uniform(3.0, 9.0) if untreated_hypo else 0.0
    )
    out["FT4"] = normal(rng, 16.0, 1.9) - (3.5 if untreated_hypo else 0.0)
    out["FT3"] = normal(rng, 4.8, 0.5)
    smoker = _smoker(t, year)
    out["AFP"] = lognormal(rng, 2.6 * (1.5 if t.hbv_carrier else 1.0), 0.35)
    out["CEA"] = lognormal(
        rng, 1.6 * (1.5 if smoker else 1.0) * (1 + 0.01 * max(0, age - 50)), 0.35
    )
    out["CA199"] = lognormal(rng, 9.0, 0.5)
    out["CA125"] = lognormal(rng, 11.0, 0.42)
    out["CA153"] = lognormal(rng, 9.0, 0.38)
    tpsa = lognormal(rng, 0.7 * math.exp(0.035 * (age - 50)), 0.55)
    out["TPSA"], out["FPSA"] = tpsa, tpsa * min(0.45, max(0.08, normal(rng, 0.24, 0.05)))
    out["FPSA_TPSA_RATIO"] = out["FPSA"] / tpsa


def measure(t: Traits, year: int, rng: random.Random) -> tuple[dict[str, float], int]:
    """All numeric values of one exam year, and the ultrasound fatty-liver grade (0–3)."""
    age = t.age_in(year)
    out: dict[str, float] = {}
    bmi = _anthropometry(t, year, age, rng, out)
    _blood_pressure(t, year, age, bmi, rng, out)
    _blood_count(t, year, age, rng, out)
    _glucose(t, year, age, bmi, rng, out)
    _lipids(t, year, age, bmi, rng, out)
    grade = fatty_liver_grade(t, year, age, bmi, out["TG"], rng)
    _liver(t, age, grade, rng, out)
    _kidney(t, year, age, rng, out)
    out["UA"] = _uric_acid(t, year, age, bmi, rng)
    _other_chemistry(t, year, age, rng, out)
    return out, grade
