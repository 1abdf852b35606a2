from enum import StrEnum


class PersonError(StrEnum):
    INVALID_IDENTITY = "invalid_identity"
    DUPLICATE_EMPLOYEE_NO = "duplicate_employee_no"
    MERGE_SAME_PERSON = "merge_same_person"
    MERGE_TOMBSTONE = "merge_tombstone"
    INCOMPLETE_IDENTITY = "incomplete_identity"
