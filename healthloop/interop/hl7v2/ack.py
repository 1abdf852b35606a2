"""Build acknowledgments (original mode: AA / AE / AR) and read the ACKs we receive as a sender.

An ACK swaps sender and receiver, echoes the version, processing id and MSH-18 of the message it
answers, carries a new control id, and is encoded in the charset the incoming message was
decoded with. On AE/AR an ERR segment gives the table 0357 code (ERR-3), severity E (ERR-4) and
the diagnostic text (ERR-8); for versions before 2.5 the same is also put in ERR-1 and MSA-3.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from .charset import decode_message, encode_text
from .errors import ErrorCode, HL7ParseError
from .model import MessageHeader
from .parse import SUPPORTED_VERSION
from .parse_patient import hd_name
from .tokenizer import STANDARD_DELIMITERS, Delimiters, Segment, escape, split_lines, tokenize

DEFAULT_APP = "HEALTHLOOP"
DEFAULT_VERSION = "2.5.1"
_ACCEPTED = frozenset({"AA", "CA"})


@dataclass(frozen=True)
class AckResult:
    """What an ACK said about the message it acknowledges."""

    ack_code: str
    acked_control_id: str
    control_id: str
    error_code: int | None
    error_text: str

    @property
    def accepted(self) -> bool:
        return self.ack_code in _ACCEPTED


def new_control_id() -> str:
    """A fresh 20-character message control id (MSH-10 is ST 20 up to v2.6)."""
    return uuid.uuid4().hex[:20].upper()


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def build_ack(
    header: MessageHeader | None,
    *,
    code: str | None = None,
    error: HL7ParseError | None = None,
    codec: str = "utf-8",
    now: datetime | None = None,
    control_id: str | None = None,
) -> bytes:
    """ACK bytes (CR-separated, not framed) answering ``header``; ``None`` if it was unreadable.

    ``code`` defaults to "AA" without an error and to the error's own AE/AR otherwise.
    """
    ack_code = code or (error.ack_code if error else "AA")
    version = header.version if header and SUPPORTED_VERSION.match(header.version) else ""
    version = version or DEFAULT_VERSION
    segments = [
        _msh(header, version, now or datetime.now().astimezone(), control_id or new_control_id()),
        _msa(ack_code, header.control_id if header else "", error, version),
    ]
    if error is not None and ack_code != "AA":
        segments.append(_err(error, version))
    return encode_text("\r".join(segments) + "\r", codec)


def _msh(header: MessageHeader | None, version: str, now: datetime, control_id: str) -> str:
    h = header
    trigger = h.trigger if h else ""
    message_type = "ACK"
    if trigger:
        message_type += f"^{escape(trigger)}"
        if _version_tuple(version) >= (2, 3, 1):
            message_type += "^ACK"
    fields = [
        "MSH",
        "^~\\&",
        escape(h.receiving_app if h and h.receiving_app else DEFAULT_APP),
        escape(h.receiving_facility if h else ""),
        escape(h.sending_app if h else ""),
        escape(h.sending_facility if h else ""),
        now.strftime("%Y%m%d%H%M%S") + (now.strftime("%z") if now.tzinfo else ""),
        "",
        message_type,
        control_id,
        escape(h.processing_id if h and h.processing_id else "P"),
        version,
    ]
    if h and h.charset:
        fields += [""] * 5 + [escape(h.charset)]
    return "|".join(fields)


def _msa(code: str, acked: str, error: HL7ParseError | None, version: str) -> str:
    fields = ["MSA", code, escape(acked)]
    if error is not None and _version_tuple(version) < (2, 4):
        fields.append(escape(error.message[:80]))
    return "|".join(fields)


def _err(error: HL7ParseError, version: str) -> str:
    seg, seq = error.segment or "", str(error.sequence) if error.segment else ""
    field = str(error.field) if error.field is not None else ""
    code, label = str(int(error.code)), error.code.label
    location = f"{seg}^{seq}^{field}" if seg else ""
    legacy = ""
    if _version_tuple(version) < (2, 5):
        legacy = f"{seg}^{seq}^{field}^{code}&{label}&HL70357"
    return "|".join(
        ["ERR", legacy, location, f"{code}^{label}^HL70357", "E", "", "", "", escape(error.message)]
    )


def sniff_header(raw: bytes) -> tuple[MessageHeader | None, str]:
    """Best-effort MSH of a message that may not parse; never raises. Returns (header, codec)."""
    try:
        decoded = decode_message(raw)
        text, codec = decoded.text, decoded.codec
    except HL7ParseError:
        text, codec = raw.decode("latin-1"), "utf-8"
    line = next((ln for ln in split_lines(text) if ln.startswith("MSH")), "")
    if len(line) < 4 or line[3].isalnum() or line[3].isspace():
        return None, codec
    segment = Segment("MSH", tuple(line.split(line[3])), 1, _lenient_delimiters(line))
    return _header_from(segment), codec


def _lenient_delimiters(line: str) -> Delimiters:
    field = line[3]
    given = line[4:].split(field, 1)[0]
    chars = [c for c in given[:4] if not (c.isalnum() or c.isspace())]
    defaults = [STANDARD_DELIMITERS.component, "~", "\\", "&"]
    chars += defaults[len(chars) :]
    if len(set(chars)) != 4 or field in chars:
        chars = defaults
    return Delimiters(field, chars[0], chars[1], chars[2], chars[3])


def _header_from(msh: Segment) -> MessageHeader:
    return MessageHeader(
        sending_app=hd_name(msh.first(3)),
        sending_facility=hd_name(msh.first(4)),
        receiving_app=hd_name(msh.first(5)),
        receiving_facility=hd_name(msh.first(6)),
        timestamp=None,
        message_type=msh.text(9, 1)[:3],
        trigger=msh.text(9, 2)[:3],
        structure=msh.text(9, 3)[:7],
        control_id=msh.text(10)[:199],
        processing_id=msh.text(11)[:1],
        version=msh.text(12)[:8],
        charset=msh.text(18)[:40],
    )


def ack_for_bytes(
    raw: bytes,
    error: HL7ParseError | None = None,
    *,
    code: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """ACK for raw message bytes that may not parse (header sniffed best-effort)."""
    header, codec = sniff_header(raw)
    return build_ack(header, code=code, error=error, codec=codec, now=now)


def parse_ack(raw: bytes) -> AckResult:
    """Read an ACK (MSA, and ERR when present); HL7ParseError when it is not one."""
    lines = split_lines(decode_message(raw).text)
    if not lines or not lines[0].startswith("MSH"):
        raise HL7ParseError(ErrorCode.SEGMENT_SEQUENCE_ERROR, "ACK does not start with MSH", "MSH")
    segments = tokenize(lines)
    msa = next((s for s in segments if s.id == "MSA"), None)
    if msa is None or not msa.text(1):
        raise HL7ParseError(ErrorCode.SEGMENT_SEQUENCE_ERROR, "ACK has no MSA-1", "MSA", 1)
    err = next((s for s in segments if s.id == "ERR"), None)
    code_text = (err.text(3, 1) or err.text(1, 4, 1)) if err else ""
    text = (err.text(8) or err.text(7) or err.text(3, 2)) if err else ""
    return AckResult(
        ack_code=msa.text(1).upper(),
        acked_control_id=msa.text(2),
        control_id=segments[0].text(10),
        error_code=int(code_text) if code_text.isascii() and code_text.isdigit() else None,
        error_text=text or msa.text(3),
    )
