"""Key indicators across years: for each exam year, how many of the persons examined had a
result beyond a guideline threshold (the dashboard's "key indicators across years").

A person counts once per indicator and year: examined if they had at least one final or
amended result of the item that calendar year (Asia/Shanghai), abnormal if at least one of
those results met the threshold. Values are compared in the catalog's canonical unit (the
unit every stored ``value_num`` is converted to on ingestion). The thresholds are those of
the clinical calculators, imported rather than restated, so the dashboard and the screening
agree; SBP uses the 2018 Chinese hypertension guideline's grade-1 threshold.

Only persons the user may see are counted (``visible_persons``); the answer holds counts,
never persons, so no person-level audit event is written.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from healthloop.clinical import (
    bmi_class,
    glycemic_status,
    htn_risk_2018,
    lipid_class,
    uric_acid_class,
)
from healthloop.core.clock import today
from healthloop.people.access import visible_persons
from healthloop.records.models import Observation

MAX_YEARS = 10
COUNTED = (Observation.Status.FINAL, Observation.Status.AMENDED)


@dataclass(frozen=True)
class Indicator:
    code: str
    item_code: str
    comparison: str  # "gte" or "gt"
    threshold: float
    unit: str
    label_zh: str
    label_en: str
    source: str

    def abnormal(self) -> Q:
        return Q(item__code=self.item_code, **{f"value_num__{self.comparison}": self.threshold})


def _indicator(code, item_code, comparison, threshold, unit, shown_unit, zh, en, source):
    sign = {"gte": "≥", "gt": ">"}[comparison]
    shown = f"{threshold:.1f}" if unit == "mmol/L" else f"{threshold:g}"
    return Indicator(code, item_code, comparison, threshold, unit,
                     f"{zh}{sign}{shown} {shown_unit}", f"{en} {sign} {shown} {shown_unit}",
                     source)  # fmt: skip


INDICATORS = (
    _indicator("sbp_high", "SBP", "gte", htn_risk_2018.HTN_RISK_TABLE_2018.grade_from_sbp[0],
               "mm[Hg]", "mmHg", "收缩压", "Systolic BP", "中国高血压防治指南 2018"),
    _indicator("fpg_diabetes", "GLU", "gte", glycemic_status.DIABETES_FPG_FROM, "mmol/L",
               "mmol/L", "空腹血糖", "Fasting glucose", "中国2型糖尿病防治指南 2020"),
    _indicator("ldl_high", "LDL_C", "gte", lipid_class.LDL_C_BANDS[-1][0],
               "mmol/L", "mmol/L", "LDL-C", "LDL-C", "中国血脂管理指南 2023"),
    _indicator("tg_high", "TG", "gte", lipid_class.TG_BANDS[-1][0], "mmol/L", "mmol/L",
               "甘油三酯", "Triglycerides", "中国血脂管理指南 2023"),
    _indicator("ua_high", "UA", "gt", uric_acid_class.CHINA_2019.above_umol_l_male, "umol/L",
               "μmol/L", "尿酸", "Uric acid", "中国高尿酸血症与痛风诊疗指南 2019"),
    _indicator("bmi_obese", "BMI", "gte", bmi_class.BMI_GRADES[-1][0], "kg/m2", "kg/m²",
               "BMI", "BMI", "WS/T 428-2013"),
)  # fmt: skip


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def key_indicators(user: Any, *, years: int = 5) -> dict[str, Any]:
    """The last ``years`` calendar years up to this one: per indicator and year, persons
    examined, persons beyond the threshold and the rate in percent (None when nobody was
    examined). One grouped query per year over the (item, effective_at) index."""
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be between 1 and {MAX_YEARS}")
    last = today().year
    span = list(range(last - years + 1, last + 1))
    abnormal = Q()
    for indicator in INDICATORS:
        abnormal |= indicator.abnormal()
    scoped = Observation.objects.filter(
        person__in=visible_persons(user).values("id"),
        item__code__in=[i.item_code for i in INDICATORS],
        status__in=COUNTED,
        value_num__isnull=False,
    )
    counts: dict[tuple[str, int], tuple[int, int]] = {}
    for year in span:
        start, end = _year_bounds(year)
        rows = (
            scoped.filter(effective_at__gte=start, effective_at__lt=end)
            .values("item__code")
            .annotate(
                examined=Count("person_id", distinct=True),
                abnormal=Count("person_id", distinct=True, filter=abnormal),
            )
        )
        for row in rows:
            counts[(row["item__code"], year)] = (row["examined"], row["abnormal"])
    return {
        "years": span,
        "indicators": [
            {
                "code": i.code,
                "item_code": i.item_code,
                "label": {"zh-CN": i.label_zh, "en": i.label_en},
                "threshold": i.threshold,
                "comparison": i.comparison,
                "unit": i.unit,
                "source": i.source,
                "series": [_point(year, *counts.get((i.item_code, year), (0, 0))) for year in span],
            }
            for i in INDICATORS
        ],
    }


def _point(year: int, examined: int, abnormal: int) -> dict[str, Any]:
    rate = round(100 * abnormal / examined, 1) if examined else None
    return {"year": year, "examined": examined, "abnormal": abnormal, "rate": rate}
