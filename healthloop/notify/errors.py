from enum import StrEnum


class NotifyError(StrEnum):
    RECIPIENT_REQUIRED = "recipient_required"
    UNKNOWN_TEMPLATE = "unknown_template"
    MISSING_VARIABLE = "missing_variable"
    INVALID_CONTEXT = "invalid_context"
    UNKNOWN_CHANNEL = "unknown_channel"
    NOT_IN_TRANSACTION = "not_in_transaction"
    NOT_FAILED = "not_failed"
    INVALID_PREFERENCE = "invalid_preference"
