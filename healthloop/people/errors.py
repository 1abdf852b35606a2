from enum import StrEnum


class PersonError(StrEnum):
    INVALID_IDENTITY = "invalid_identity"
    DUPLICATE_EMPLOYEE_NO = "duplicate_employee_no"
    MERGE_SAME_PERSON = "merge_same_person"
    MERGE_TOMBSTONE = "merge_tombstone"
    INCOMPLETE_IDENTITY = "incomplete_identity"
    GRANT_NO_TARGET = "grant_no_target"
    GRANT_BAD_GRANTEE = "grant_bad_grantee"
    GRANT_BAD_PERIOD = "grant_bad_period"
    GRANT_OUT_OF_SCOPE = "grant_out_of_scope"
    GRANT_ALREADY_REVOKED = "grant_already_revoked"
    REASON_REQUIRED = "reason_required"
    BREAK_GLASS_NOT_NEEDED = "break_glass_not_needed"
    ALREADY_REVIEWED = "already_reviewed"
    BAD_REVIEW = "bad_review"
    BAD_ORG_UNIT = "bad_org_unit"
