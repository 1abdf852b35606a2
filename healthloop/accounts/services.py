"""Writers of accounts: the administrators' overrides of role permissions (audited)."""

from typing import Any

from django.db import transaction

from healthloop.accounts.errors import AccountError
from healthloop.accounts.models import RolePermissionOverride
from healthloop.accounts.permissions import (
    ADMIN_LOCKED,
    ROLE_LABELS,
    Perm,
    Role,
    default_permissions,
    effective_permissions,
)
from healthloop.audit.services import record_event
from healthloop.core.errors import ServiceError


def role_permissions(role: str) -> dict[str, Any]:
    """The role's effective permissions and how they differ from the defaults."""
    defaults, effective = default_permissions(role), effective_permissions(role)
    return {
        "role": role,
        "label": ROLE_LABELS[Role(role)],
        "permissions": sorted(effective),
        "defaults": sorted(defaults),
        "added": sorted(effective - defaults),
        "removed": sorted(defaults - effective),
    }


def set_role_permissions(
    *, actor: Any, role: str, permissions: list[str], request: Any = None
) -> dict[str, Any]:
    """Make ``permissions`` the role's effective set; stores only the difference from the
    defaults, so a later change of the defaults in code still reaches untouched roles."""
    try:
        target = Role(role)
    except ValueError:
        raise ServiceError(
            AccountError.UNKNOWN_ROLE, f"unknown role {role!r}", field="role"
        ) from None
    wanted = {Perm(p) for p in permissions}
    defaults = default_permissions(target)
    if target == Role.ADMIN and not wanted >= ADMIN_LOCKED:
        missing = ", ".join(sorted(ADMIN_LOCKED - wanted))
        raise ServiceError(
            AccountError.LOCKED_PERMISSION,
            f"the administrator role keeps {missing}",
            field="permissions",
        )
    if target != Role.ADMIN and wanted & ADMIN_LOCKED:
        raise ServiceError(
            AccountError.LOCKED_PERMISSION,
            f"{', '.join(sorted(wanted & ADMIN_LOCKED))} stay with the administrator role",
            field="permissions",
        )
    if target == Role.EMPLOYEE and not wanted <= defaults:
        raise ServiceError(
            AccountError.EMPLOYEE_LIMIT,
            "employees cannot receive more than their default permissions",
            field="permissions",
        )
    with transaction.atomic():
        before = effective_permissions(target)
        RolePermissionOverride.objects.filter(role=target).delete()
        rows = [
            RolePermissionOverride(role=target, perm=p, granted=True, changed_by=actor)
            for p in sorted(wanted - defaults)
        ] + [
            RolePermissionOverride(role=target, perm=p, granted=False, changed_by=actor)
            for p in sorted(defaults - wanted)
        ]
        RolePermissionOverride.objects.bulk_create(rows)
        if wanted != before:
            record_event(
                actor=actor,
                action="accounts.role_permissions_changed",
                object_type="role",
                object_id=target.value,
                request=request,
                detail={
                    "added": sorted(wanted - before),
                    "removed": sorted(before - wanted),
                },
            )
    return role_permissions(target)
