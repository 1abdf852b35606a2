"""Observation → records' Observation rows (one per resource, plus one per component).

The code: a LOINC coding that our catalog knows makes the row a catalog item, its value
converted to the catalog unit and flagged against our ranges (unless the sender interpreted it);
any other code is stored as sent, outside the catalog (``allow_uncatalogued``). A catalog item
whose value we cannot take (a unit we cannot convert, a text where we expect a number) is stored
as sent too, with a warning. An impossible value is refused (422), as for every other feed.

Components (a blood-pressure panel's 8480-6 / 8462-4) become rows of their own, tied to the
panel's row by ``source_message_id = "Observation/<panel id>"``; reading the panel shows them
as its components again, and each can be searched as an Observation by its own code.

Re-sending: the row's ``source_key`` is the first identifier (else the urn:uuid fullUrl). A
re-sent final result changes nothing; ``amended``/``corrected`` amends the stored row(s) and
``entered-in-error``/``cancelled`` cancels them (records keeps the old value as a revision).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from healthloop.interop.fhir import matching, systems
from healthloop.interop.fhir.context import Entry, IngestContext, entry_errors, entry_key
from healthloop.interop.fhir.datatypes import codings, concept_text, parse_datetime
from healthloop.interop.fhir.errors import invalid, unprocessable
from healthloop.interop.fhir.mapping.values import (
    SourceValue,
    fill_reference_range,
    interpretation_flag,
    read_value,
)
from healthloop.people.models import Person
from healthloop.records.bulk import bulk_insert
from healthloop.records.catalog import Catalog, CatalogError, CatalogItem
from healthloop.records.models import Observation
from healthloop.records.services import (
    ObservationInput,
    amend_observation,
    cancel_observation,
    mark_pending,
    prepare_observation,
)

JSON = dict[str, Any]
Status = Observation.Status
STATUS_IN = {
    "registered": Status.PRELIMINARY,
    "preliminary": Status.PRELIMINARY,
    "final": Status.FINAL,
    "amended": Status.AMENDED,
    "corrected": Status.AMENDED,
    "cancelled": Status.CANCELLED,
    "entered-in-error": Status.CANCELLED,
    "unknown": Status.PRELIMINARY,
}
FLAG_IN = {
    "N": "N", "L": "L", "H": "H", "LL": "LL", "HH": "HH", "A": "A", "AA": "A", "LU": "L",
    "HU": "H",
}  # fmt: skip
# Resolving a foreign code against this empty catalog keeps it outside ours, whatever it is.
OUTSIDE_CATALOG = Catalog([], {}, {})
PENDING_REASON = "fhir"


@dataclass(frozen=True)
class SourceCode:
    item: CatalogItem | None
    system: str
    code: str
    display: str


def choose_code(catalog: Catalog, concept: Any) -> SourceCode:
    """The coding we file the result under: a LOINC (or our own item code) the catalog knows,
    else the first LOINC, else the first coding, else the text alone."""
    text = concept_text(concept)
    with_code = [c for c in codings(concept) if c.get("code")]
    for c in with_code:
        system, code = c.get("system"), str(c["code"])
        item = (
            catalog.by_loinc.get(code) if system == systems.LOINC
            else catalog.by_code.get(code.upper()) if system == systems.EXAM_ITEM
            else None
        )  # fmt: skip
        if item is not None:
            return SourceCode(item, str(system), code, str(c.get("display") or text))
    loinc = [c for c in with_code if c.get("system") == systems.LOINC]
    candidates = loinc or with_code
    if not candidates:
        return SourceCode(None, "", "", text)
    chosen = candidates[0]
    display = str(chosen.get("display") or text)
    return SourceCode(None, str(chosen.get("system") or ""), str(chosen["code"]), display)


def effective_of(data: JSON, where: str) -> dt.datetime | None:
    period = data.get("effectivePeriod") or {}
    for value, element in (
        (data.get("effectiveDateTime"), "effectiveDateTime"),
        (data.get("effectiveInstant"), "effectiveInstant"),
        (period.get("start") or period.get("end"), "effectivePeriod"),
        (data.get("issued"), "issued"),
    ):
        if value:
            return parse_datetime(value, f"{where}.{element}")
    return None


def _value_element(holder: JSON) -> str:
    if "valueQuantity" in holder:
        return "valueQuantity.value"
    return next((k for k in holder if k.startswith("value")), "value[x]")


def _fits(item: CatalogItem, value: SourceValue) -> bool:
    if item.value_type == "numeric":
        return value.is_number
    return value.kind in ("codeable", "string", "boolean")


@dataclass
class _Row:
    """What one FHIR element (the resource or a component) says, before it becomes a row."""

    entry: Entry
    person: Person
    holder: JSON
    where: str
    effective: dt.datetime
    status: str
    key: str | None


def _prepare(ctx: IngestContext, row: _Row) -> Observation:
    source = choose_code(ctx.catalog, row.holder.get("code"))
    value = read_value(row.holder)
    flag = interpretation_flag(row.holder, FLAG_IN)
    item = source.item
    obs = None
    if item is not None and value.kind != "none" and not _fits(item, value):
        row.entry.outcome.warn(
            f"{row.where}: a {value.kind} value for {item.code} ({item.value_type}); "
            "kept as sent, outside the catalog"
        )
    elif item is not None and value.kind != "none":
        data = ObservationInput(
            code=item.code,
            value=value.value,
            unit=value.unit,
            flag=flag,
            status=row.status,
            source_key=row.key,
        )
        try:
            obs = prepare_observation(ctx.catalog, row.person, data, effective_at=row.effective)
        except CatalogError as exc:
            if exc.field != "unit":
                element = f"{row.where}.{_value_element(row.holder)}"
                raise unprocessable(f"{element}: {exc.message}", element) from None
            row.entry.outcome.warn(f"{row.where}: {exc.message}; kept as sent, outside the catalog")
        else:
            if value.kind == "codeable":
                obs.value_text = value.text
    if obs is None:
        data = ObservationInput(
            code=source.code,
            value=value.value,
            unit=value.unit[:30],
            flag=flag,
            status=row.status,
            source_key=row.key,
        )
        obs = prepare_observation(
            OUTSIDE_CATALOG, row.person, data, effective_at=row.effective, allow_uncatalogued=True
        )
        if value.kind in ("codeable", "boolean"):
            obs.value_code, obs.value_text = value.code, value.text
        fill_reference_range(obs, row.holder)
    obs.code_system = source.system[:100]
    obs.code = source.code[:60]
    obs.code_display = (source.display or source.code)[:200]
    return obs


def _rows(ctx: IngestContext, entry: Entry) -> list[Observation]:
    data = entry.resource
    status = STATUS_IN.get(str(data.get("status")))
    if status is None:
        raise invalid(
            f"Observation.status: {data.get('status')!r} is not an observation status",
            entry.where("status"),
        )
    report = ctx.result_of_report.get(entry.full_url) if entry.full_url else None
    if report is not None and not data.get("subject"):
        # A report's result without a subject is about the report's patient.
        person = report.person
        entry.outcome.warn(f"{entry.where('subject')}: absent; the DiagnosticReport's subject")
        ctx.persons_touched[person.pk] = person
    else:
        person = ctx.subject(entry)
    if report is not None and report.person_id != person.pk:
        where = entry.where("subject")
        raise unprocessable(f"{where}: not the subject of its DiagnosticReport", where)
    effective = effective_of(data, entry.where()) or ctx.now
    encounter = report or ctx.encounter(entry, person)
    key = entry_key(entry)
    parent = _prepare(ctx, _Row(entry, person, data, entry.where(), effective, status, key))
    rows = [parent]
    for i, component in enumerate(data.get("component") or []):
        where = entry.where(f"component[{i}]")
        part_key = f"{key}/{i}" if key else None
        row = _prepare(ctx, _Row(entry, person, component, where, effective, status, part_key))
        row.source_message_id = f"Observation/{parent.uuid}"
        rows.append(row)
    for row in rows:
        row.encounter = encounter
    return rows


def _file_members_with_panels(ctx: IngestContext, entries: list[Entry]) -> None:
    """A report's result that is a panel brings its members (``hasMember``) into the report."""
    by_url = {e.full_url: e for e in entries if e.full_url}
    queue = [e for e in entries if e.full_url in ctx.result_of_report]
    while queue:
        panel = queue.pop()
        report = ctx.result_of_report[panel.full_url]
        for member in panel.resource.get("hasMember") or []:
            url = ctx.absolute(str(member.get("reference") or ""), panel)
            if url in by_url and url not in ctx.result_of_report:
                ctx.result_of_report[url] = report
                queue.append(by_url[url])


def ingest(ctx: IngestContext, entries: list[Entry]) -> None:
    """Write the entries' observations: new ones in one bulk insert, re-sent ones per status."""
    _file_members_with_panels(ctx, entries)
    planned = []
    for entry in entries:
        with entry_errors(entry):
            planned.append((entry, _rows(ctx, entry)))
    keys = [r.source_key for _, rows in planned for r in rows if r.source_key]
    stored = matching.observations_with_keys(keys) if keys else {}
    new: list[Observation] = []
    for entry, rows in planned:
        parent = rows[0]
        if parent.source_key and parent.source_key in stored:
            _apply_resend(ctx, entry, rows, stored)
            continue
        for row in rows:
            if row.source_key:
                stored[row.source_key] = row  # a second entry with the same key is a re-send
        new.extend(rows)
        entry.row, entry.status = parent, 201
    bulk_insert(Observation, new)
    mark_pending({row.person_id for row in new}, reason=PENDING_REASON)


def _same_value(old: Observation, new: Observation) -> bool:
    return all(
        getattr(old, name) == getattr(new, name)
        for name in ("value_num", "value_text", "value_code", "unit", "flag")
    )


def _apply_resend(
    ctx: IngestContext, entry: Entry, rows: list[Observation], stored: dict[str, Observation]
) -> None:
    entry.row, entry.status = stored[rows[0].source_key or ""], 200
    reason = f"FHIR {entry.resource.get('status')}"
    for row in rows:
        old = stored.get(row.source_key or "")
        if old is None or old.pk is None:
            continue  # a component the first sending did not have, or a duplicate in one request
        if row.status == Status.CANCELLED and old.status != Status.CANCELLED:
            cancel_observation(observation=old, actor=ctx.actor, reason=reason)
        elif row.status == Status.AMENDED and not (
            old.status == Status.AMENDED and _same_value(old, row)
        ):
            item = ctx.catalog.by_id.get(old.item_id) if old.item_id else None
            correction = ObservationInput(
                code=item.code if item else "",
                value=row.value_num
                if row.value_num is not None
                else (row.value_code or row.value_text),
                unit=row.unit,
                flag=row.flag,
                effective_at=row.effective_at,
            )
            amend_observation(
                observation=old, correction=correction, actor=ctx.actor, reason=reason
            )
        else:
            continue
        entry.outcome.warn(f"{entry.where()}: Observation/{old.uuid} {reason} applied")
