from enum import StrEnum


class RecordError(StrEnum):
    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_UNIT = "unknown_unit"
    IMPOSSIBLE_VALUE = "impossible_value"
    INVALID_VALUE = "invalid_value"
    UNKNOWN_PERSON = "unknown_person"
