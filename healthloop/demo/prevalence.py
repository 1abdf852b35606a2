"""Measure the demo population's prevalences from the database, against published figures.

Each person counts once, at their latest exam (the cross-section a national survey would
see), with the medications they had started by then. Definitions follow the cited sources:

* hypertension: SBP ≥ 140 or DBP ≥ 90 mmHg or antihypertensive drug (Wang Z, Circulation
  2018); target 27.5 % of adults (Report on Nutrition and Chronic Diseases of Chinese
  Residents 2020).
* diabetes: FPG ≥ 7.0 mmol/L or HbA1c ≥ 6.5 % or hypoglycaemic drug; prediabetes: otherwise
  FPG 5.6–6.9 or HbA1c 5.7–6.4 % (ADA criteria, as Wang L, JAMA 2021: 12.4 % and 38.1 %; no
  OGTT here). ``ifg_cds`` is the Chinese definition (FPG 6.1–6.9) for information.
* dyslipidaemia: TC ≥ 6.2, LDL-C ≥ 4.1, HDL-C < 1.0, TG ≥ 2.3 mmol/L or lipid-lowering drug
  (Chinese lipid guideline 2023: 35.6 % in 2018).
* hyperuricaemia: serum urate > 420 µmol/L or urate-lowering drug (Zhang M, Front Immunol
  2022: 14.0 %; men 24.4 %, women 3.6 %).
* fatty liver: ultrasound grade mild or worse (Zhou F, Hepatology 2019: NAFLD 29.2 %).
* overweight BMI 24–27.9, obesity ≥ 28 kg/m² (2020 report: 34.3 % and 16.4 %).

``expected`` adjusts a target to this population's 70 % men where the source gives
sex-specific figures; ``band`` is what the tests accept on 1,500 persons.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from healthloop.people.models import Person
from healthloop.records.models import Medication, Observation

CODES = ("SBP", "DBP", "GLU", "HBA1C", "TC", "TG", "LDL_C", "HDL_C", "UA", "BMI", "US_FATTY_LIVER")


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    published: float  # % of Chinese adults
    expected: float  # % expected for this population's sex mix
    band: tuple[float, float]


TARGETS = (
    Target("hypertension", "Hypertension", 27.5, 27.5, (22.0, 33.0)),
    Target("diabetes", "Diabetes", 12.4, 12.4, (9.0, 16.5)),
    Target("prediabetes", "Prediabetes (ADA)", 38.1, 38.1, (31.0, 45.0)),
    Target("dyslipidaemia", "Dyslipidaemia", 35.6, 35.6, (30.0, 45.0)),
    Target("hyperuricaemia", "Hyperuricaemia", 14.0, 18.2, (13.0, 23.0)),
    Target("fatty_liver", "Fatty liver (ultrasound)", 29.2, 29.2, (23.0, 36.0)),
    Target("overweight", "Overweight (BMI 24–27.9)", 34.3, 34.3, (29.0, 40.0)),
    Target("obesity", "Obesity (BMI ≥ 28)", 16.4, 16.4, (11.0, 21.5)),
)


@dataclass
class Measured:
    persons: int
    men: int
    rates: dict[str, float]  # key → % of persons
    by_sex: dict[str, dict[str, float]]  # sex → key → %
    hypertension_by_age: dict[str, tuple[int, float]]  # band → (n, %)


def _classify(v: dict[str, float | str], drugs: set[str]) -> dict[str, bool]:
    def num(code: str) -> float:
        value = v.get(code)
        return float(value) if isinstance(value, float) else float("nan")

    diabetes = num("GLU") >= 7.0 or num("HBA1C") >= 6.5 or "hypoglycemic" in drugs
    bmi = num("BMI")
    return {
        "hypertension": num("SBP") >= 140 or num("DBP") >= 90 or "antihypertensive" in drugs,
        "diabetes": diabetes,
        "prediabetes": not diabetes and (5.6 <= num("GLU") < 7.0 or 5.7 <= num("HBA1C") < 6.5),
        "ifg_cds": not diabetes and 6.1 <= num("GLU") < 7.0,
        "dyslipidaemia": (
            num("TC") >= 6.2
            or num("LDL_C") >= 4.1
            or num("HDL_C") < 1.0
            or num("TG") >= 2.3
            or "lipid_lowering" in drugs
        ),
        "hyperuricaemia": num("UA") > 420 or "urate_lowering" in drugs,
        "fatty_liver": v.get("US_FATTY_LIVER") in ("MILD", "MODERATE", "SEVERE"),
        "overweight": 24.0 <= bmi < 28.0,
        "obesity": bmi >= 28.0,
    }


def _age_band(age: int) -> str:
    if age < 35:
        return "22–34"
    if age < 45:
        return "35–44"
    if age < 55:
        return "45–54"
    if age < 65:
        return "55–64"
    if age < 75:
        return "65–74"
    return "75+"


def measure_prevalence() -> Measured:
    """Prevalences of the persons in the database (all of them), at their latest exam."""
    latest: dict[int, dt.datetime] = {}
    values: dict[tuple[int, dt.datetime], dict[str, float | str]] = defaultdict(dict)
    rows = Observation.objects.filter(code__in=CODES, encounter__kind="exam").values_list(
        "person_id", "effective_at", "code", "value_num", "value_code"
    )
    for person_id, when, code, number, coded in rows.iterator(chunk_size=20_000):
        values[(person_id, when)][code] = float(number) if number is not None else coded
        if when > latest.get(person_id, when - dt.timedelta(seconds=1)):
            latest[person_id] = when
    drugs: dict[int, list[tuple[str, dt.date | None]]] = defaultdict(list)
    for person_id, drug_class, start in Medication.objects.values_list(
        "person_id", "drug_class", "start_date"
    ):
        drugs[person_id].append((drug_class, start))
    persons = dict(Person.objects.filter(pk__in=list(latest)).values_list("pk", "sex"))
    births = dict(Person.objects.filter(pk__in=list(latest)).values_list("pk", "birth_date"))
    counts: dict[str, dict[str, int]] = {
        "all": defaultdict(int),
        "male": defaultdict(int),
        "female": defaultdict(int),
    }
    totals = {"all": 0, "male": 0, "female": 0}
    ages: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for person_id, when in latest.items():
        taken = {c for c, start in drugs[person_id] if start is None or start <= when.date()}
        result = _classify(values[(person_id, when)], taken)
        sex = persons[person_id]
        for group in ("all", sex):
            totals[group] += 1
            for key, hit in result.items():
                counts[group][key] += hit
        birth = births[person_id]
        band = ages[_age_band(when.year - birth.year)]
        band[0] += 1
        band[1] += result["hypertension"]

    def pct(group: str) -> dict[str, float]:
        n = totals[group] or 1
        return {key: 100.0 * hits / n for key, hits in counts[group].items()}

    return Measured(
        persons=totals["all"],
        men=totals["male"],
        rates=pct("all"),
        by_sex={"male": pct("male"), "female": pct("female")},
        hypertension_by_age={
            band: (n, 100.0 * hits / (n or 1)) for band, (n, hits) in sorted(ages.items())
        },
    )


def report_lines(measured: Measured) -> list[str]:
    """A Markdown table of targets and achieved values."""
    lines = [
        "| condition | published | expected here | achieved | men | women |",
        "|---|---|---|---|---|---|",
    ]
    for t in TARGETS:
        lines.append(
            f"| {t.label} | {t.published:.1f} % | {t.expected:.1f} % | "
            f"{measured.rates[t.key]:.1f} % | {measured.by_sex['male'].get(t.key, 0):.1f} % | "
            f"{measured.by_sex['female'].get(t.key, 0):.1f} % |"
        )
    return lines
