from enum import StrEnum


class PortalError(StrEnum):
    INVALID_IDENTITY = "invalid_identity"
    CODE_TOO_SOON = "code_too_soon"
    CODE_RATE_LIMITED = "code_rate_limited"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    CODE_LOCKED = "code_locked"
    ALREADY_BOUND = "already_bound"
    NOT_LINKED = "not_linked"
    UNKNOWN_QUESTIONNAIRE = "unknown_questionnaire"
    ANSWER_REQUIRED = "answer_required"
    INVALID_ANSWER = "invalid_answer"
    INVALID_QUESTION = "invalid_question"
    NO_DOCTOR = "no_doctor"
