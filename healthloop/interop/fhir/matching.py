"""Who and what an incoming resource refers to, looked up over the whole index.

Ingestion acts for the centre's whole population, as the file importer and the HL7 v2 feed do
(``interop/imports/persons.py``): a sender that names a patient by identifier must reach the one
person with that identifier, not create a duplicate because the sender's account does not look
after that person. What a caller may *read back* is still decided by ``people.access`` (see
``selectors.py``); a write never returns the content of a person the caller cannot see.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.datatypes import system_authority
from healthloop.interop.imports.dedupe import stored_keys
from healthloop.people.models import Person, PersonIdentifier
from healthloop.people.services import id_number_index
from healthloop.records.models import Encounter, Observation

SOURCE_KEY_MAX = 200


def _live(person: Person | None) -> Person | None:
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into
    return person


def person_by_uuid(key: str) -> Person | None:
    try:
        public_id = uuid.UUID(key)
    except ValueError:
        return None
    return _live(Person.objects.filter(uuid=public_id).first())


def persons_with_identifier(system: str, value: str) -> list[Person]:
    """Persons holding the identifier ``system|value`` (resident ID, employee number, or any
    PersonIdentifier whose authority is ``system``)."""
    return persons_with_identifiers([(system, value)])[(system, value)]


Identifier = tuple[str, str]  # (system, value)


def persons_with_identifiers(
    identifiers: Iterable[Identifier], *, chunk: int = 200
) -> dict[Identifier, list[Person]]:
    """``persons_with_identifier`` for many identifiers at once: one query per kind (resident
    ID by its blind index, employee number, other authorities) instead of one per identifier."""
    wanted = set(identifiers)
    found: dict[Identifier, list[Person]] = {key: [] for key in wanted}
    by_hash: dict[str, list[Identifier]] = defaultdict(list)
    by_employee_no: dict[str, list[Identifier]] = defaultdict(list)
    by_authority: dict[Identifier, list[Identifier]] = defaultdict(list)
    for system, value in wanted:
        if not value:
            continue
        if system == systems.RESIDENT_ID:
            by_hash[id_number_index(value)].append((system, value))
        elif system == systems.EMPLOYEE_NO:
            by_employee_no[value].append((system, value))
        else:
            by_authority[(system_authority(system), value)].append((system, value))
    held: list[tuple[list[Identifier], Person]] = []
    if by_hash:
        query = Person.objects.filter(id_number_hash__in=list(by_hash))
        held += [(by_hash[p.id_number_hash or ""], p) for p in query]
    if by_employee_no:
        query = Person.objects.filter(employee_no__in=list(by_employee_no))
        held += [(by_employee_no[p.employee_no or ""], p) for p in query]
    pairs = sorted(by_authority)
    for start in range(0, len(pairs), chunk):
        condition = Q()
        for authority, value in pairs[start : start + chunk]:
            condition |= Q(authority=authority, value=value)
        rows = PersonIdentifier.objects.filter(condition).select_related("person")
        held += [(by_authority[(row.authority, row.value)], row.person) for row in rows]
    for keys, person in held:
        live = _live(person)
        for key in keys:
            if live is not None and all(p.pk != live.pk for p in found[key]):
                found[key].append(live)
    return found


def encounter_by_uuid(key: str) -> Encounter | None:
    try:
        public_id = uuid.UUID(key)
    except ValueError:
        return None
    return Encounter.objects.filter(uuid=public_id).first()


def encounters_with_source(source_system: str, source_id: str) -> list[Encounter]:
    return list(Encounter.objects.filter(source_system=source_system, source_id=source_id))


def encounters_by_source(
    sources: list[tuple[str, str]], *, chunk: int = 200
) -> dict[tuple[str, str], Encounter]:
    """Stored encounters by (source_system, source_id), a few queries for many sources."""
    found: dict[tuple[str, str], Encounter] = {}
    wanted = sorted(set(sources))
    for start in range(0, len(wanted), chunk):
        condition = Q()
        for system, source_id in wanted[start : start + chunk]:
            condition |= Q(source_system=system, source_id=source_id)
        for row in Encounter.objects.filter(condition):
            found.setdefault((row.source_system, row.source_id), row)
    return found


def observations_with_keys(keys: Iterable[str], *, chunk: int = 500) -> dict[str, Observation]:
    """Stored observations by source key. Which keys are stored is asked first (one query on
    PostgreSQL); only those rows are loaded, so a first sending loads nothing."""
    wanted = sorted(stored_keys(keys))
    found: dict[str, Observation] = {}
    for start in range(0, len(wanted), chunk):
        query = Observation.objects.filter(source_key__in=wanted[start : start + chunk])
        found.update({o.source_key: o for o in query.select_related("person") if o.source_key})
    return found


def encounter_ids_by_uuid(uuids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    return dict(Encounter.objects.filter(uuid__in=uuids).values_list("uuid", "id"))
