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
    # Audit and security (healthloop/audit, docs/security.md): administrators only by default.
    VIEW_AUDIT = "audit.view_audit"
    REVIEW_ANOMALIES = "audit.review_anomalies"
    VIEW_ALERTS = "alerts.view_alerts"
    REVIEW_ALERTS = "alerts.review_alerts"  # confirm, edit, dismiss, close, bulk confirm
    VIEW_ALERT_STATS = "alerts.view_alert_stats"
    # Follow-up (healthloop/followup).
    FOLLOWUP_VIEW = "followup.view_tasks"
    FOLLOWUP_RECORD = "followup.record_result"  # also: may be assigned follow-up tasks
    FOLLOWUP_ASSIGN = "followup.assign_tasks"
    FOLLOWUP_MANAGE_PLANS = "followup.manage_plans"
    FOLLOWUP_VIEW_STATS = "followup.view_stats"
    FOLLOWUP_MANAGE_TEMPLATES = "followup.manage_templates"
    # The employee portal: a person's own data only (healthloop/portal).
    VIEW_OWN_HEALTH = "portal.view_own_health"
    ANSWER_QUESTIONNAIRE = "portal.answer_questionnaire"
    # notify (healthloop/notify): inbox, delivery supervision, resend, how persons are reached.
    VIEW_INBOX = "notify.view_inbox"
    VIEW_DELIVERIES = "notify.view_deliveries"
    RESEND_NOTIFICATIONS = "notify.resend_notifications"
    MANAGE_NOTIFY_PREFERENCES = "notify.manage_preferences"
    # Access beyond one's scope (healthloop/people/grants.py, docs/security.md).
    GRANT_ACCESS = "people.grant_access"  # time-limited grants to a person or an org unit
    BREAK_GLASS = "people.break_glass"  # declare an emergency access to one person
    REVIEW_BREAK_GLASS = "people.review_break_glass"
    # See a full resident ID number / phone of one person, with a stated purpose (audited).
    UNMASK_IDENTIFIERS = "people.unmask_identifiers"
    # Editing what each role may do (a database override of ROLE_PERMISSIONS).
    MANAGE_ROLES = "accounts.manage_roles"


_CLINICAL_READ = {
    Perm.VIEW_PERSON,
    Perm.SEARCH_PERSONS,
    Perm.VIEW_ORG_TREE,
    Perm.VIEW_RECORD,
    Perm.VIEW_CATALOG,
    Perm.RUN_CALCULATOR,
    Perm.VIEW_SELF,
}

_ALERT_REVIEW = {Perm.VIEW_ALERTS, Perm.REVIEW_ALERTS, Perm.VIEW_ALERT_STATS}
# Follow-up (docs/followup.md): operators and nurses view and record; doctors, health managers
# and department heads also manage plans, reassign and read statistics; health managers, heads
# and administrators edit templates.
_FOLLOWUP_WORK = {Perm.FOLLOWUP_VIEW, Perm.FOLLOWUP_RECORD}
_FOLLOWUP_LEAD = _FOLLOWUP_WORK | {
    Perm.FOLLOWUP_ASSIGN,
    Perm.FOLLOWUP_MANAGE_PLANS,
    Perm.FOLLOWUP_VIEW_STATS,
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
            Perm.VIEW_ALERT_STATS,
            Perm.FOLLOWUP_MANAGE_TEMPLATES,
        }
    ),
    Role.DEPT_HEAD: frozenset(
        _CLINICAL_READ
        | _ALERT_REVIEW
        | _FOLLOWUP_LEAD
        | {Perm.MERGE_PERSONS, Perm.IMPORT_RESULTS, Perm.FOLLOWUP_MANAGE_TEMPLATES}
    ),
    Role.DOCTOR: frozenset(_CLINICAL_READ | _ALERT_REVIEW | _FOLLOWUP_LEAD | {Perm.IMPORT_RESULTS}),
    Role.HEALTH_MANAGER: frozenset(
        _CLINICAL_READ
        | _FOLLOWUP_LEAD
        | {
            Perm.VIEW_ALERTS,
            Perm.VIEW_ALERT_STATS,
            Perm.IMPORT_RESULTS,
            Perm.MANAGE_PERSONS,
            Perm.FOLLOWUP_MANAGE_TEMPLATES,
        }
    ),
    Role.NURSE: frozenset(_CLINICAL_READ | _FOLLOWUP_WORK | {Perm.VIEW_ALERTS}),
    Role.OUTREACH: frozenset(
        {Perm.VIEW_PERSON, Perm.SEARCH_PERSONS, Perm.VIEW_SELF} | _FOLLOWUP_WORK
    ),
    Role.RECEPTION: frozenset(
        {Perm.VIEW_PERSON, Perm.SEARCH_PERSONS, Perm.MANAGE_PERSONS, Perm.VIEW_SELF}
    ),
    # An employee reads only their own record: the scope function returns just that person.
    Role.EMPLOYEE: frozenset(
        {
            Perm.VIEW_PERSON,
            Perm.VIEW_RECORD,
            Perm.VIEW_CATALOG,
            Perm.RUN_CALCULATOR,
            Perm.VIEW_SELF,
            Perm.VIEW_OWN_HEALTH,
            Perm.ANSWER_QUESTIONNAIRE,
        }
    ),
}

# Audit: administrators only by default.
_AUDIT_GRANTS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset({Perm.VIEW_AUDIT, Perm.REVIEW_ANOMALIES}),
}
ROLE_PERMISSIONS = {
    role: perms | _AUDIT_GRANTS.get(role, frozenset()) for role, perms in ROLE_PERMISSIONS.items()
}


# notify: every staff member (and the administrator, who receives escalations) has an inbox;
# supervisors see delivery statistics and resend failures; staff who keep person details set
# how a person is reached.
_NOTIFY_SUPERVISE = {Perm.VIEW_DELIVERIES, Perm.RESEND_NOTIFICATIONS}
_NOTIFY_GRANTS: dict[Role, set[Perm]] = {
    Role.ADMIN: {Perm.VIEW_INBOX, *_NOTIFY_SUPERVISE},
    Role.DEPT_HEAD: {Perm.VIEW_INBOX, Perm.MANAGE_NOTIFY_PREFERENCES, *_NOTIFY_SUPERVISE},
    Role.DOCTOR: {Perm.VIEW_INBOX, Perm.MANAGE_NOTIFY_PREFERENCES},
    Role.HEALTH_MANAGER: {Perm.VIEW_INBOX, Perm.MANAGE_NOTIFY_PREFERENCES, *_NOTIFY_SUPERVISE},
    Role.NURSE: {Perm.VIEW_INBOX, Perm.MANAGE_NOTIFY_PREFERENCES},
    Role.OUTREACH: {Perm.VIEW_INBOX},
    Role.RECEPTION: {Perm.VIEW_INBOX, Perm.MANAGE_NOTIFY_PREFERENCES},
}
ROLE_PERMISSIONS.update(
    {role: ROLE_PERMISSIONS[role] | grants for role, grants in _NOTIFY_GRANTS.items()}
)


# Audit (docs/security.md): administrators search and export the trail and review anomalies;
# nobody else does by default (least privilege).
_AUDIT_GRANTS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset({Perm.VIEW_AUDIT, Perm.REVIEW_ANOMALIES}),
}
ROLE_PERMISSIONS = {
    role: perms | _AUDIT_GRANTS.get(role, frozenset()) for role, perms in ROLE_PERMISSIONS.items()
}


# Access beyond scope: administrators and department heads grant; clinical staff who treat
# may break the glass; administrators review every break-the-glass access. Unmasking a full
# identifier (always with a purpose, audited) is for the roles that verify identities.
_BEYOND_SCOPE: dict[Role, set[Perm]] = {
    Role.ADMIN: {Perm.GRANT_ACCESS, Perm.REVIEW_BREAK_GLASS, Perm.MANAGE_ROLES},
    Role.DEPT_HEAD: {Perm.GRANT_ACCESS, Perm.BREAK_GLASS, Perm.UNMASK_IDENTIFIERS},
    Role.DOCTOR: {Perm.BREAK_GLASS, Perm.UNMASK_IDENTIFIERS},
    Role.HEALTH_MANAGER: {Perm.BREAK_GLASS, Perm.UNMASK_IDENTIFIERS},
    Role.NURSE: {Perm.BREAK_GLASS},
    # Reception registers and checks identities at the desk.
    Role.RECEPTION: {Perm.UNMASK_IDENTIFIERS},
}
ROLE_PERMISSIONS.update(
    {role: ROLE_PERMISSIONS[role] | grants for role, grants in _BEYOND_SCOPE.items()}
)


# The defaults above are least privilege; administrators override them per role in the
# database (``accounts.models.RolePermissionOverride``, ``accounts.services``). These
# permissions never leave the administrator role (nobody could manage roles or read the audit
# trail otherwise), and an employee never receives more than the employee defaults.
ADMIN_LOCKED = frozenset({Perm.MANAGE_ROLES, Perm.VIEW_AUDIT})


def default_permissions(role: str) -> frozenset[Perm]:
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def effective_permissions(role: str) -> frozenset[Perm]:
    """The role's defaults with the administrators' overrides applied (one query)."""
    from healthloop.accounts.models import RolePermissionOverride

    perms = set(default_permissions(role))
    if not perms and role not in {r.value for r in Role}:
        return frozenset()
    known = {p.value for p in Perm}
    for perm, granted in RolePermissionOverride.objects.filter(role=role).values_list(
        "perm", "granted"
    ):
        if perm not in known:
            continue  # a permission removed from the code since
        if granted:
            perms.add(Perm(perm))
        else:
            perms.discard(Perm(perm))
    return frozenset(perms)


def role_has(role: str, perm: Perm) -> bool:
    return perm in effective_permissions(role)
