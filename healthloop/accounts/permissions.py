"""Permissions as data: one enum of ``app.verb_noun`` strings and one role → permissions table.

A view declares the permission it needs (see ``accounts.drf.DeclaredPermission``); a view that
declares none is refused, and the authorisation-matrix test fails for it. Object scope (which
persons) is decided separately, by ``people.access``.
"""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # super administrator: users, settings, rules; no clinical browsing
    DEPT_HEAD = "dept_head"
    DOCTOR = "doctor"
    HEALTH_MANAGER = "health_manager"
    NURSE = "nurse"
    OUTREACH = "outreach"  # follow-up / outreach operator
    RECEPTION = "reception"
    EMPLOYEE = "employee"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "系统管理员",
    Role.DEPT_HEAD: "科室主任",
    Role.DOCTOR: "医生",
    Role.HEALTH_MANAGER: "健康管理师",
    Role.NURSE: "护士",
    Role.OUTREACH: "随访专员",
    Role.RECEPTION: "前台",
    Role.EMPLOYEE: "职工",
}

STAFF_ROLES = frozenset(
    {Role.DEPT_HEAD, Role.DOCTOR, Role.HEALTH_MANAGER, Role.NURSE, Role.OUTREACH, Role.RECEPTION}
)


class Perm(StrEnum):
    VIEW_PERSON = "people.view_person"
    SEARCH_PERSONS = "people.search_persons"
    MANAGE_PERSONS = "people.manage_persons"
    MERGE_PERSONS = "people.merge_persons"
    VIEW_ORG_TREE = "people.view_org_tree"
    VIEW_RECORD = "records.view_record"
    VIEW_CATALOG = "records.view_catalog"
    IMPORT_RESULTS = "interop.import_results"
    MANAGE_INTERFACES = "interop.manage_interfaces"
    RUN_CALCULATOR = "assessment.run_calculator"
    MANAGE_USERS = "accounts.manage_users"
    VIEW_SELF = "accounts.view_self"


_CLINICAL_READ = {
    Perm.VIEW_PERSON,
    Perm.SEARCH_PERSONS,
    Perm.VIEW_ORG_TREE,
    Perm.VIEW_RECORD,
    Perm.VIEW_CATALOG,
    Perm.RUN_CALCULATOR,
    Perm.VIEW_SELF,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(
        {
            Perm.MANAGE_USERS,
            Perm.VIEW_ORG_TREE,
            Perm.VIEW_CATALOG,
            Perm.MANAGE_PERSONS,
            Perm.MERGE_PERSONS,
            Perm.IMPORT_RESULTS,
            Perm.MANAGE_INTERFACES,
            Perm.RUN_CALCULATOR,
            Perm.VIEW_SELF,
        }
    ),
    Role.DEPT_HEAD: frozenset(_CLINICAL_READ | {Perm.MERGE_PERSONS, Perm.IMPORT_RESULTS}),
    Role.DOCTOR: frozenset(_CLINICAL_READ | {Perm.IMPORT_RESULTS}),
    Role.HEALTH_MANAGER: frozenset(_CLINICAL_READ | {Perm.IMPORT_RESULTS, Perm.MANAGE_PERSONS}),
    Role.NURSE: frozenset(_CLINICAL_READ),
    Role.OUTREACH: frozenset({Perm.VIEW_PERSON, Perm.SEARCH_PERSONS, Perm.VIEW_SELF}),
    Role.RECEPTION: frozenset(
        {Perm.VIEW_PERSON, Perm.SEARCH_PERSONS, Perm.MANAGE_PERSONS, Perm.VIEW_SELF}
    ),
    # An employee reads only their own record: the scope function returns just that person.
    Role.EMPLOYEE: frozenset(
        {Perm.VIEW_PERSON, Perm.VIEW_RECORD, Perm.VIEW_CATALOG, Perm.RUN_CALCULATOR, Perm.VIEW_SELF}
    ),
}


def role_has(role: str, perm: Perm) -> bool:
    try:
        return perm in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
