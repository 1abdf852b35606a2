"""Imaging, ECG and other non-laboratory findings of the demo population.

Structural findings persist across years (a thyroid nodule found in 2022 is still there in
2025 and has grown a millimetre); each year's report is rendered from them as the Chinese
report texts read (``甲状腺右叶结节，大小约6.2×4.8mm，C-TIRADS 3类``), together with the coded
items the catalog defines (TI-RADS, BI-RADS, Lung-RADS, fatty-liver grade, plaque …).

Frequencies are those of Chinese check-up populations, rounded: thyroid nodules on ultrasound
in about a quarter of men and a third of women, pulmonary nodules on low-dose CT in about a
quarter of those screened (most < 6 mm), gallstones rising with age to about 10 %, carotid
plaque in a third of the over-fifties.
"""

import random
from dataclasses import dataclass

from healthloop.demo.randomness import normal
from healthloop.demo.traits import AS_OF_YEAR, Traits

_LOBES = ("右叶", "左叶")
_LUNG_SITES = ("右肺上叶", "右肺中叶", "右肺下叶", "左肺上叶", "左肺下叶")


@dataclass
class Nodule:
    onset: int
    size_mm: float  # at onset
    growth_mm: float  # per year
    grade: str  # TI-RADS / BI-RADS / Lung-RADS code
    site: str


@dataclass
class Structural:
    thyroid: Nodule | None = None
    breast: Nodule | None = None
    breast_hyperplasia: bool = False
    lung: Nodule | None = None
    gallstone_onset: int | None = None
    cholecystectomy: bool = False
    gb_polyp_mm: float | None = None
    kidney_stone: bool = False
    plaque_onset: int | None = None
    imt_mm: float = 0.7
    hearing_db: float = 0.0  # extra high-frequency threshold from noise
    copd: bool = False
    ecg: str = "normal"
    bmd_offset: float = 0.0
    dr_grade: str = "NONE"


def _thyroid_grade(rng: random.Random) -> str:
    roll = rng.random()
    return "3" if roll < 0.62 else "2" if roll < 0.80 else "4A" if roll < 0.97 else "4B"


def draw_structural(rng: random.Random, t: Traits, exposures: tuple[str, ...]) -> Structural:
    age = AS_OF_YEAR - t.birth_year
    s = Structural()
    if rng.random() < (0.22 if t.male else 0.33) * min(1.5, 0.6 + age / 80):
        s.thyroid = Nodule(
            AS_OF_YEAR - rng.randint(0, 10),
            rng.uniform(3.0, 12.0),
            rng.uniform(0.0, 0.4),
            _thyroid_grade(rng),
            rng.choice(_LOBES),
        )
    if not t.male:
        s.breast_hyperplasia = age < 55 and rng.random() < 0.35
        if rng.random() < 0.25:
            grade = "3" if rng.random() < 0.85 else "4A"
            s.breast = Nodule(
                AS_OF_YEAR - rng.randint(0, 8),
                rng.uniform(4.0, 14.0),
                rng.uniform(0.0, 0.3),
                grade,
                rng.choice(("右乳", "左乳")),
            )
    if rng.random() < 0.24 + 0.1 * (t.smoking != "never"):
        size = rng.uniform(2.0, 5.8) if rng.random() < 0.85 else rng.uniform(6.0, 7.9)
        s.lung = Nodule(
            AS_OF_YEAR - rng.randint(0, 6),
            size,
            rng.uniform(0.0, 0.15),
            "2" if size < 6 else "3",
            rng.choice(_LUNG_SITES),
        )
    if rng.random() < 0.02 + 0.0015 * max(0, age - 30) + 0.02 * (t.bmi_ref > 28):
        s.gallstone_onset = AS_OF_YEAR - rng.randint(0, 12)
        s.cholecystectomy = age > 50 and rng.random() < 0.25
    if rng.random() < 0.05:
        s.gb_polyp_mm = round(rng.uniform(2.0, 8.0), 1)
    s.kidney_stone = rng.random() < (0.06 if t.male else 0.03)
    if rng.random() < max(0.0, (age - 40) / 60) * (1.4 if t.smoking == "current" else 1.0):
        s.plaque_onset = AS_OF_YEAR - rng.randint(0, 8)
    s.imt_mm = 0.55 + 0.007 * max(0, age - 30) + normal(rng, 0.0, 0.08)
    if "noise" in exposures or (age > 55 and rng.random() < 0.3):
        s.hearing_db = max(0.0, normal(rng, 6.0 + 0.45 * max(0, age - 35), 8.0))
    s.copd = age > 40 and t.smoking != "never" and rng.random() < 0.12
    s.ecg = _ecg_pattern(rng, t, age)
    s.bmd_offset = normal(rng, 0.0, 0.6)
    if t.dm_onset is not None:
        roll = rng.random()
        s.dr_grade = "NONE" if roll < 0.78 else "MILD_NPDR" if roll < 0.93 else "MODERATE_NPDR"
    return s


def _ecg_pattern(rng: random.Random, t: Traits, age: int) -> str:
    if t.af_onset is not None:
        return "af"
    roll = rng.random()
    options = (
        ("brady", 0.10 if t.male and age < 45 else 0.04),
        ("t_wave", 0.02 + 0.002 * max(0, age - 45)),
        ("st_t", 0.01 + 0.0025 * max(0, age - 50)),
        ("irbbb", 0.04),
        ("lvh", 0.03 + 0.002 * max(0, age - 50)),
        ("av1", 0.01 + 0.001 * max(0, age - 50)),
        ("pvc", 0.02),
        ("pac", 0.02),
    )
    for name, p in options:
        if roll < p:
            return name
        roll -= p
    return "normal"


ECG_TEXT = {
    "normal": ("窦性心律，正常心电图", "NORMAL"),
    "brady": ("窦性心动过缓", "BORDERLINE"),
    "t_wave": ("窦性心律，T波改变", "ABNORMAL"),
    "st_t": ("窦性心律，ST-T改变", "ABNORMAL"),
    "irbbb": ("窦性心律，不完全性右束支传导阻滞", "BORDERLINE"),
    "lvh": ("窦性心律，左心室高电压", "BORDERLINE"),
    "av1": ("窦性心律，一度房室传导阻滞", "ABNORMAL"),
    "pvc": ("窦性心律，偶发室性早搏", "BORDERLINE"),
    "pac": ("窦性心律，偶发房性早搏", "BORDERLINE"),
    "af": ("心房颤动", "ABNORMAL"),
    "af_rvr": ("心房颤动伴快速心室率", "ABNORMAL"),
    "av3": ("三度房室传导阻滞，交界性逸搏心律", "ABNORMAL"),
}


def nodule_size(nodule: Nodule, year: int, rng: random.Random) -> float:
    return max(
        1.0, nodule.size_mm + nodule.growth_mm * (year - nodule.onset) + normal(rng, 0.0, 0.3)
    )


def thyroid_text(nodule: Nodule | None, size: float, hypothyroid: bool) -> str:
    if nodule is None:
        return "甲状腺弥漫性病变" if hypothyroid else "甲状腺未见明显异常"
    return (
        f"甲状腺{nodule.site}结节，大小约{size:.1f}×{size * 0.75:.1f}mm，C-TIRADS {nodule.grade}类"
    )


def breast_text(nodule: Nodule | None, size: float, hyperplasia: bool) -> str:
    if nodule is None:
        return "双侧乳腺增生" if hyperplasia else "双侧乳腺未见明显异常"
    shape = "形态规则，边界清" if nodule.grade in ("2", "3") else "形态不规则，边缘成角"
    return (
        f"{nodule.site}低回声结节，大小约{size:.1f}×{size * 0.6:.1f}mm，{shape}，"
        f"BI-RADS {nodule.grade}类"
    )


def lung_text(nodule: Nodule | None, size: float) -> str:
    if nodule is None:
        return "双肺未见明显异常"
    kind = "实性结节" if nodule.grade != "4B" else "实性结节，分叶状，可见毛刺"
    return f"{nodule.site}{kind}，直径约{size:.1f}mm，Lung-RADS {nodule.grade}类"


def lung_rads(size: float) -> str:
    return "2" if size < 6 else "3" if size < 8 else "4A" if size < 15 else "4B"


def abdominal_text(grade: int, s: Structural, year: int) -> tuple[str, str]:
    """(conclusion text, gallstone code)."""
    parts = []
    if grade:
        parts.append("脂肪肝（" + ("轻度", "中度", "重度")[grade - 1] + "）")
    stone = "ABSENT"
    if s.gallstone_onset is not None and s.gallstone_onset <= year:
        if s.cholecystectomy and year > s.gallstone_onset:
            stone = "CHOLECYSTECTOMY"
            parts.append("胆囊切除术后")
        else:
            stone = "PRESENT"
            parts.append("胆囊结石")
    if s.gb_polyp_mm is not None and stone != "CHOLECYSTECTOMY":
        parts.append(f"胆囊息肉样病变（{s.gb_polyp_mm:.1f}mm）")
    if s.kidney_stone:
        parts.append("右肾结石")
    return ("；".join(parts) if parts else "肝、胆、胰、脾、双肾未见明显异常"), stone


def carotid(s: Structural, year: int, age: int, rng: random.Random) -> tuple[str, float, str]:
    imt = max(0.4, s.imt_mm + 0.01 * (year - AS_OF_YEAR) + normal(rng, 0.0, 0.03))
    if s.plaque_onset is not None and s.plaque_onset <= year:
        kind = "VULNERABLE" if age > 70 and s.imt_mm > 1.05 else "STABLE"
        text = "右侧颈动脉分叉处斑块形成"
        if kind == "VULNERABLE":
            text += "（低回声，不稳定斑块）"
        return text, imt, kind
    if imt >= 1.0:
        return "双侧颈动脉内中膜增厚", imt, "ABSENT"
    return "双侧颈动脉未见明显异常", imt, "ABSENT"


def audiometry(s: Structural, age: int, rng: random.Random) -> dict[str, float]:
    speech = 10.0 + 0.15 * max(0, age - 40) + 0.25 * s.hearing_db
    high = 12.0 + 0.35 * max(0, age - 35) + s.hearing_db
    return {
        "PTA_SPEECH_L": speech + normal(rng, 0.0, 3.0),
        "PTA_SPEECH_R": speech + normal(rng, 0.0, 3.0),
        "PTA_HF_L": high + normal(rng, 0.0, 4.0),
        "PTA_HF_R": high + normal(rng, 0.0, 4.0),
    }


def audiometry_text(values: dict[str, float]) -> tuple[str, bool]:
    binaural = values["PTA_HF_BINAURAL"]
    if binaural >= 40:
        return "双耳高频听阈提高（双耳高频平均听阈≥40dB），建议职业病诊断机构复查", True
    if max(values["PTA_HF_L"], values["PTA_HF_R"]) > 25:
        return "双耳高频听力下降", True
    return "双耳听力正常", False


def spirometry(
    t: Traits, s: Structural, age: int, height_cm: float, rng: random.Random
) -> tuple[dict[str, float], str]:
    """ECSC 1993 predicted values (height in m), scaled for the person; COPD obstructs."""
    h = height_cm / 100.0
    if t.male:
        fvc_pred, fev1_pred = 5.76 * h - 0.026 * age - 4.34, 4.30 * h - 0.029 * age - 2.49
    else:
        fvc_pred, fev1_pred = 4.43 * h - 0.026 * age - 2.89, 3.95 * h - 0.025 * age - 2.60
    fvc_pred, fev1_pred = max(fvc_pred, 1.2), max(fev1_pred, 0.9)
    fvc = fvc_pred * normal(rng, 0.97, 0.09)
    ratio = normal(rng, 0.80 - 0.002 * max(0, age - 40), 0.04)
    if s.copd:
        ratio = normal(rng, 0.62, 0.05)
    fev1 = fvc * min(ratio, 0.95)
    values = {
        "FVC": fvc,
        "FEV1": fev1,
        "FEV1_FVC": 100.0 * fev1 / fvc,
        "FVC_PCT_PRED": 100.0 * fvc / fvc_pred,
        "FEV1_PCT_PRED": 100.0 * fev1 / fev1_pred,
    }
    if values["FEV1_FVC"] < 70:
        code = "OBSTRUCTIVE" if values["FVC_PCT_PRED"] >= 80 else "MIXED"
    elif values["FVC_PCT_PRED"] < 80:
        code = "RESTRICTIVE"
    else:
        code = "NORMAL"
    return values, code


def bmd_t_score(t: Traits, s: Structural, age: int) -> float:
    base = -0.2 - (0.065 if not t.male else 0.035) * max(0, age - 45)
    return max(-4.8, base + s.bmd_offset + 0.08 * (t.bmi_ref - 23.0))


def bmd_class(score: float) -> str:
    return "NORMAL" if score >= -1.0 else "OSTEOPENIA" if score > -2.5 else "OSTEOPOROSIS"


def tct(rng: random.Random) -> str:
    roll = rng.random()
    return (
        "NILM"
        if roll < 0.955
        else "ASC-US"
        if roll < 0.985
        else "LSIL"
        if roll < 0.997
        else ("HSIL")
    )
