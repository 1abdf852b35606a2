from enum import StrEnum


class AccountError(StrEnum):
    UNKNOWN_ROLE = "unknown_role"
    LOCKED_PERMISSION = "locked_permission"
    EMPLOYEE_LIMIT = "employee_limit"
