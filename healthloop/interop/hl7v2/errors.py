"""The one exception of the HL7 v2 layer and the error codes it carries (HL7 table 0357)."""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """HL7 table 0357 "Message error condition codes" (the subset this layer raises)."""

    SEGMENT_SEQUENCE_ERROR = 100
    REQUIRED_FIELD_MISSING = 101
    DATA_TYPE_ERROR = 102
    TABLE_VALUE_NOT_FOUND = 103
    UNSUPPORTED_MESSAGE_TYPE = 200
    UNSUPPORTED_EVENT_CODE = 201
    UNSUPPORTED_PROCESSING_ID = 202
    UNSUPPORTED_VERSION_ID = 203
    UNKNOWN_KEY_IDENTIFIER = 204
    DUPLICATE_KEY_IDENTIFIER = 205
    APPLICATION_RECORD_LOCKED = 206
    APPLICATION_INTERNAL_ERROR = 207

    @property
    def label(self) -> str:
        """The table 0357 display text, e.g. "Segment sequence error"."""
        return _LABELS[self]


_LABELS = {
    ErrorCode.SEGMENT_SEQUENCE_ERROR: "Segment sequence error",
    ErrorCode.REQUIRED_FIELD_MISSING: "Required field missing",
    ErrorCode.DATA_TYPE_ERROR: "Data type error",
    ErrorCode.TABLE_VALUE_NOT_FOUND: "Table value not found",
    ErrorCode.UNSUPPORTED_MESSAGE_TYPE: "Unsupported message type",
    ErrorCode.UNSUPPORTED_EVENT_CODE: "Unsupported event code",
    ErrorCode.UNSUPPORTED_PROCESSING_ID: "Unsupported processing id",
    ErrorCode.UNSUPPORTED_VERSION_ID: "Unsupported version id",
    ErrorCode.UNKNOWN_KEY_IDENTIFIER: "Unknown key identifier",
    ErrorCode.DUPLICATE_KEY_IDENTIFIER: "Duplicate key identifier",
    ErrorCode.APPLICATION_RECORD_LOCKED: "Application record locked",
    ErrorCode.APPLICATION_INTERNAL_ERROR: "Application internal error",
}

# Rejections of the message as a whole (MSH content, or nothing to do with the content at all):
# original-mode "AR". Everything else is an error in the content: "AE".
_REJECT_CODES = frozenset(
    {
        ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
        ErrorCode.UNSUPPORTED_EVENT_CODE,
        ErrorCode.UNSUPPORTED_PROCESSING_ID,
        ErrorCode.UNSUPPORTED_VERSION_ID,
        ErrorCode.APPLICATION_RECORD_LOCKED,
        ErrorCode.APPLICATION_INTERNAL_ERROR,
    }
)


class HL7ParseError(Exception):
    """A message that cannot be accepted, with the table 0357 code to put in the ACK.

    ``segment`` is the segment ID (e.g. "PID") and ``field`` the field number, when known;
    ``sequence`` is the 1-based occurrence of that segment in the message.
    """

    def __init__(
        self,
        code: ErrorCode | int,
        message: str,
        segment: str | None = None,
        field: int | None = None,
        *,
        sequence: int = 1,
    ) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.segment = segment
        self.field = field
        self.sequence = sequence

    @property
    def ack_code(self) -> str:
        """Original-mode acknowledgment code for this error: "AR" (reject) or "AE" (error)."""
        return "AR" if self.code in _REJECT_CODES else "AE"

    @property
    def location(self) -> str:
        """Human-readable location such as "PID-7", or "" when unknown."""
        if not self.segment:
            return ""
        return f"{self.segment}-{self.field}" if self.field is not None else self.segment

    def __str__(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return f"{int(self.code)} {self.code.label}{where}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"HL7ParseError({int(self.code)}, {self.message!r}, "
            f"segment={self.segment!r}, field={self.field!r})"
        )
