"""Users. A user has one role; what the role may do is in ``permissions.ROLE_PERMISSIONS``."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from healthloop.accounts.permissions import ROLE_LABELS, STAFF_ROLES, Perm, Role, role_has


class User(AbstractUser):
    role = models.CharField(
        max_length=20,
        choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
        default=Role.EMPLOYEE,
        verbose_name="角色",
    )
    display_name = models.CharField(max_length=50, blank=True, verbose_name="显示名")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def has_perm_code(self, perm: Perm) -> bool:
        return self.is_active and role_has(self.role, perm)

    @property
    def is_clinical_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __str__(self) -> str:
        return self.display_name or self.username
