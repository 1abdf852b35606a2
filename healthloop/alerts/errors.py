from enum import StrEnum


class AlertError(StrEnum):
    NOT_NEW = "alert_not_new"  # reviewing an alert someone already confirmed or dismissed
    REASON_REQUIRED = "dismiss_reason_required"
    TEXT_REQUIRED = "alert_text_required"
    NOT_REVIEWED = "alert_not_reviewed"  # closing an alert nobody reviewed
    ALREADY_CLOSED = "alert_already_closed"
    BULK_SEVERITY = "bulk_confirm_low_only"
    BULK_EMPTY = "bulk_confirm_empty"
    BULK_TOO_MANY = "bulk_confirm_too_many"
