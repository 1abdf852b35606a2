"""Reads of the person index. Every person list starts from ``access.visible_persons``."""

import re
import uuid
from typing import Any

from django.db.models import Q, QuerySet

from healthloop.core.crypto import blind_index
from healthloop.core.errors import NotFound, ServiceError
from healthloop.people.access import visible_persons
from healthloop.people.errors import PersonError
from healthloop.people.models import OrgUnit, Person


def org_unit_param(value: Any, field: str = "org_unit") -> OrgUnit | None:
    """The org unit a filter parameter names by uuid: None when empty, 400 when the value is not
    a uuid, 404 when no unit has it."""
    if value in (None, ""):
        return None
    try:
        key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ServiceError(
            PersonError.BAD_ORG_UNIT, "机构参数不是有效的UUID", field=field
        ) from None
    unit = OrgUnit.objects.filter(uuid=key).first()
    if unit is None:
        raise NotFound("org unit")
    return unit


_ID_TAIL = re.compile(r"^\d{3}[\dXx]$")
_FULL_ID = re.compile(r"^\d{17}[\dXx]$")
_LATIN = re.compile(r"^[A-Za-z]+$")


def search_query(q: str) -> Q:
    """What a search box string can mean: a name, pinyin or its initials, the last 4 of the
    ID number, an employee number, a full ID number or a mobile number."""
    q = q.strip()
    if not q:
        return Q()
    match = Q(name__contains=q) | Q(employee_no=q)
    if _LATIN.match(q):
        low = q.lower()
        match |= Q(name_pinyin__startswith=low) | Q(name_initials__startswith=low)
    if _ID_TAIL.match(q):
        match |= Q(id_last4=q.upper())
    if _FULL_ID.match(q):
        match |= Q(id_number_hash=blind_index(q.upper()))
    if q.isdigit() and len(q) == 11:
        match |= Q(phone_hash=blind_index(q))
    return match


def person_search(
    user: Any, *, q: str = "", org_unit: OrgUnit | None = None, status: str = ""
) -> QuerySet[Person]:
    persons = visible_persons(user).filter(search_query(q))
    if org_unit is not None:
        persons = persons.filter(org_unit__path__startswith=org_unit.path)
    if status:
        persons = persons.filter(status=status)
    return persons.select_related("org_unit").order_by("name_pinyin", "id")


def org_tree() -> list[dict[str, Any]]:
    """The whole organisation as nested dicts (a few hundred units: one query)."""
    units = list(OrgUnit.objects.order_by("sort_order", "name"))
    by_parent: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)

    def build(unit: OrgUnit) -> dict[str, Any]:
        return {
            "uuid": str(unit.uuid),
            "name": unit.name,
            "code": unit.code,
            "kind": unit.kind,
            "children": [build(child) for child in by_parent.get(unit.pk, [])],
        }

    return [build(root) for root in by_parent.get(None, [])]
