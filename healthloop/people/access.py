"""THE door to person data. Every read or change of a person's data starts here.

- ``visible_persons(user)``: the queryset of persons the user may see (lists, searches).
- ``access_person(user, uuid, ...)``: one person, audited; outside the user's scope it answers
  "not found", never "forbidden", so that existence does not leak.

Scope rules (ARCHITECTURE.md, "Access to person data"):
- an employee sees only the person linked to their own account;
- clinical staff see the persons assigned to them and, when SCOPE_STAFF_BY_DEPARTMENT is on,
  everyone in the org units of their StaffScope rows (with descendants);
- administrators manage but do not browse clinical data: they see nobody here.
Merged-away persons (tombstones) are never visible.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from healthloop.accounts.permissions import STAFF_ROLES, Role
from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound
from healthloop.people.models import OrgUnit, Person


def scoped_org_paths(user: Any) -> list[str]:
    return list(OrgUnit.objects.filter(staff_scopes__staff=user).values_list("path", flat=True))


def visible_persons(user: Any) -> QuerySet[Person]:
    live = Person.objects.filter(merged_into__isnull=True)
    if user is None or not user.is_authenticated or not user.is_active:
        return live.none()
    if user.role == Role.EMPLOYEE:
        return live.filter(user=user)
    if user.role not in STAFF_ROLES:
        return live.none()
    scope = Q(assignments__staff=user)
    if settings.SCOPE_STAFF_BY_DEPARTMENT:
        for path in scoped_org_paths(user):
            scope |= Q(org_unit__path__startswith=path)
    # The OR over a join can repeat rows; filter by id instead of .distinct() so the queryset
    # stays cheap to order and paginate.
    return live.filter(pk__in=Person.objects.filter(scope).values("pk"))


def access_person(
    user: Any,
    person_uuid: uuid.UUID | str,
    *,
    action: str = "person.viewed",
    purpose: str = "",
    request: Any = None,
    lock: bool = False,
) -> Person:
    """The person with this public id if the user may see it; audited. NotFound otherwise."""
    try:
        key = uuid.UUID(str(person_uuid))
    except ValueError:
        raise NotFound("person") from None
    queryset = visible_persons(user).select_related("org_unit")
    if lock:
        queryset = queryset.select_for_update()
    person = queryset.filter(uuid=key).first()
    if person is None:
        raise NotFound("person")
    record_event(
        actor=user,
        action=action,
        person_uuid=person.uuid,
        object_type="person",
        object_id=str(person.uuid),
        purpose=purpose,
        request=request,
    )
    return person
