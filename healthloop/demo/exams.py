"""One yearly exam of one person: which items (the package), their values, the report texts.

The package follows common practice of Chinese corporate check-ups: a core panel for everyone
(anthropometry, blood pressure, blood count, liver and kidney function, lipids, glucose and
HbA1c, urinalysis, ECG, abdominal and thyroid ultrasound), chest low-dose CT from 40 (chest
X-ray below), tumour markers by age and sex, breast ultrasound and cervical cytology for women,
carotid ultrasound from 50, bone density for older people, and the occupational items of the
job's exposure (GBZ 188-2014: audiometry for noise, spirometry and chest film for dust) while
the person is at work.
"""

import datetime as dt
import random
from dataclasses import dataclass

from healthloop.core.clock import age_on, local_day
from healthloop.demo import findings as fx
from healthloop.demo.events import apply_event, summary_lines
from healthloop.demo.itembook import ItemBook, Result
from healthloop.demo.physiology import has_diabetes, measure
from healthloop.demo.population import PersonSpec
from healthloop.demo.randomness import normal
from healthloop.demo.traits import Traits

CORE_NUMERIC = (
    "HEIGHT", "WEIGHT", "BMI", "WAIST", "HIP", "WHR", "SBP", "DBP", "PULSE",
    "WBC", "RBC", "HGB", "HCT", "MCV", "MCH", "MCHC", "RDW_CV", "PLT", "NEUT_PCT", "LYMPH_PCT",
    "MONO_PCT", "EOS_PCT", "BASO_PCT", "NEUT_ABS", "LYMPH_ABS",
    "ALT", "AST", "GGT", "ALP", "TBIL", "DBIL", "IBIL", "TP", "ALB", "GLB", "AG_RATIO",
    "CREA", "UREA", "UA", "EGFR", "TC", "TG", "HDL_C", "LDL_C", "GLU", "HBA1C",
)  # fmt: skip
URINE_CODED = ("U_PRO", "U_GLU", "U_KET", "U_BLD", "U_LEU", "U_NIT")
AUDIOMETRY = ("PTA_SPEECH_L", "PTA_SPEECH_R", "PTA_HF_L", "PTA_HF_R", "PTA_HF_BINAURAL")
SPIROMETRY = ("FVC", "FEV1", "FEV1_FVC", "FVC_PCT_PRED", "FEV1_PCT_PRED")
ALL_CODES = frozenset(CORE_NUMERIC + URINE_CODED + AUDIOMETRY + SPIROMETRY + (
    "U_PH", "U_SG", "ECG_CONCLUSION", "ECG_CATEGORY", "ECG_HR", "US_FATTY_LIVER", "US_GB_STONE",
    "US_ABD_CONCLUSION", "US_THYROID", "US_THYROID_TIRADS", "US_THYROID_NODULE_SIZE",
    "LDCT_CONCLUSION", "LDCT_LUNG_RADS", "LDCT_NODULE_SIZE", "CXR_CONCLUSION", "US_BREAST",
    "US_BREAST_BIRADS", "TCT", "AFP", "CEA", "CA199", "TPSA", "FPSA", "FPSA_TPSA_RATIO", "CA125",
    "CA153", "K", "NA", "CL", "TSH", "FT3", "FT4", "US_CAROTID", "CAROTID_IMT", "CAROTID_PLAQUE",
    "AUDIOMETRY_CONCLUSION", "SPIROMETRY_CONCLUSION", "BMD_T_SCORE", "BMD_CLASS",
    "FUNDUS_DR_GRADE", "FUNDUS_CONCLUSION", "SUMMARY_CONCLUSION", "MAJOR_FINDING_CLASS",
))  # fmt: skip
FACILITY = "北辰石化职工医院健康管理中心"


@dataclass
class Exam:
    year: int
    occurred_at: dt.datetime
    package: str
    summary: str
    results: list[Result]
    fatty_grade: int
    uric_acid: float


def exam_datetime(spec: PersonSpec, year: int, tz: dt.tzinfo) -> dt.datetime:
    """Departments are examined together: a unit's day in its month, the person ± a week,
    on a weekday morning (fasting blood draw)."""
    month = spec.exam_month_in(year)
    unit_day = 3 + sum(map(ord, spec.unit_code)) % 12
    day = dt.date(year, month, unit_day) + dt.timedelta(days=spec.index % 9)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    minutes = 7 * 60 + 30 + (spec.index * 37) % 150
    return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=tz)


def _package(spec: PersonSpec, year: int, occupational: bool) -> str:
    retired = spec.retire_year is not None and year >= spec.retire_year
    name = "退休职工年度体检" if retired else "在职职工年度体检"
    name += "（男）" if spec.sex == "male" else "（女）"
    if occupational:
        extra = "、".join(
            {"noise": "噪声", "dust": "粉尘", "benzene": "苯"}[e] for e in spec.exposures
        )
        name += f"+职业健康检查（{extra}）"
    return name


class ExamBuilder:
    def __init__(self, book: ItemBook, tz: dt.tzinfo) -> None:
        self.book = book
        self.tz = tz

    def build(self, spec: PersonSpec, s: fx.Structural, year: int, event: str | None) -> Exam:
        t, rng, book = spec.traits, spec.rng, self.book
        age, sex = spec.age_in(year), spec.sex
        values, grade = measure(t, year, rng)
        texts: dict[str, tuple[str, bool]] = {}
        coded: dict[str, str] = {}
        working = spec.retire_year is None or year < spec.retire_year
        occupational = working and bool(set(spec.exposures) & {"noise", "dust"})
        codes = list(CORE_NUMERIC)
        self._urine(t, year, values, coded, rng)
        self._imaging(spec, s, year, age, grade, values, texts, coded, codes)
        self._panels(spec, s, year, age, values, texts, coded, codes, occupational)
        planted = apply_event(event, spec, s, year, values, texts, coded, codes, rng)
        self._derive(values)
        results: list[Result] = []
        when = exam_datetime(spec, year, self.tz)
        # reference ranges by age (ALP, …) take the exact age on the exam day, as records does;
        # ``age`` (years since birth year) only chooses the package
        exact_age = age_on(spec.birth_date, local_day(when))
        for code in codes:
            row = book.numeric(code, values[code], sex, exact_age, critical=code in planted)
            if row is not None:
                results.append(row)
        lines, major = summary_lines(spec, year, results, texts, coded, planted)
        coded["MAJOR_FINDING_CLASS"] = major
        for code, answer in coded.items():
            row = book.coded(code, answer)
            if row is not None:
                results.append(row)
        summary = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1)) or (
            "本次体检未见明显异常"
        )
        texts["SUMMARY_CONCLUSION"] = (summary, bool(lines))
        for code, (text, abnormal) in texts.items():
            row = book.text(code, text, abnormal=abnormal)
            if row is not None:
                results.append(row)
        return Exam(
            year,
            when,
            _package(spec, year, occupational),
            summary,
            results,
            grade,
            values["UA"],
        )

    @staticmethod
    def _derive(v: dict[str, float]) -> None:
        """Calculated items from the values as reported (rounded), as the LIS computes them."""
        v["IBIL"] = round(v["TBIL"], 1) - round(v["DBIL"], 1)
        v["GLB"] = round(v["TP"], 1) - round(v["ALB"], 1)
        v["AG_RATIO"] = round(v["ALB"], 1) / v["GLB"]

    @staticmethod
    def _urine(
        t: Traits, year: int, v: dict[str, float], coded: dict[str, str], rng: random.Random
    ) -> None:
        v["U_PH"] = rng.choice((5.0, 5.5, 6.0, 6.0, 6.5, 6.5, 7.0, 7.5))
        v["U_SG"] = rng.choice((1.005, 1.010, 1.015, 1.015, 1.020, 1.020, 1.025, 1.030))
        glucose = v["GLU"]
        coded["U_GLU"] = "NEG" if glucose < 10 else "1+" if glucose < 14 else "2+"
        kidney = t.ckd_factor > 1.0 or (has_diabetes(t, year) and rng.random() < 0.15)
        roll = rng.random()
        coded["U_PRO"] = (
            ("1+" if roll < 0.6 else "2+")
            if kidney and roll < 0.8
            else ("TRACE" if roll > 0.97 else "NEG")
        )
        coded["U_BLD"] = "NEG" if rng.random() > (0.05 if t.male else 0.12) else "1+"
        coded["U_LEU"] = "NEG" if rng.random() > (0.02 if t.male else 0.08) else "1+"
        coded["U_KET"] = "NEG" if rng.random() > 0.01 else "TRACE"
        coded["U_NIT"] = "NEG" if rng.random() > 0.01 else "POS"

    def _imaging(
        self,
        spec: PersonSpec,
        s: fx.Structural,
        year: int,
        age: int,
        grade: int,
        v: dict[str, float],
        texts: dict[str, tuple[str, bool]],
        coded: dict[str, str],
        codes: list[str],
    ) -> None:
        t, rng = spec.traits, spec.rng
        codes += ["U_PH", "U_SG", "ECG_HR"]
        pattern = s.ecg if (s.ecg != "af" or (t.af_onset or 9999) <= year) else "normal"
        text, category = fx.ECG_TEXT[pattern]
        texts["ECG_CONCLUSION"], coded["ECG_CATEGORY"] = (text, category != "NORMAL"), category
        v["ECG_HR"] = v["PULSE"] + normal(rng, 0.0, 3.0) - (12.0 if pattern == "brady" else 0)
        coded["US_FATTY_LIVER"] = ("NONE", "MILD", "MODERATE", "SEVERE")[grade]
        abdomen, stone = fx.abdominal_text(grade, s, year)
        texts["US_ABD_CONCLUSION"] = (abdomen, abdomen != "肝、胆、胰、脾、双肾未见明显异常")
        coded["US_GB_STONE"] = stone
        nodule = s.thyroid if s.thyroid is not None and s.thyroid.onset <= year else None
        size = fx.nodule_size(nodule, year, rng) if nodule else 0.0
        texts["US_THYROID"] = (
            fx.thyroid_text(nodule, size, t.hypothyroid),
            nodule is not None or t.hypothyroid,
        )
        if nodule is not None:
            coded["US_THYROID_TIRADS"] = nodule.grade
            v["US_THYROID_NODULE_SIZE"] = size
            codes.append("US_THYROID_NODULE_SIZE")
        if age >= 40:
            lung = s.lung if s.lung is not None and s.lung.onset <= year else None
            size = fx.nodule_size(lung, year, rng) if lung else 0.0
            texts["LDCT_CONCLUSION"] = (fx.lung_text(lung, size), lung is not None)
            coded["LDCT_LUNG_RADS"] = lung.grade if lung else "1"
            if lung is not None:
                v["LDCT_NODULE_SIZE"] = size
                codes.append("LDCT_NODULE_SIZE")
        else:
            texts["CXR_CONCLUSION"] = ("心肺膈未见明显异常", False)
        if spec.sex == "female":
            breast = s.breast if s.breast is not None and s.breast.onset <= year else None
            size = fx.nodule_size(breast, year, rng) if breast else 0.0
            texts["US_BREAST"] = (
                fx.breast_text(breast, size, s.breast_hyperplasia),
                breast is not None or s.breast_hyperplasia,
            )
            coded["US_BREAST_BIRADS"] = (
                breast.grade if breast else ("2" if s.breast_hyperplasia else "1")
            )

    def _panels(
        self,
        spec: PersonSpec,
        s: fx.Structural,
        year: int,
        age: int,
        v: dict[str, float],
        texts: dict[str, tuple[str, bool]],
        coded: dict[str, str],
        codes: list[str],
        occupational: bool,
    ) -> None:
        t, rng, female = spec.traits, spec.rng, spec.sex == "female"
        if age >= 35:
            codes += ["AFP", "CEA"]
        if age >= 45:
            codes.append("CA199")
        if not female and age >= 50:
            codes += ["TPSA", "FPSA", "FPSA_TPSA_RATIO"]
        if female and age >= 35:
            codes += ["CA125", "CA153"]
        if female and 30 <= age <= 65:
            coded["TCT"] = fx.tct(rng)
        retired = spec.retire_year is not None and year >= spec.retire_year
        if age >= 50 or retired or t.treated("antihypertensive", year):
            codes += ["K", "NA", "CL"]
        if female or age >= 50:
            codes += ["TSH", "FT3", "FT4"]
        if age >= 50 or (age >= 40 and (has_diabetes(t, year) or v["SBP"] >= 140)):
            text, imt, plaque = fx.carotid(s, year, age, rng)
            texts["US_CAROTID"], coded["CAROTID_PLAQUE"] = (text, plaque != "ABSENT"), plaque
            v["CAROTID_IMT"] = imt
            codes.append("CAROTID_IMT")
        if (female and age >= 50) or age >= 65:
            score = fx.bmd_t_score(t, s, age)
            v["BMD_T_SCORE"] = score
            codes.append("BMD_T_SCORE")
            coded["BMD_CLASS"] = fx.bmd_class(round(score, 1))
        if t.treated("hypoglycemic", year):
            coded["FUNDUS_DR_GRADE"] = s.dr_grade
            texts["FUNDUS_CONCLUSION"] = (
                ("双眼眼底未见明显异常", False)
                if s.dr_grade == "NONE"
                else ("双眼非增殖期糖尿病视网膜病变", True)
            )
        if occupational and "noise" in spec.exposures:
            hearing = fx.audiometry(s, age, rng)
            hearing["PTA_HF_BINAURAL"] = (hearing["PTA_HF_L"] + hearing["PTA_HF_R"]) / 2
            v.update(hearing)
            codes += list(AUDIOMETRY)
            texts["AUDIOMETRY_CONCLUSION"] = fx.audiometry_text(hearing)
        if occupational and "dust" in spec.exposures:
            lung, conclusion = fx.spirometry(t, s, age, v["HEIGHT"], rng)
            v.update(lung)
            codes += list(SPIROMETRY)
            coded["SPIROMETRY_CONCLUSION"] = conclusion
            texts["CXR_CONCLUSION"] = (
                ("两肺纹理增多", True)
                if age > 50 and rng.random() < 0.3
                else ("心肺膈未见明显异常", False)
            )
