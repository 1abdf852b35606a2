"""The one error shape of HealthLoop services and APIs.

Services raise ``ServiceError`` with a code from their app's ``errors.py`` StrEnum; the API
exception handler turns it into ``{"error": message, "code": code, "field": field}`` with the
HTTP status the service chose (400 by default, 404 for "not found or not yours").
"""

from enum import StrEnum


class ServiceError(Exception):
    def __init__(
        self, code: StrEnum | str, message: str, *, field: str | None = None, status: int = 400
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field
        self.status = status

    def to_dict(self) -> dict[str, str | None]:
        return {"error": self.message, "code": self.code, "field": self.field}


class NotFound(ServiceError):
    """Not found, or outside the caller's scope: the two are never told apart."""

    def __init__(self, what: str = "object") -> None:
        super().__init__("not_found", f"{what} not found", status=404)
