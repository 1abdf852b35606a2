"""THE door to person data. Every read or change of a person's data starts here.

- ``visible_persons(user)``: the queryset of persons the user may see (lists, searches).
- ``access_person(user, uuid, ...)``: one person, audited; outside the user's scope it answers
  "not found", never "forbidden", so that existence does not leak.

Scope rules (ARCHITECTURE.md, "Access to person data"):
- an employee sees only the person linked to their own account;
- clinical staff see the persons assigned to them and, when SCOPE_STAFF_BY_DEPARTMENT is on,
  everyone in the org units of their StaffScope rows (with descendants);
- beyond that, clinical staff see what an active ``AccessGrant`` gives them (a person or an org
  unit with its descendants, until the grant expires or is revoked) and the persons of their
  active break-the-glass accesses (``BreakGlassAccess``, a short window); ``access_person``
  records such a read with purpose "grant" or "break-glass" (``people/grants.py``);
- administrators manage but do not browse clinical data: they see nobody here.
Merged-away persons (tombstones) are never visible.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from healthloop.accounts.permissions import STAFF_ROLES, Role
from healthloop.audit.services import record_event
from healthloop.core.errors import NotFound
from healthloop.people.models import AccessGrant, BreakGlassAccess, OrgUnit, Person

PURPOSE_GRANT = "grant"
PURPOSE_BREAK_GLASS = "break-glass"


def scoped_org_paths(user: Any) -> list[str]:
    return list(OrgUnit.objects.filter(staff_scopes__staff=user).values_list("path", flat=True))


def active_grants(user: Any, now: Any = None) -> QuerySet[AccessGrant]:
    now = now or timezone.now()
    return AccessGrant.objects.filter(
        grantee=user, revoked_at__isnull=True, valid_from__lte=now, valid_until__gt=now
    )


def active_break_glass(user: Any, now: Any = None) -> QuerySet[BreakGlassAccess]:
    now = now or timezone.now()
    return BreakGlassAccess.objects.filter(user=user, started_at__lte=now, expires_at__gt=now)


def _is_staff(user: Any) -> bool:
    return (
        user is not None and user.is_authenticated and user.is_active and user.role in STAFF_ROLES
    )


def _own_scope(user: Any) -> Q:
    scope = Q(assignments__staff=user)
    if settings.SCOPE_STAFF_BY_DEPARTMENT:
        for path in scoped_org_paths(user):
            scope |= Q(org_unit__path__startswith=path)
    return scope


def _grant_scope(user: Any, now: Any) -> Q | None:
    grants = list(active_grants(user, now).values_list("person_id", "org_unit__path"))
    scope = None
    persons = [person_id for person_id, _ in grants if person_id]
    if persons:
        scope = Q(pk__in=persons)
    for _, path in grants:
        if path:
            scope = (
                Q(org_unit__path__startswith=path)
                if scope is None
                else scope | Q(org_unit__path__startswith=path)
            )
    return scope


def _glass_scope(user: Any, now: Any) -> Q:
    return Q(pk__in=active_break_glass(user, now).values("person_id"))


def _within(scope: Q) -> QuerySet[Person]:
    # The OR over a join can repeat rows; filter by id instead of .distinct() so the queryset
    # stays cheap to order and paginate.
    return Person.objects.filter(
        merged_into__isnull=True, pk__in=Person.objects.filter(scope).values("pk")
    )


def visible_persons(user: Any) -> QuerySet[Person]:
    live = Person.objects.filter(merged_into__isnull=True)
    if user is None or not user.is_authenticated or not user.is_active:
        return live.none()
    if user.role == Role.EMPLOYEE:
        return live.filter(user=user)
    if user.role not in STAFF_ROLES:
        return live.none()
    now = timezone.now()
    scope = _own_scope(user) | _glass_scope(user, now)
    granted = _grant_scope(user, now)
    if granted is not None:
        scope |= granted
    return _within(scope)


def _beyond_scope(user: Any, key: uuid.UUID) -> tuple[Person | None, str, dict[str, Any]]:
    """A person the user reaches only through a grant or break-the-glass, and on what basis."""
    now = timezone.now()
    granted = _grant_scope(user, now)
    if granted is not None:
        person = _within(granted).filter(uuid=key).select_related("org_unit").first()
        if person is not None:
            grant = (
                active_grants(user, now)
                .filter(Q(person=person) | Q(org_unit__isnull=False))
                .order_by("-valid_until")
                .select_related("org_unit")
            )
            basis = next(
                (
                    g
                    for g in grant
                    if g.person_id == person.pk
                    or (person.org_unit and person.org_unit.path.startswith(g.org_unit.path))
                ),
                None,
            )
            detail = {"grant": str(basis.uuid), "reason": basis.reason} if basis else {}
            return person, PURPOSE_GRANT, detail
    glass = active_break_glass(user, now).filter(person__uuid=key, person__merged_into__isnull=True)
    emergency = glass.select_related("person", "person__org_unit").order_by("-expires_at").first()
    if emergency is not None:
        detail = {"break_glass": str(emergency.uuid), "reason": emergency.reason, "flagged": True}
        return emergency.person, PURPOSE_BREAK_GLASS, detail
    return None, "", {}


def access_person(
    user: Any,
    person_uuid: uuid.UUID | str,
    *,
    action: str = "person.viewed",
    purpose: str = "",
    request: Any = None,
    lock: bool = False,
    fields: Iterable[str] = (),
) -> Person:
    """The person with this public id if the user may see it; audited. NotFound otherwise.

    Access through a grant or break-the-glass is recorded with purpose "grant" or
    "break-glass" (the caller's purpose and the grant or emergency are in the event's detail).
    """
    try:
        key = uuid.UUID(str(person_uuid))
    except ValueError:
        raise NotFound("person") from None
    detail: dict[str, Any] = {}
    queryset = _within(_own_scope(user)) if _is_staff(user) else visible_persons(user)
    # A locked read takes no join: PostgreSQL refuses FOR UPDATE on the nullable side of an
    # outer join (org_unit is nullable).
    queryset = queryset.select_for_update() if lock else queryset.select_related("org_unit")
    person = queryset.filter(uuid=key).first()
    if person is None and _is_staff(user):
        found, basis, detail = _beyond_scope(user, key)
        if found is not None:
            if lock:
                found = Person.objects.select_for_update().get(pk=found.pk)
            person = found
            if purpose:
                detail["requested_purpose"] = purpose
            purpose = basis
    if person is None:
        raise NotFound("person")
    record_event(
        actor=user,
        action=action,
        person_uuid=person.uuid,
        object_type="person",
        object_id=str(person.uuid),
        fields=fields,
        purpose=purpose,
        request=request,
        detail=detail or None,
    )
    return person
