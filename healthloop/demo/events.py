"""Planted critical values and major findings, and the exam's summary conclusion (总检结论).

About 0.4 % of persons get a critical value (危急值) in their latest exam and about 0.3 % a
suspicious finding that needs work-up, so the demo has a handful of urgent alerts at any size.
Everywhere else values are kept just inside the critical limits (itembook.py), so these are
the only critical values.

Classes follow the 2019 expert consensus on major abnormal check-up results (健康体检重要异常
结果管理专家共识) as recorded in shared/reference/clinical.md §7 and the catalog's sources.md:
critical values and life-threatening ECG/BP/blood-count results are class A (立即干预);
suspicious nodules (C-TIRADS ≥ 4, BI-RADS ≥ 4, suspicious lung nodules) and markedly raised
tumour markers are class B (需进一步检查). ``SUSPICIOUS_CLASS`` holds that choice.
"""

import random

from healthloop.clinical.ckd_epi_2009 import egfr_2009
from healthloop.demo import findings as fx
from healthloop.demo.itembook import Result
from healthloop.demo.physiology import CREATININE_UMOL_PER_MG_DL, has_diabetes
from healthloop.demo.population import PersonSpec

CRITICAL_PER_MILLE = 4
SUSPICIOUS_PER_MILLE = 3
SUSPICIOUS_CLASS = "B"

CRITICAL_KINDS = (
    "bp_crisis",
    "hyperglycaemia",
    "hyperkalaemia",
    "severe_anaemia",
    "thrombocytopenia",
    "af_rvr",
    "av3",
    "hyponatraemia",
    "renal_failure",
)
SUSPICIOUS_KINDS = ("lung_mass", "birads4", "tirads4c", "afp", "psa", "cea")


def plan_event(spec: PersonSpec, seed: int) -> str | None:
    """The planted event of this person (in their latest exam), or None. Deterministic."""
    if not spec.exam_years:
        return None
    slot = (spec.index * 7919 + seed * 104_729) % 1000
    age, t = spec.age_in(spec.exam_years[-1]), spec.traits
    pick = random.Random(f"event:{seed}:{spec.index}")
    if slot < CRITICAL_PER_MILLE:
        eligible = {
            "bp_crisis": age >= 40,
            "hyperglycaemia": t.dm_onset is not None,
            "hyperkalaemia": age >= 55,
            "severe_anaemia": True,
            "thrombocytopenia": True,
            "af_rvr": age >= 55,
            "av3": age >= 60,
            "hyponatraemia": age >= 65,
            "renal_failure": t.ckd_factor > 1.0,
        }
        return pick.choice([kind for kind in CRITICAL_KINDS if eligible[kind]])
    if slot < CRITICAL_PER_MILLE + SUSPICIOUS_PER_MILLE:
        eligible = {
            "lung_mass": age >= 40,
            "birads4": spec.sex == "female",
            "tirads4c": True,
            "afp": age >= 35,
            "psa": spec.sex == "male" and age >= 55,
            "cea": age >= 45,
        }
        return pick.choice([kind for kind in SUSPICIOUS_KINDS if eligible[kind]])
    return None


def apply_event(
    event: str | None,
    spec: PersonSpec,
    s: fx.Structural,
    year: int,
    v: dict[str, float],
    texts: dict[str, tuple[str, bool]],
    coded: dict[str, str],
    codes: list[str],
    rng: random.Random,
) -> set[str]:
    """Change this exam's values for the planted event; return the codes allowed to be
    critical."""
    if event is None or year != spec.exam_years[-1]:
        return set()

    def need(*names: str) -> None:
        codes.extend(name for name in names if name not in codes)

    if event == "bp_crisis":
        v["SBP"], v["DBP"] = rng.uniform(182, 196), rng.uniform(112, 126)
        return {"SBP", "DBP"}
    if event == "hyperglycaemia":
        v["GLU"], v["HBA1C"] = rng.uniform(22.6, 28.0), rng.uniform(11.0, 13.5)
        coded["U_GLU"], coded["U_KET"] = "4+", "2+"
        return {"GLU"}
    if event == "hyperkalaemia":
        need("K", "NA", "CL")
        v["K"] = rng.uniform(6.4, 7.0)
        return {"K"}
    if event == "severe_anaemia":
        v["HGB"] = rng.uniform(50, 59)
        v["RBC"], v["HCT"], v["MCV"] = v["HGB"] / 24.0, v["HGB"] / 24.0 * 7.0, 70.0
        v["MCH"], v["MCHC"] = 24.0, 24.0 / 70.0 * 1000
        return {"HGB"}
    if event == "thrombocytopenia":
        v["PLT"] = rng.uniform(15, 28)
        return {"PLT"}
    if event in ("af_rvr", "av3"):
        rate = rng.uniform(152, 165) if event == "af_rvr" else rng.uniform(35, 42)
        v["PULSE"], v["ECG_HR"] = rate, rate + rng.uniform(-1, 1)
        texts["ECG_CONCLUSION"], coded["ECG_CATEGORY"] = (fx.ECG_TEXT[event][0], True), "ABNORMAL"
        return {"PULSE", "ECG_HR"}
    if event == "hyponatraemia":
        need("K", "NA", "CL")
        v["NA"], v["CL"] = rng.uniform(115, 119), rng.uniform(85, 92)
        return {"NA"}
    if event == "renal_failure":
        v["CREA"], v["UREA"] = rng.uniform(720, 900), rng.uniform(22, 32)
        v["EGFR"] = egfr_2009(
            round(v["CREA"]) / CREATININE_UMOL_PER_MG_DL, spec.age_in(year), spec.sex == "female"
        )
        return {"CREA"}
    _apply_suspicious(event, spec, v, texts, coded, codes, rng)
    return set()


def _apply_suspicious(
    event: str,
    spec: PersonSpec,
    v: dict[str, float],
    texts: dict[str, tuple[str, bool]],
    coded: dict[str, str],
    codes: list[str],
    rng: random.Random,
) -> None:
    if event == "lung_mass":
        size = rng.uniform(12.0, 22.0)
        site = rng.choice(("右肺上叶", "左肺上叶", "右肺下叶"))
        grade = fx.lung_rads(size)
        texts["LDCT_CONCLUSION"] = (
            f"{site}实性结节，分叶状，可见毛刺，直径约{size:.1f}mm，"
            f"Lung-RADS {grade}类，建议胸外科就诊",
            True,
        )
        coded["LDCT_LUNG_RADS"], v["LDCT_NODULE_SIZE"] = grade, size
        if "LDCT_NODULE_SIZE" not in codes:
            codes.append("LDCT_NODULE_SIZE")
    elif event == "birads4":
        grade = rng.choice(("4B", "4C"))
        size = rng.uniform(9.0, 18.0)
        texts["US_BREAST"] = (
            f"左乳低回声结节，大小约{size:.1f}×{size * 0.7:.1f}mm，形态不规则，"
            f"边缘成角，纵横比>1，BI-RADS {grade}类",
            True,
        )
        coded["US_BREAST_BIRADS"] = grade
    elif event == "tirads4c":
        size = rng.uniform(8.0, 16.0)
        texts["US_THYROID"] = (
            f"甲状腺右叶低回声结节，大小约{size:.1f}×{size * 0.8:.1f}mm，"
            "纵横比>1，可见微钙化，C-TIRADS 4C类",
            True,
        )
        coded["US_THYROID_TIRADS"], v["US_THYROID_NODULE_SIZE"] = "4C", size
        if "US_THYROID_NODULE_SIZE" not in codes:
            codes.append("US_THYROID_NODULE_SIZE")
    elif event == "afp":
        v["AFP"] = rng.uniform(350.0, 800.0)
        texts["US_ABD_CONCLUSION"] = (
            f"肝右叶低回声占位（约{rng.uniform(25, 40):.0f}×{rng.uniform(20, 30):.0f}mm），"
            "建议增强CT进一步检查",
            True,
        )
    elif event == "psa":
        v["TPSA"] = rng.uniform(18.0, 40.0)
        v["FPSA"] = v["TPSA"] * 0.08
        v["FPSA_TPSA_RATIO"] = 0.08
    elif event == "cea":
        v["CEA"] = rng.uniform(25.0, 60.0)


_SUSPICIOUS_CODES = {
    "US_THYROID_TIRADS": {"4A", "4B", "4C", "5", "6"},
    "US_BREAST_BIRADS": {"0", "4A", "4B", "4C", "5", "6"},
    "LDCT_LUNG_RADS": {"4A", "4B", "4X"},
}
_MARKER_LIMITS = {"AFP": 20.0, "CEA": 10.0, "TPSA": 10.0}
_BONE_WORDS = {"OSTEOPENIA": "骨量减少", "OSTEOPOROSIS": "骨质疏松"}
_LIPID_WORDS = {
    "TC": "总胆固醇升高",
    "TG": "甘油三酯升高",
    "LDL_C": "低密度脂蛋白胆固醇升高",
    "HDL_C": "高密度脂蛋白胆固醇降低",
}


def summary_lines(
    spec: PersonSpec,
    year: int,
    results: list[Result],
    texts: dict[str, tuple[str, bool]],
    coded: dict[str, str],
    planted: set[str],
) -> tuple[list[str], str]:
    """The numbered lines of the summary conclusion and the major-finding class."""
    flags = {r[1]: r[9] for r in results}
    value = {r[1]: float(r[3]) for r in results if r[3] is not None}
    t = spec.traits
    lines: list[str] = []
    major = "NONE"
    if any(flag in ("HH", "LL") for flag in flags.values()) or planted:
        major = "A"
        lines.append(
            "危急值：" + "、".join(f"{r[2]}{r[3]}{r[6]}" for r in results if r[9] in ("HH", "LL"))
        )
    if flags.get("SBP") in ("H", "HH") or flags.get("DBP") in ("H", "HH"):
        treated = t.treated("antihypertensive", year) is not None
        lines.append(
            ("高血压病史，血压控制欠佳" if treated else "血压升高")
            + f"（{value.get('SBP', 0):.0f}/{value.get('DBP', 0):.0f}mmHg）"
        )
    bmi = value.get("BMI", 22.0)  # the catalog may lack an item: then it is not reported
    if bmi >= 24 or bmi < 18.5:
        word = "肥胖" if bmi >= 28 else "超重" if bmi >= 24 else "体重过低"
        lines.append(f"{word}（BMI {bmi:.1f}）")
    if flags.get("GLU") in ("H", "HH"):
        lines.append(
            "糖尿病，血糖控制欠佳"
            if has_diabetes(t, year) and t.treated("hypoglycemic", year)
            else "空腹血糖升高"
        )
    lipids = [word for code, word in _LIPID_WORDS.items() if flags.get(code) in ("H", "L")]
    if lipids:
        lines.append("血脂异常（" + "、".join(lipids) + "）")
    if flags.get("UA") == "H":
        lines.append(f"血尿酸升高（{value.get('UA', 0):.0f}μmol/L）")
    if flags.get("ALT") == "H":
        lines.append("丙氨酸氨基转移酶升高")
    if flags.get("HGB") in ("L", "LL"):
        lines.append("贫血")
    if flags.get("EGFR") == "L" and value.get("EGFR", 90) < 60:
        lines.append("肾小球滤过率下降")
    for code in (
        "US_ABD_CONCLUSION",
        "US_THYROID",
        "US_BREAST",
        "LDCT_CONCLUSION",
        "CXR_CONCLUSION",
        "ECG_CONCLUSION",
        "US_CAROTID",
        "AUDIOMETRY_CONCLUSION",
    ):
        text, abnormal = texts.get(code, ("", False))
        if abnormal:
            lines.append(text)
    if coded.get("BMD_CLASS") in _BONE_WORDS:
        lines.append(_BONE_WORDS[coded["BMD_CLASS"]])
    if coded.get("SPIROMETRY_CONCLUSION", "NORMAL") != "NORMAL":
        lines.append("肺通气功能异常")
    names = {r[1]: r[2] for r in results}
    for code, limit in _MARKER_LIMITS.items():
        if value.get(code, 0.0) > limit:
            lines.append(f"{names[code]}明显升高，建议专科就诊")
    suspicious = any(coded.get(code) in answers for code, answers in _SUSPICIOUS_CODES.items())
    if major == "NONE" and (
        suspicious or any(value.get(c, 0.0) > lim for c, lim in _MARKER_LIMITS.items())
    ):
        major = SUSPICIOUS_CLASS
    return lines, major
