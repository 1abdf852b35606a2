from enum import StrEnum


class AssessmentError(StrEnum):
    UNKNOWN_INSTRUMENT = "unknown_instrument"
    BAD_YEARS = "bad_years"
    INVALID_ANSWERS = "invalid_answers"
    INVALID_RULE = "invalid_rule"
    RULE_NOT_FOUND = "rule_not_found"
    NOT_A_DRAFT = "not_a_draft"
    DRY_RUN_REQUIRED = "dry_run_required"
    PROTECTED_RULE = "protected_rule"
    UNKNOWN_DISEASE = "unknown_disease"
    INVALID_FILTER = "invalid_filter"
