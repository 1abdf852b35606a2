"""Who answers for an alert: the responsible doctor, the department head, the administrators.

Responsible doctor, first match wins:
1. a doctor assigned to the person (``PersonAssignment``, the oldest assignment);
2. a doctor who owns the register of the finding's disease (``RegisterOwner``) and whose scope
   includes the person;
3. a doctor whose ``StaffScope`` covers the person's org unit — the most specific unit wins
   (a workshop's doctor before the division's), then the lowest user id (stable).
Department head: the ``dept_head`` whose scope covers the person's org unit most specifically.
Administrators: every active ``admin`` user (they see the escalation, not the person's record).

A ``Router`` loads the org scopes once and is reused for a whole drain batch.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from healthloop.accounts.permissions import Role
from healthloop.alerts.models import Alert, RegisterOwner
from healthloop.people.access import visible_persons
from healthloop.people.models import Person, PersonAssignment, StaffScope


class Router:
    def __init__(self) -> None:
        rows = StaffScope.objects.filter(
            staff__is_active=True, staff__role__in=[Role.DOCTOR, Role.DEPT_HEAD]
        ).values_list("org_unit__path", "staff_id", "staff__role")
        # longest path first: the first prefix match is the most specific unit
        self._scopes = sorted(rows, key=lambda r: (-len(r[0]), r[1]))
        self._owners: dict[str, list[int]] = {}
        for disease, staff_id in RegisterOwner.objects.filter(
            staff__is_active=True, staff__role=Role.DOCTOR
        ).values_list("disease", "staff_id"):
            self._owners.setdefault(disease, []).append(staff_id)
        self._assigned: dict[int, int] = {}
        self._preloaded: set[int] = set()
        self._users: dict[int, Any] = {}

    def preload(self, person_ids: Iterable[int]) -> None:
        """The assigned doctors of a batch of persons, in one query."""
        wanted = set(person_ids) - self._preloaded
        self._preloaded |= wanted
        if not wanted:
            return
        rows = (
            PersonAssignment.objects.filter(
                person_id__in=sorted(wanted), staff__is_active=True, staff__role=Role.DOCTOR
            )
            .order_by("created_at", "id")
            .values_list("person_id", "staff_id")
        )
        for person_id, staff_id in rows:
            self._assigned.setdefault(person_id, staff_id)

    def _by_scope(self, person: Person, role: str) -> int | None:
        path = person.org_unit.path if person.org_unit_id and person.org_unit else None
        if not path:
            return None
        for scope_path, staff_id, staff_role in self._scopes:
            if staff_role == role and path.startswith(scope_path):
                return int(staff_id)
        return None

    def user(self, staff_id: int | None) -> Any:
        if staff_id is None:
            return None
        if staff_id not in self._users:
            self._users[staff_id] = get_user_model().objects.get(pk=staff_id)
        return self._users[staff_id]

    def responsible(self, person: Person, disease: str) -> tuple[Any, str]:
        """(doctor or None, Alert.Routing value)."""
        if person.pk not in self._preloaded:
            self.preload([person.pk])
        assigned = self._assigned.get(person.pk)
        if assigned is not None:
            return self.user(assigned), Alert.Routing.ASSIGNMENT
        for owner_id in self._owners.get(disease, []) if disease else []:
            owner = self.user(owner_id)
            if visible_persons(owner).filter(pk=person.pk).exists():
                return owner, Alert.Routing.REGISTER
        by_department = self._by_scope(person, Role.DOCTOR)
        if by_department is not None:
            return self.user(by_department), Alert.Routing.DEPARTMENT
        return None, Alert.Routing.NONE

    def department_head(self, person: Person) -> Any:
        return self.user(self._by_scope(person, Role.DEPT_HEAD))


def administrators() -> list[Any]:
    return list(get_user_model().objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))
