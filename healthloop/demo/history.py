"""Diagnoses, medications, outpatient visits, family history and lifestyle of a demo person.

A treatment in traits.py has a start year = the first exam year that shows its effect. When
that year falls in the exam period, the story is: last year's exam found the problem, an
outpatient visit some weeks later made the diagnosis (Condition, ICD-10 with its Chinese
clinical name) and started the drug (Medication with ``drug_class``), and this year's values
are better. Treatments started earlier are history without a visit.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from healthloop.demo.findings import Structural
from healthloop.demo.population import PersonSpec
from healthloop.demo.traits import AS_OF_YEAR

# drug_class → (ICD-10, diagnosis, outpatient department, drugs: (name, ATC, dose))
TREATED_CONDITIONS: dict[str, tuple[str, str, str, tuple[tuple[str, str, str], ...]]] = {
    "antihypertensive": (
        "I10",
        "原发性高血压",
        "心血管内科",
        (
            ("苯磺酸氨氯地平片", "C08CA01", "5mg 每日一次"),
            ("硝苯地平控释片", "C08CA05", "30mg 每日一次"),
            ("缬沙坦胶囊", "C09CA03", "80mg 每日一次"),
            ("厄贝沙坦片", "C09CA04", "150mg 每日一次"),
            ("培哚普利叔丁胺片", "C09AA04", "4mg 每日一次"),
            ("琥珀酸美托洛尔缓释片", "C07AB02", "47.5mg 每日一次"),
            ("氢氯噻嗪片", "C03AA03", "12.5mg 每日一次"),
        ),
    ),
    "hypoglycemic": (
        "E11.9",
        "2型糖尿病",
        "内分泌科",
        (
            ("盐酸二甲双胍片", "A10BA02", "0.5g 每日三次"),
            ("阿卡波糖片", "A10BF01", "50mg 每日三次"),
            ("格列美脲片", "A10BB12", "2mg 每日一次"),
            ("磷酸西格列汀片", "A10BH01", "100mg 每日一次"),
            ("达格列净片", "A10BK01", "10mg 每日一次"),
            ("甘精胰岛素注射液", "A10AE04", "12单位 每晚一次"),
        ),
    ),
    "lipid_lowering": (
        "E78.5",
        "高脂血症",
        "心血管内科",
        (
            ("阿托伐他汀钙片", "C10AA05", "20mg 每晚一次"),
            ("瑞舒伐他汀钙片", "C10AA07", "10mg 每晚一次"),
        ),
    ),
    "urate_lowering": (
        "M10.9",
        "痛风",
        "风湿免疫科",
        (
            ("非布司他片", "M04AA03", "40mg 每日一次"),
            ("别嘌醇片", "M04AA01", "0.1g 每日两次"),
            ("苯溴马隆片", "M04AB03", "50mg 每日一次"),
        ),
    ),
    "thyroid": (
        "E03.9",
        "甲状腺功能减退症",
        "内分泌科",
        (("左甲状腺素钠片", "H03AA01", "50μg 每日一次"),),
    ),
    "anticoagulant": (
        "I48.9",
        "心房颤动",
        "心血管内科",
        (("利伐沙班片", "B01AF01", "20mg 每日一次"),),
    ),
}
# Diagnoses without a drug here: (ICD-10, name, department).
FATTY_LIVER = ("K76.0", "非酒精性脂肪性肝病", "消化内科")
HYPERURICAEMIA = ("E79.0", "高尿酸血症", "风湿免疫科")
CKD = ("N18.3", "慢性肾脏病3期", "肾内科")
COPD = ("J44.9", "慢性阻塞性肺疾病", "呼吸内科")
GALLSTONE = ("K80.2", "胆囊结石", "肝胆外科")
FAMILY: dict[str, tuple[str, str]] = {
    "htn": ("I10", "高血压"),
    "dm": ("E11", "2型糖尿病"),
    "chd": ("I25", "冠心病"),
    "stroke": ("I64", "脑卒中"),
    "lung_cancer": ("C34", "肺癌"),
    "gastric_cancer": ("C16", "胃癌"),
    "liver_cancer": ("C22", "肝癌"),
    "breast_cancer": ("C50", "乳腺癌"),
}
HOSPITAL = "北辰石化职工医院"
LAST_DAY = dt.date(AS_OF_YEAR, 12, 31)


@dataclass
class Visit:
    key: str  # source_id suffix
    occurred_at: dt.datetime
    department: str
    summary: str


@dataclass
class History:
    visits: list[Visit] = field(default_factory=list)
    # (ICD-10, name, onset, visit key or "")
    conditions: list[tuple[str, str, dt.date, str]] = field(default_factory=list)
    # (name, ATC, drug_class, dose, start date)
    medications: list[tuple[str, str, str, str, dt.date]] = field(default_factory=list)
    family: list[tuple[str, str, str]] = field(default_factory=list)  # relation, ICD-10, name
    # (kind, value, detail, recorded at)
    lifestyle: list[tuple[str, str, dict[str, object], dt.datetime]] = field(default_factory=list)


def _diagnose(
    h: History,
    rng: random.Random,
    code: tuple[str, str, str],
    after_exam: dt.datetime | None,
    onset_year: int,
) -> dt.date | None:
    """Add a diagnosis and return its date. With ``after_exam`` it is made at an outpatient
    visit weeks after that exam — unless that would be after 2025 (not happened yet: None)."""
    icd, name, department = code
    if after_exam is None:
        onset = dt.date(onset_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        h.conditions.append((icd, name, onset, ""))
        return onset
    when = after_exam + dt.timedelta(days=rng.randint(14, 56), hours=1)
    if when.date() > LAST_DAY:
        return None
    key = f"OP{len(h.visits) + 1}"
    h.visits.append(Visit(key, when, department, f"门诊诊断：{name}"))
    h.conditions.append((icd, name, when.date(), key))
    return when.date()


def build_history(
    spec: PersonSpec,
    s: Structural,
    exam_times: dict[int, dt.datetime],
    fatty_grades: dict[int, int],
    uric_acid: dict[int, float],
) -> History:
    """Everything outside the exams; ``exam_times`` maps exam year → exam datetime."""
    rng, t, h = spec.rng, spec.traits, History()
    for drug_class, treatment in sorted(t.treatments.items()):
        icd, name, department, drugs = TREATED_CONDITIONS[drug_class]
        start = treatment.start_year
        after = exam_times.get(start - 1)  # last year's exam found it
        onset = _diagnose(h, rng, (icd, name, department), after, start - 1)
        if onset is None:  # cannot happen: a drug starts the year after the exam
            continue
        chosen = [rng.choice(drugs)]
        if drug_class == "antihypertensive" and rng.random() < 0.3:
            # A second drug of another ATC group (C03 diuretic, C07 beta blocker, C08 calcium
            # channel blocker, C09 RAS agent): never an ACE inhibitor with an ARB.
            chosen.append(rng.choice([d for d in drugs if d[1][:3] != chosen[0][1][:3]]))
        for name_, atc, dose in chosen:
            h.medications.append((name_, atc, drug_class, dose, onset))
        if drug_class == "lipid_lowering" and spec.age_in(start) > 65 and rng.random() < 0.3:
            h.medications.append(
                ("阿司匹林肠溶片", "B01AC06", "antiplatelet", "100mg 每日一次", onset)
            )
    years = sorted(exam_times)
    fatty = [year for year in years if fatty_grades.get(year, 0) >= 2]
    if fatty and rng.random() < 0.35:
        _diagnose(h, rng, FATTY_LIVER, exam_times[fatty[0]], fatty[0])
    high_ua = [year for year in years if uric_acid.get(year, 0.0) > 480]
    if high_ua and "urate_lowering" not in t.treatments and rng.random() < 0.3:
        _diagnose(h, rng, HYPERURICAEMIA, exam_times[high_ua[0]], high_ua[0])
    if t.ckd_factor > 1.5:
        _diagnose(h, rng, CKD, None, min(years or [2021]) - rng.randint(0, 3))
    if s.copd and rng.random() < 0.4:
        onset = _diagnose(h, rng, COPD, None, 2021 - rng.randint(0, 6))
        assert onset is not None  # no visit involved: always a date
        h.medications.append(
            ("噻托溴铵粉吸入剂", "R03BB04", "bronchodilator", "18μg 每日一次", onset)
        )
    if s.gallstone_onset is not None and rng.random() < 0.3:
        _diagnose(h, rng, GALLSTONE, None, s.gallstone_onset)
    for key in t.family:
        relation = (
            rng.choice(("father", "mother", "sibling"))
            if key != "breast_cancer"
            else (rng.choice(("mother", "sibling")))
        )
        h.family.append((relation, *FAMILY[key]))
    if years:
        _lifestyle(h, spec, exam_times[years[0]], exam_times[years[-1]])
    return h


def _lifestyle(h: History, spec: PersonSpec, first: dt.datetime, last: dt.datetime) -> None:
    t = spec.traits
    smoking: dict[str, object] = {}
    if t.smoking != "never":
        smoking = {"cigarettes_per_day": t.cigarettes_per_day}
        if t.quit_year is not None:
            smoking["quit_year"] = t.quit_year
    if t.quit_year is not None and t.quit_year > first.year:
        h.lifestyle.append(
            ("smoking", "current", {"cigarettes_per_day": t.cigarettes_per_day}, first)
        )
    h.lifestyle.append(("smoking", t.smoking, smoking, last))
    drinks = {"none": 0, "occasional": 1, "regular": 7, "heavy": 21}[t.alcohol]
    h.lifestyle.append(("alcohol", t.alcohol, {"drinks_per_week": drinks}, last))
    sessions = {"none": 0, "occasional": 1, "regular": 4}[t.exercise]
    h.lifestyle.append(("exercise", t.exercise, {"sessions_per_week": sessions}, last))
