"""Users. A user has one role; what the role may do is in ``permissions.ROLE_PERMISSIONS``."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from healthloop.accounts.permissions import (
    ROLE_LABELS,
    STAFF_ROLES,
    Perm,
    Role,
    effective_permissions,
)


class User(AbstractUser):
    role = models.CharField(
        max_length=20,
        choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
        default=Role.EMPLOYEE,
        verbose_name="角色",
    )
    display_name = models.CharField(max_length=50, blank=True, verbose_name="显示名")
    # Shown to persons in "who accessed my record" (with the role), instead of staff names.
    department = models.CharField(max_length=100, blank=True, verbose_name="科室")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def has_perm_code(self, perm: Perm) -> bool:
        return self.is_active and perm in self.permission_codes()

    def permission_codes(self) -> frozenset[Perm]:
        """The role's effective permissions, read once per user object (once per request)."""
        cached = getattr(self, "_permission_codes", None)
        if cached is None or cached[0] != self.role:
            cached = (self.role, effective_permissions(self.role))
            self._permission_codes = cached
        return cached[1]

    @property
    def is_clinical_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __str__(self) -> str:
        return self.display_name or self.username


class RolePermissionOverride(models.Model):
    """An administrator's change to a role's default permissions: granted (added) or not
    (removed). Written only by ``accounts.services.set_role_permissions`` (audited)."""

    role = models.CharField(
        max_length=20, choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    # No choices: adding a permission to ``Perm`` must not need a migration (checked in the
    # service; unknown values are ignored by ``effective_permissions``).
    perm = models.CharField(max_length=60)
    granted = models.BooleanField()
    changed_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "角色权限调整"
        verbose_name_plural = "角色权限调整"
        constraints = [
            models.UniqueConstraint(fields=["role", "perm"], name="uniq_role_permission_override")
        ]

    def __str__(self) -> str:
        return f"{self.role} {'+' if self.granted else '-'}{self.perm}"


class LoginThrottle(models.Model):
    """Failed log-ins per account ("user:<name>") and per client address ("ip:<addr>"); a key
    with too many failures in the window is locked until ``locked_until`` or an unlock."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"

    def __str__(self) -> str:
        return self.key
