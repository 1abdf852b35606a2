from enum import StrEnum


class FollowUpError(StrEnum):
    UNKNOWN_DISEASE = "unknown_disease"
    UNKNOWN_LEVEL = "unknown_level"
    NO_TEMPLATE = "no_template"
    PLAN_EXISTS = "plan_exists"
    PLAN_ENDED = "plan_ended"
    TASK_CLOSED = "task_closed"
    INVALID_OUTCOME = "invalid_outcome"
    REASON_REQUIRED = "reason_required"
    INVALID_SNOOZE = "invalid_snooze"
    INVALID_DATE = "invalid_date"
    INVALID_ASSIGNEE = "invalid_assignee"
    INVALID_TEMPLATE = "invalid_template"
    INVALID_FILTER = "invalid_filter"
