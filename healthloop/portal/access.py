"""The portal's door: the logged-in employee's own person, and nobody else's.

Built on ``people.access.visible_persons`` (an employee sees only the person linked to their
account); every portal read or change goes through ``my_person`` and is audited there.
"""

from typing import Any

from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError
from healthloop.people.access import visible_persons
from healthloop.people.models import Person
from healthloop.portal.errors import PortalError


def my_person(user: Any, *, action: str, request: Any = None, lock: bool = False) -> Person:
    """The person linked to ``user``; 404 ``not_linked`` when the account has none."""
    persons = visible_persons(user).select_related("org_unit")
    if lock:
        persons = persons.select_for_update()
    person = persons.first() if getattr(user, "role", "") == "employee" else None
    if person is None:
        raise ServiceError(PortalError.NOT_LINKED, "账号未关联到职工档案", status=404)
    record_event(
        actor=user, action=action, person_uuid=person.uuid, object_type="person",
        object_id=str(person.uuid), request=request,
    )  # fmt: skip
    return person
