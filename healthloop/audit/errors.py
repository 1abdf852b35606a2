from enum import StrEnum


class AuditError(StrEnum):
    BAD_STATUS = "audit_bad_status"
    NOTE_REQUIRED = "audit_note_required"
    ALREADY_REVIEWED = "audit_already_reviewed"
    BAD_FILTER = "audit_bad_filter"
    EXPORT_TOO_LARGE = "audit_export_too_large"
