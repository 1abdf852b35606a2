"""The personal assessment report (个人健康评估报告) as structured JSON.

Sections: summary; abnormal items with reference ranges; each model's result with its basis;
year-over-year comparison with the trend status; findings with drafted advice. A fixed number
of queries whatever the size of the record (a test guards it).
"""

import datetime as dt
from typing import Any

from django.db.models import Count

from healthloop import clinical
from healthloop.assessment.engine.config import engine_config
from healthloop.assessment.engine.facts import Obs
from healthloop.assessment.engine.run import display_unit
from healthloop.assessment.models import Disease, Finding, RegisterEntry, Severity
from healthloop.assessment.rules.base import local_date
from healthloop.assessment.rules.temporal import yearly
from healthloop.assessment.selectors import person_assessments, person_risk_levels
from healthloop.assessment.trends import PersonObservations, item_trend, person_observations
from healthloop.core.clock import age_on, today
from healthloop.people.models import Person
from healthloop.records.models import Flag

ABNORMAL = {
    Flag.CRITICAL_HIGH: 0,
    Flag.CRITICAL_LOW: 0,
    Flag.HIGH: 1,
    Flag.LOW: 1,
    Flag.ABNORMAL: 2,
}
SEVERITY_ORDER = {s: i for i, s in enumerate(Severity.values)}


def _titles() -> dict[str, str]:
    return {spec.name: spec.title.zh for spec in clinical.list_calculators()}


def abnormal_items(data: PersonObservations, as_of: dt.date) -> list[dict[str, Any]]:
    since = as_of - dt.timedelta(days=engine_config().window_days)
    flags = dict(Flag.choices)
    rows = []
    for code, points in data.by_item.items():
        latest = points[0]
        if latest.flag not in ABNORMAL or local_date(latest.at) < since:
            continue
        item = data.items[code]
        rows.append({
            "item": code, "name": item.name_zh, "category": item.value_type,
            "value": latest.value if latest.value is not None else (latest.code or latest.text),
            "unit": display_unit(data.units.get(latest.id) or item.unit),
            "flag": latest.flag, "flag_label": flags.get(latest.flag, ""),
            "ref_low": latest.ref_low, "ref_high": latest.ref_high,
            "ref_text": data.ref_text.get(latest.id, ""), "date": local_date(latest.at).isoformat(),
        })  # fmt: skip
    return sorted(rows, key=lambda r: (ABNORMAL[r["flag"]], r["item"]))


def _point(obs: Obs) -> dict[str, Any]:
    return {"date": local_date(obs.at).isoformat(), "value": obs.value, "flag": obs.flag}


def comparison(data: PersonObservations) -> list[dict[str, Any]]:
    """Numeric items measured in at least two years: this year against the year before."""
    rows = []
    for code, points in sorted(data.by_item.items()):
        item = data.items[code]
        years = yearly(points)
        if item.value_type != "numeric" or len(years) < 2:
            continue
        current, previous = years[-1], years[-2]
        change = (current.value or 0.0) - (previous.value or 0.0)
        status = item_trend(points)
        rows.append({
            "item": code, "name": item.name_zh, "unit": display_unit(item.unit),
            "current": _point(current), "previous": _point(previous), "change": round(change, 4),
            "change_pct": round(100 * change / previous.value, 1) if previous.value else None,
            "trend": {"status": status.status.value, "label": status.label},
        })  # fmt: skip
    return rows


def _models(person: Person) -> list[dict[str, Any]]:
    titles = _titles()
    return [
        {
            "model": a.model,
            "title": titles.get(a.model, a.model),
            "version": a.version,
            "status": a.status,
            "value": a.value,
            "unit": a.result.get("unit"),
            "category": a.category,
            "label": a.result.get("label", ""),
            "colour": a.colour,
            "basis": a.result.get("basis", []),
            "notes": a.inputs.get("notes", []),
            "inputs": a.inputs.get("inputs", {}),
            "missing": a.missing,
            "reason": a.result.get("reason") or a.result.get("error", ""),
            "assessed_at": a.assessed_at.isoformat(),
        }
        for a in person_assessments(person)
    ]


def _findings(person: Person) -> list[Finding]:
    found = Finding.objects.filter(person=person, status=Finding.Status.OPEN)
    return sorted(found, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule_code))


def person_report(person: Person, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Preconditions: ``person`` came through people.access (which audited the read)."""
    as_of = as_of or today()
    data = person_observations(person, as_of=as_of)
    diseases = dict(Disease.choices)
    levels = [
        {"disease": r.disease, "disease_label": diseases.get(r.disease, r.disease),
         "colour": r.colour, "label": r.label, "basis": r.basis}
        for r in person_risk_levels(person)
    ]  # fmt: skip
    registers = list(
        RegisterEntry.objects.filter(person=person, status=RegisterEntry.Status.INCLUDED)
        .order_by("disease").values_list("disease", flat=True)
    )  # fmt: skip
    findings = _findings(person)
    abnormal = abnormal_items(data, as_of)
    by_severity = dict(
        Finding.objects.filter(person=person, status=Finding.Status.OPEN)
        .values_list("severity").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    return {
        "person": {
            "uuid": str(person.uuid), "name": person.name, "sex": person.sex,
            "age": age_on(person.birth_date, as_of) if person.birth_date else None,
            "org_unit": person.org_unit.name if person.org_unit_id else "",
        },
        "as_of": as_of.isoformat(),
        "summary": {
            "risk_levels": [lv for lv in levels if lv["colour"] != "green"],
            "registers": [{"disease": d, "label": diseases.get(d, d)} for d in registers],
            "open_findings": by_severity,
            "abnormal_item_count": len(abnormal),
        },
        "abnormal_items": abnormal,
        "models": _models(person),
        "risk_levels": levels,
        "comparison": comparison(data),
        "findings": [
            {"uuid": str(f.uuid), "rule": f.rule_code, "version": f.rule_version,
             "title": f.title, "severity": f.severity, "major_class": f.major_class,
             "evidence": f.evidence, "advice": f.advice, "raised_at": f.raised_at.isoformat()}
            for f in findings
        ],
        "advice": list(dict.fromkeys(f.advice for f in findings if f.advice)),
    }  # fmt: skip
