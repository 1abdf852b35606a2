"""DRF glue: every API view declares the permission it needs, or it is refused.

    class PersonDetail(APIView):
        required_permission = Perm.VIEW_PERSON                 # one for all methods
        required_permissions = {"POST": Perm.MANAGE_PERSONS}   # or per method

``PUBLIC`` marks the few views anyone may call (log-in, health check).
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from healthloop.accounts.permissions import Perm

PUBLIC = "public"


def declared_permission(view: Any, method: str) -> Perm | str | None:
    per_method = getattr(view, "required_permissions", None) or {}
    return per_method.get(method) or getattr(view, "required_permission", None)


class DeclaredPermission(BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        perm = declared_permission(view, method or "GET")
        if perm is None:
            return False  # a view that declares nothing is closed
        if perm == PUBLIC:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.has_perm_code(Perm(perm))):
            return False
        if _needs_otp(request, user) and not getattr(view, "allow_without_otp", False):
            self.message = "Two-factor verification is required: enrol an authenticator."
            return False
        return True


def _needs_otp(request: Request, user: Any) -> bool:
    """Staff on a session that has not passed TOTP while ``OTP_REQUIRED_FOR_STAFF`` is on.
    API tokens are issued only after the same check, so token requests pass."""
    from healthloop.accounts.login import otp_required_for

    if not otp_required_for(user) or request.auth is not None:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())
