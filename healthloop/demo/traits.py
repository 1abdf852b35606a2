"""Person-level health traits of the demo population: lifestyle, family history, latent risk.

A person carries a small set of correlated latent scores (standard normal): a shared
metabolic susceptibility ``meta`` and one score per measurement family, each partly driven by
``meta``. Age, sex and BMI then set the yearly values (physiology.py), so blood pressure,
glucose, lipids, uric acid and liver fat cluster in the same people, as they do in real life.
Disease onsets and treatment start years are decided here once, so the five exam years of a
person tell one coherent story (a diabetes found in 2023, metformin from 2023, better values
after). Pure Python: no database.
"""

import math
import random
from dataclasses import dataclass, field
from itertools import pairwise

from healthloop.demo.randomness import normal

AS_OF_YEAR = 2025


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def correlated(rng: random.Random, shared: float, loading: float) -> float:
    """A standard normal score with correlation ``loading`` to ``shared``."""
    return loading * shared + math.sqrt(1.0 - loading * loading) * normal(rng)


@dataclass
class Treatment:
    drug_class: str  # antihypertensive | hypoglycemic | lipid_lowering | urate_lowering …
    start_year: int  # the first exam year that shows the drug's effect
    effect: float  # class-specific size of the effect, drawn once


@dataclass
class Traits:
    male: bool
    birth_year: int
    smoking: str  # never | current | former
    quit_year: int | None
    cigarettes_per_day: int
    alcohol: str  # none | occasional | regular | heavy
    exercise: str  # none | occasional | regular
    family: tuple[str, ...]  # condition keys of first-degree relatives
    meta: float
    bp: float
    glu: float
    tc: float
    tg: float
    hdl: float
    ua: float
    liver: float
    dbp: float
    crea: float
    hgb: float
    wbc: float
    plt: float
    tsh: float
    height_cm: float
    bmi_ref: float  # BMI in AS_OF_YEAR
    bmi_slope: float  # kg/m² per year
    dm_onset: int | None = None  # year diabetes began (may be long before 2021)
    dm_severity: float = 0.0
    hbv_carrier: bool = False
    gilbert: bool = False
    anaemia: bool = False
    ckd_factor: float = 1.0  # creatinine multiplier (> 1 in chronic kidney disease)
    af_onset: int | None = None
    gout: bool = False
    hypothyroid: bool = False
    treatments: dict[str, Treatment] = field(default_factory=dict)

    def age_in(self, year: int) -> int:
        return year - self.birth_year

    def treated(self, drug_class: str, year: int) -> Treatment | None:
        treatment = self.treatments.get(drug_class)
        return treatment if treatment is not None and treatment.start_year <= year else None


def _lifestyle(rng: random.Random, male: bool, age: int) -> tuple[str, int | None, int, str, str]:
    # Report on Nutrition and Chronic Diseases of Chinese Residents 2020: current smoking
    # 50.5 % of men and 2.1 % of women; 30-day drinking 46.2 % of men and 10.2 % of women.
    roll = rng.random()
    current, former = (0.48, 0.12) if male else (0.02, 0.01)
    if age > 70:
        current, former = current * 0.6, former * 2.0
    quit_year = None
    cigarettes = 0
    if roll < current:
        smoking = "current"
        cigarettes = rng.choice((5, 10, 10, 15, 20, 20, 20, 30, 40))
        if rng.random() < 0.10:  # quits during the exam years
            smoking, quit_year = "former", rng.randint(AS_OF_YEAR - 4, AS_OF_YEAR)
    elif roll < current + former:
        smoking, quit_year = "former", rng.randint(1995, AS_OF_YEAR - 5)
        cigarettes = rng.choice((10, 20, 20))
    else:
        smoking = "never"
    roll = rng.random()
    if male:
        alcohol = (
            "heavy"
            if roll < 0.08
            else "regular"
            if roll < 0.30
            else ("occasional" if roll < 0.55 else "none")
        )
    else:
        alcohol = "regular" if roll < 0.02 else "occasional" if roll < 0.14 else "none"
    roll = rng.random()
    exercise = "regular" if roll < 0.24 else "occasional" if roll < 0.55 else "none"
    return smoking, quit_year, cigarettes, alcohol, exercise


_FAMILY_RISKS = (("htn", 0.30), ("dm", 0.14), ("chd", 0.10), ("stroke", 0.08),
                 ("lung_cancer", 0.03), ("gastric_cancer", 0.03), ("liver_cancer", 0.02),
                 ("breast_cancer", 0.02))  # fmt: skip


def _bmi_median(male: bool, age: int) -> float:
    """Median BMI by sex and age, shaped on the 2020 report (men heavier in mid-life)."""
    points = (
        ((22, 22.8), (40, 24.9), (60, 24.9), (75, 24.1), (95, 22.8))
        if male
        else ((22, 21.2), (40, 23.1), (60, 24.6), (75, 24.4), (95, 23.0))
    )
    for (a0, b0), (a1, b1) in pairwise(points):
        if age <= a1:
            return b0 + (b1 - b0) * (max(age, a0) - a0) / (a1 - a0)
    return points[-1][1]


def _height(rng: random.Random, male: bool, birth_year: int) -> float:
    # Adult height rose about 1 cm per decade of birth (169.7 / 158.0 cm at 18–44 in 2020).
    base = 170.5 if male else 158.5
    return base + (birth_year - 1990) * 0.09 + normal(rng, 0.0, 5.8 if male else 5.2)


def draw_traits(rng: random.Random, *, male: bool, birth_year: int) -> Traits:
    age = AS_OF_YEAR - birth_year
    smoking, quit_year, cigarettes, alcohol, exercise = _lifestyle(rng, male, age)
    family = tuple(
        key for key, p in _FAMILY_RISKS if (key != "breast_cancer" or not male) and rng.random() < p
    )
    meta = normal(rng)
    bmi_z = correlated(rng, meta, 0.65)
    slope_mean = 0.12 if age < 45 else 0.04 if age < 65 else -0.08
    traits = Traits(
        male=male,
        birth_year=birth_year,
        smoking=smoking,
        quit_year=quit_year,
        cigarettes_per_day=cigarettes,
        alcohol=alcohol,
        exercise=exercise,
        family=family,
        meta=meta,
        bp=correlated(rng, meta, 0.35),
        glu=correlated(rng, meta, 0.45),
        tc=correlated(rng, meta, 0.15),
        tg=correlated(rng, meta, 0.5),
        hdl=correlated(rng, meta, -0.3),
        ua=correlated(rng, meta, 0.4),
        liver=correlated(rng, meta, 0.4),
        dbp=normal(rng),
        crea=normal(rng),
        hgb=normal(rng),
        wbc=normal(rng),
        plt=normal(rng),
        tsh=normal(rng),
        height_cm=_height(rng, male, birth_year),
        bmi_ref=_bmi_median(male, age)
        * math.exp(0.15 * bmi_z)
        * (0.985 if exercise == "regular" else 1.0),
        bmi_slope=normal(rng, slope_mean, 0.18),
    )
    _diseases(rng, traits, age)
    _treatments(rng, traits, age)
    return traits


def _diseases(rng: random.Random, t: Traits, age: int) -> None:
    bmi = t.bmi_ref
    # Diabetes: age, adiposity, family history and the glucose score (Wang L, JAMA 2021).
    score = (
        -3.1
        + 0.058 * (age - 45)
        - 0.0006 * max(0, age - 65) ** 2
        + 0.16 * (bmi - 24)
        + 0.8 * ("dm" in t.family)
        + 0.2 * t.male
        + 0.75 * t.glu
    )
    if rng.random() < logistic(score):
        years = min(rng.expovariate(1 / 7.0), max(0.0, age - 28))
        t.dm_onset = AS_OF_YEAR - int(years)
        t.dm_severity = normal(rng)
    t.hbv_carrier = rng.random() < 0.055
    t.gilbert = rng.random() < 0.05
    t.anaemia = (not t.male and age < 55 and rng.random() < 0.12) or (
        age > 75 and rng.random() < 0.10
    )
    ckd_p = 0.01 + 0.004 * max(0, age - 55) + 0.03 * (t.dm_onset is not None)
    if rng.random() < ckd_p:
        t.ckd_factor = 1.35 + rng.expovariate(1 / 0.45)
    af_p = 0.0005 + 0.0009 * max(0, age - 55)
    if rng.random() < af_p:
        t.af_onset = AS_OF_YEAR - rng.randint(0, 8)
    t.gout = t.male and rng.random() < 0.012 + 0.012 * max(0.0, t.ua)
    t.hypothyroid = rng.random() < (0.04 if not t.male else 0.01)


def _treatments(rng: random.Random, t: Traits, age: int) -> None:
    """Who is treated, since when, and how well. Awareness in an employer-screened
    population is higher than nationally (Wang Z 2018: 40.7 % of hypertensives treated)."""
    untreated_sbp = untreated_sbp_mmhg(t, age, t.bmi_ref)
    if untreated_sbp >= 139 and rng.random() < min(0.8, 0.32 + 0.008 * (age - 40)):
        start = _start_year(rng, age, early_share=0.6)
        t.treatments["antihypertensive"] = Treatment(
            "antihypertensive", start, rng.uniform(0.5, 1.4)
        )
    if t.dm_onset is not None and rng.random() < min(0.85, 0.45 + 0.006 * (age - 45)):
        start = max(t.dm_onset, _start_year(rng, age, early_share=0.5))
        t.treatments["hypoglycemic"] = Treatment("hypoglycemic", start, rng.uniform(0.6, 1.3))
    lipid_risk = t.tc > 1.3 or (age >= 55 and (t.dm_onset is not None or untreated_sbp >= 140))
    if lipid_risk and rng.random() < 0.28:
        t.treatments["lipid_lowering"] = Treatment(
            "lipid_lowering", _start_year(rng, age, early_share=0.45), rng.uniform(0.25, 0.45)
        )
    if t.gout:
        t.treatments["urate_lowering"] = Treatment(
            "urate_lowering", _start_year(rng, age, early_share=0.5), rng.uniform(0.15, 0.3)
        )
    if t.hypothyroid and rng.random() < 0.5:
        t.treatments["thyroid"] = Treatment("thyroid", _start_year(rng, age, 0.5), 1.0)
    if t.af_onset is not None and t.af_onset < AS_OF_YEAR:  # found at an exam, treated after
        t.treatments["anticoagulant"] = Treatment("anticoagulant", t.af_onset + 1, 1.0)


def _start_year(rng: random.Random, age: int, early_share: float) -> int:
    if rng.random() < early_share and age > 35:
        return AS_OF_YEAR - 4 - rng.randint(1, max(1, min(15, age - 34)))
    return rng.randint(AS_OF_YEAR - 4, AS_OF_YEAR)


def untreated_sbp_mmhg(t: Traits, age: int, bmi: float) -> float:
    """The person's usual systolic pressure without treatment and without visit noise."""
    if t.male:
        base = 125.0 + (0.55 if age >= 45 else 0.3) * (age - 45)
    else:
        base = 116.0 + (0.95 if age >= 45 else 0.35) * (age - 45)
    base -= (0.35 if t.male else 0.6) * max(0, age - 65)  # flattens in the old
    adiposity = 1.1 * (bmi - 24.0)
    return base + adiposity + 10.5 * t.bp + 2.5 * ("htn" in t.family) + 4.0 * (t.alcohol == "heavy")
