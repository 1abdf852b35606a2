"""HL7 v2 over MLLP: framing, charsets, parsing, ACKs, an asyncio listener and a sender.

Framework-free (no Django): the database side supplies a ``process(message, raw, peer)``
callable and wires it with ``make_handler`` into ``serve``. See README.md in this folder.
"""

from .ack import AckResult, ack_for_bytes, build_ack, parse_ack, sniff_header
from .charset import DecodedText, decode_message, encode_text
from .client import SendResult, send_messages, send_messages_async, split_messages
from .errors import ErrorCode, HL7ParseError
from .framing import FrameTooLarge, MLLPDecoder, encode_frame
from .handling import DEFAULT_SUPPORTED, check_supported, make_handler
from .model import (
    Address,
    CharsetReport,
    CodedValue,
    Identifier,
    MergeInfo,
    MessageHeader,
    ObservationResult,
    Order,
    ParsedMessage,
    PatientIdentity,
    PersonName,
    Provider,
    ReferenceRange,
    StructuredNumeric,
    Visit,
)
from .parse import parse_message, parse_messages
from .server import MLLPServer, serve

__all__ = [
    "DEFAULT_SUPPORTED",
    "AckResult",
    "Address",
    "CharsetReport",
    "CodedValue",
    "DecodedText",
    "ErrorCode",
    "FrameTooLarge",
    "HL7ParseError",
    "Identifier",
    "MLLPDecoder",
    "MLLPServer",
    "MergeInfo",
    "MessageHeader",
    "ObservationResult",
    "Order",
    "ParsedMessage",
    "PatientIdentity",
    "PersonName",
    "Provider",
    "ReferenceRange",
    "SendResult",
    "StructuredNumeric",
    "Visit",
    "ack_for_bytes",
    "build_ack",
    "check_supported",
    "decode_message",
    "encode_frame",
    "encode_text",
    "make_handler",
    "parse_ack",
    "parse_message",
    "parse_messages",
    "send_messages",
    "send_messages_async",
    "serve",
    "sniff_header",
    "split_messages",
]
