"""Who and what an incoming resource refers to, looked up over the whole index.

Ingestion acts for the centre's whole population, as the file importer and the HL7 v2 feed do
(``interop/imports/persons.py``): a sender that names a patient by identifier must reach the one
person with that identifier, not create a duplicate because the sender's account does not look
after that person. What a caller may *read back* is still decided by ``people.access`` (see
``selectors.py``); a write never returns the content of a person the caller cannot see.
"""

import uuid
from collections.abc import Iterable

from django.db.models import Q

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.datatypes import system_authority
from healthloop.people.models import Person, PersonIdentifier
from healthloop.people.services import find_person_by_id_number
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
    if not value:
        return []
    if system == systems.RESIDENT_ID:
        found = find_person_by_id_number(value)
        return [found] if found else []
    if system == systems.EMPLOYEE_NO:
        query = Person.objects.filter(employee_no=value)
    else:
        query = Person.objects.filter(
            pk__in=PersonIdentifier.objects.filter(
                authority=system_authority(system), value=value
            ).values("person_id")
        )
    live = {p.pk: p for p in (_live(p) for p in query) if p is not None}
    return list(live.values())


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
    """Stored observations by source key (IN lists kept short for every database)."""
    wanted = sorted(set(keys))
    found: dict[str, Observation] = {}
    for start in range(0, len(wanted), chunk):
        query = Observation.objects.filter(source_key__in=wanted[start : start + chunk])
        found.update({o.source_key: o for o in query.select_related("person") if o.source_key})
    return found


def encounter_ids_by_uuid(uuids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    return dict(Encounter.objects.filter(uuid__in=uuids).values_list("uuid", "id"))
