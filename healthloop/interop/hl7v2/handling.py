"""Glue for the receiving side: which events we accept, and a ready-made MLLP handler.

``make_handler(process)`` turns a database function ``process(message, raw, peer)`` into the
``handler(raw, peer) -> ack bytes`` the server runs: parse, check the event is supported, call
``process`` once per message, answer AA. An HL7ParseError (from parsing or raised by ``process``)
becomes an AE/AR with its code; any other exception propagates, and the server answers AR 207.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .ack import ack_for_bytes, build_ack
from .errors import ErrorCode, HL7ParseError
from .model import ParsedMessage
from .parse import parse_messages

Handler = Callable[[bytes, str], bytes]
Process = Callable[[ParsedMessage, bytes, str], None]

DEFAULT_SUPPORTED: Mapping[str, frozenset[str]] = {
    "ADT": frozenset(
        {"A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A11", "A13", "A28", "A31", "A40"}
    ),
    "ORU": frozenset({"R01"}),
}
DEFAULT_PROCESSING_IDS = frozenset({"P", "T", "D"})


def check_supported(
    message: ParsedMessage,
    supported: Mapping[str, frozenset[str]] = DEFAULT_SUPPORTED,
    processing_ids: frozenset[str] = DEFAULT_PROCESSING_IDS,
) -> None:
    """Raise HL7ParseError 200/201/202 unless the message's type, event and MSH-11 are accepted."""
    header = message.header
    if header.message_type not in supported:
        raise HL7ParseError(
            ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
            f"message type {header.message_type!r} is not accepted",
            "MSH",
            9,
        )
    if header.trigger not in supported[header.message_type]:
        raise HL7ParseError(
            ErrorCode.UNSUPPORTED_EVENT_CODE,
            f"event {header.message_type}^{header.trigger} is not accepted",
            "MSH",
            9,
        )
    if header.processing_id not in processing_ids:
        raise HL7ParseError(
            ErrorCode.UNSUPPORTED_PROCESSING_ID,
            f"processing id {header.processing_id!r} is not accepted",
            "MSH",
            11,
        )


def make_handler(
    process: Process,
    *,
    supported: Mapping[str, frozenset[str]] = DEFAULT_SUPPORTED,
    processing_ids: frozenset[str] = DEFAULT_PROCESSING_IDS,
) -> Handler:
    """Build the server's handler around ``process`` (which must commit before returning).

    A frame holding a batch is processed message by message and answered with one ACK for the
    first message: AA only if every message was processed. ``process`` should therefore be
    idempotent on (sending facility, control id), as senders re-send what was not acknowledged.
    """

    def handler(raw: bytes, peer: str) -> bytes:
        try:
            messages = parse_messages(raw)
            for message in messages:
                check_supported(message, supported, processing_ids)
            for message in messages:
                process(message, raw, peer)
        except HL7ParseError as error:
            return ack_for_bytes(raw, error)
        first = messages[0]
        return build_ack(first.header, code="AA", codec=first.charset.codec or "utf-8")

    return handler
