"""Registers (台账): who is on them (selector), manual inclusion/exclusion (service), and the
Excel export. Lists always start from ``people.access.visible_persons(user)``."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from healthloop.assessment.errors import AssessmentError
from healthloop.assessment.models import Colour, Disease, RegisterEntry, RegisterEvent
from healthloop.audit.services import record_event
from healthloop.core.clock import age_on, today
from healthloop.core.errors import ServiceError
from healthloop.core.spreadsheets import xlsx_bytes
from healthloop.people.access import visible_persons
from healthloop.people.models import OrgUnit, Person


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def parse_age_band(text: str) -> tuple[int, int | None]:
    """'45-59' → (45, 59); '75+' → (75, None). Ages inclusive, in completed years."""
    try:
        if text.endswith("+"):
            return int(text[:-1]), None
        low, high = text.split("-")
        return int(low), int(high)
    except ValueError:
        raise ServiceError(
            AssessmentError.INVALID_FILTER, f"年龄段格式应为45-59或75+：{text}", field="age_band"
        ) from None


def register_entries(
    user: Any,
    *,
    disease: str = "",
    level: str = "",
    org_unit: OrgUnit | None = None,
    age_band: str = "",
    sex: str = "",
    status: str = "",
) -> QuerySet[RegisterEntry]:
    """Register entries of the persons the user may see, filtered; default status: all."""
    query = RegisterEntry.objects.filter(person__in=visible_persons(user))
    for name, value, allowed in (
        ("disease", disease, Disease.values), ("level", level, Colour.values),
        ("status", status, RegisterEntry.Status.values), ("person__sex", sex, Person.Sex.values),
    ):  # fmt: skip
        if value:
            if value not in allowed:
                raise ServiceError(
                    AssessmentError.INVALID_FILTER,
                    f"无效的筛选值：{value}",
                    field=name.replace("person__", ""),
                )
            query = query.filter(**{name: value})
    if org_unit is not None:
        query = query.filter(person__org_unit__path__startswith=org_unit.path)
    if age_band:
        low, high = parse_age_band(age_band)
        day = today()
        query = query.filter(person__birth_date__lte=_years_before(day, low))
        if high is not None:
            query = query.filter(person__birth_date__gt=_years_before(day, high + 1))
    return query.select_related("person", "person__org_unit").order_by(
        "disease", "person__name", "id"
    )


@transaction.atomic
def set_register_status(
    *, person: Person, disease: str, status: str, reason: str, actor: Any
) -> RegisterEntry:
    """Include or exclude a person by hand (``status`` included / excluded), or hand the
    entry back to the engine (``auto``). The reason is required and kept in the history.
    Preconditions: ``person`` came through people.access."""
    if disease not in Disease.values:
        raise ServiceError(AssessmentError.UNKNOWN_DISEASE, f"未知病种：{disease}", field="disease")
    if not reason.strip():
        raise ServiceError(AssessmentError.INVALID_FILTER, "须填写原因", field="reason")
    entry = RegisterEntry.objects.select_for_update().filter(person=person, disease=disease).first()
    if entry is None:
        entry = RegisterEntry(person=person, disease=disease, status="", qualifies=False)
    if status == "auto":
        entry.source = RegisterEntry.Source.AUTO
        entry.status = (RegisterEntry.Status.INCLUDED if entry.qualifies
                        else RegisterEntry.Status.EXCLUDED)  # fmt: skip
    elif status in RegisterEntry.Status.values:
        entry.source, entry.status = RegisterEntry.Source.MANUAL, status
    else:
        raise ServiceError(AssessmentError.INVALID_FILTER, f"无效的状态：{status}", field="status")
    entry.reason = reason.strip()[:300]
    if entry.status == RegisterEntry.Status.INCLUDED and entry.included_at is None:
        entry.included_at = timezone.now()
    entry.save()
    RegisterEvent.objects.create(
        entry=entry,
        at=timezone.now(),
        status=entry.status,
        source=entry.source,
        reason=entry.reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        actor=actor,
        action="register.entry_changed",
        person_uuid=person.uuid,
        object_type="register_entry",
        object_id=f"{disease}",
        purpose=entry.reason,
        detail={"status": entry.status, "source": entry.source},
    )
    return entry


EXPORT_COLUMNS = ("姓名", "性别", "年龄", "工号", "部门", "病种", "状态", "风险等级", "来源",
                  "原因", "纳入时间", "依据")  # fmt: skip


def export_rows(entries: QuerySet[RegisterEntry]) -> list[list[Any]]:
    day = today()
    colours, diseases = dict(Colour.choices), dict(Disease.choices)
    statuses, sources = dict(RegisterEntry.Status.choices), dict(RegisterEntry.Source.choices)
    sexes = dict(Person.Sex.choices)
    rows = []
    for e in entries.iterator(chunk_size=2000):
        p = e.person
        rows.append([
            p.name, sexes.get(p.sex, p.sex), age_on(p.birth_date, day) if p.birth_date else None,
            p.employee_no or "", p.org_unit.name if p.org_unit else "",
            diseases.get(e.disease, e.disease), statuses.get(e.status, e.status),
            colours.get(e.level, ""), sources.get(e.source, e.source), e.reason,
            timezone.localtime(e.included_at).strftime("%Y-%m-%d") if e.included_at else "",
            "；".join(e.basis),
        ])  # fmt: skip
    return rows


def export_workbook(rows: list[list[Any]]) -> bytes:
    """An .xlsx of the rows (openpyxl write-only mode, so large registers stream)."""
    return xlsx_bytes("台账", EXPORT_COLUMNS, rows)
