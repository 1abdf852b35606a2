"""Patient ↔ Person (the master person index).

In: name, gender → sex, birthDate, identifiers (resident ID → the encrypted ID number, employee
number, every other system → PersonIdentifier with authority = system), a mainland mobile phone.
A Patient whose identifier is already in the index is that person: nothing is duplicated and the
index entry is not overwritten (HR sync and the people screens maintain it), only identifiers it
did not have yet are added. A new person without a resident ID is flagged for identity review.

Out: the resident ID number only masked (meta.security MASKED), no phone (see docs/interop.md).
"""

import re
from typing import Any

from healthloop.core.crypto import mask
from healthloop.core.errors import ServiceError
from healthloop.interop.fhir import matching, systems
from healthloop.interop.fhir.context import Entry, IngestContext
from healthloop.interop.fhir.datatypes import (
    authority_system,
    first_coding,
    format_date,
    format_instant,
    parse_date,
    system_authority,
)
from healthloop.interop.fhir.errors import FHIRError, IssueType, unprocessable
from healthloop.people.identity import IdentityError, normalize_mobile
from healthloop.people.models import Person, PersonIdentifier
from healthloop.people.services import PersonInput, clean_identity, upsert_person

JSON = dict[str, Any]
GENDER_IN = {"male": "male", "female": "female", "other": "unknown", "unknown": "unknown"}
_CJK = re.compile(r"[\u3400-\u9fff]")
NAME_MAX = 50
FIELD_ELEMENT = {"sex": "gender", "birth_date": "birthDate", "id_number": "identifier"}


def person_name(names: Any) -> str:
    """One display name: the official (else usual, else first) HumanName; Chinese names are
    written family-then-given without a space, others given-then-family."""
    if not isinstance(names, list) or not names:
        return ""
    ranked = sorted(
        (n for n in names if isinstance(n, dict)),
        key=lambda n: {"official": 0, "usual": 1}.get(n.get("use", ""), 2),
    )
    if not ranked:
        return ""
    name = ranked[0]
    if name.get("text"):
        return str(name["text"]).strip()[:NAME_MAX]
    family = str(name.get("family") or "")
    given = [str(g) for g in name.get("given") or []]
    if _CJK.search(family + "".join(given)):
        text = family + "".join(given)
    else:
        text = " ".join([*given, family])
    return " ".join(text.split())[:NAME_MAX]


def _identifiers(data: JSON) -> tuple[str, str, list[tuple[int, str, str, str]]]:
    """(resident ID, employee number, [(index, authority, value, type)]) from Patient.identifier."""
    resident = employee = ""
    others: list[tuple[int, str, str, str]] = []
    for i, ident in enumerate(data.get("identifier") or []):
        system, value = str(ident.get("system") or ""), str(ident.get("value") or "").strip()
        if not (system and value):
            continue  # an identifier without system cannot be matched on; it is not kept
        if system == systems.RESIDENT_ID:
            resident = value
        elif system == systems.EMPLOYEE_NO:
            employee = value
        else:
            kind = first_coding(ident.get("type"), systems.IDENTIFIER_TYPE) or {}
            others.append((i, system_authority(system), value, str(kind.get("code", ""))[:20]))
    return resident, employee, others


def _phone(data: JSON) -> str:
    for telecom in data.get("telecom") or []:
        if telecom.get("system") in ("phone", "sms") and telecom.get("value"):
            try:
                return normalize_mobile(str(telecom["value"]))
            except IdentityError:
                continue  # not a mainland mobile number: not kept
    return ""


def _match(
    entry: Entry, resident: str, employee: str, others: list[tuple[int, str, str, str]]
) -> Person | None:
    found: dict[int, Person] = {}
    probes = [(systems.RESIDENT_ID, resident), (systems.EMPLOYEE_NO, employee)]
    probes += [(authority_system(a), v) for _, a, v, _ in others]
    for system, value in probes:
        for person in matching.persons_with_identifier(system, value):
            found[person.pk] = person
    if len(found) > 1:
        raise FHIRError(
            409,
            IssueType.CONFLICT,
            f"{entry.where('identifier')}: the identifiers belong to {len(found)} different "
            "persons in the index; a person administrator must merge or correct them",
            expression=entry.where("identifier"),
        )
    return next(iter(found.values()), None)


def ingest(ctx: IngestContext, entries: list[Entry]) -> None:
    for entry in entries:
        _ingest_one(ctx, entry)


def _ingest_one(ctx: IngestContext, entry: Entry) -> None:
    data = entry.resource
    resident, employee, others = _identifiers(data)
    person_input = PersonInput(
        name=person_name(data.get("name")),
        sex=GENDER_IN.get(str(data.get("gender") or "unknown"), "unknown"),
        birth_date=parse_date(data.get("birthDate"), entry.where("birthDate")),
        id_number=resident,
        phone=_phone(data),
        employee_no=employee,
    )
    try:
        clean_identity(person_input)
    except IdentityError as exc:
        where = entry.where(FIELD_ELEMENT.get(exc.field, exc.field))
        raise unprocessable(f"{where}: {exc.message}", where) from None
    person = _match(entry, resident, employee, others)
    if person is not None:
        entry.outcome.warn(f"matched Patient/{person.uuid} by identifier; index entry kept")
        entry.status = 200
    else:
        try:
            person, _ = upsert_person(data=person_input, actor=ctx.actor, source="fhir")
        except ServiceError as exc:
            where = entry.where(FIELD_ELEMENT.get(exc.field or "", "identifier"))
            raise unprocessable(f"{where}: {exc.message}", where) from None
        if not resident or not person_input.name:
            # Work-around until people.services takes the flag (see docs/interop.md).
            Person.objects.filter(pk=person.pk).update(needs_identity_review=True)
            person.needs_identity_review = True
        entry.status = 201
    _add_identifiers(person, others)
    entry.row = person
    ctx.persons_touched[person.pk] = person


def _add_identifiers(person: Person, others: list[tuple[int, str, str, str]]) -> None:
    """Work-around until people.services has ``add_person_identifiers`` (docs/interop.md)."""
    held = set(person.identifiers.values_list("authority", "value"))
    new = [
        PersonIdentifier(person=person, authority=a[:100], value=v[:100], id_type=t)
        for _, a, v, t in others
        if (a[:100], v[:100]) not in held
    ]
    PersonIdentifier.objects.bulk_create(new, ignore_conflicts=True)


def find_existing(token_system: str, token_code: str) -> list[Person]:
    return matching.persons_with_identifier(token_system, token_code)


def to_fhir(person: Person, identifiers: list[PersonIdentifier] | None = None) -> JSON:
    resource: JSON = {
        "resourceType": "Patient",
        "id": str(person.uuid),
        "meta": {"lastUpdated": format_instant(person.updated_at)},
    }
    out_ids: list[JSON] = []
    if person.id_number:
        resource["meta"]["security"] = [
            {"system": systems.SECURITY_OBSERVATION_VALUE, "code": "MASKED", "display": "masked"}
        ]
        out_ids.append(
            {
                "use": "official",
                "type": {
                    "coding": [{"system": systems.IDENTIFIER_TYPE, "code": "NNCHN"}],
                    "text": "居民身份证号",
                },
                "system": systems.RESIDENT_ID,
                "value": mask(person.id_number),
            }
        )
    if person.employee_no:
        out_ids.append(
            {"type": {"text": "工号"}, "system": systems.EMPLOYEE_NO, "value": person.employee_no}
        )
    for ident in identifiers if identifiers is not None else person.identifiers.all():
        item: JSON = {"system": authority_system(ident.authority), "value": ident.value}
        if ident.id_type:
            item["type"] = {"coding": [{"system": systems.IDENTIFIER_TYPE, "code": ident.id_type}]}
        out_ids.append(item)
    if out_ids:
        resource["identifier"] = out_ids
    resource["active"] = True
    if person.name:
        resource["name"] = [{"use": "official", "text": person.name}]
    resource["gender"] = person.sex or "unknown"
    if person.birth_date:
        resource["birthDate"] = format_date(person.birth_date)
    return resource
