"""Parse HL7 v2 messages (bytes or text, single or batch) into the neutral model of model.py.

Entry points: ``parse_message`` (exactly one message) and ``parse_messages`` (a batch file or a
single message). Every failure is an ``HL7ParseError`` with a table 0357 code; content that is
odd but usable (an unparseable date, a number that is not one) becomes a warning instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .charset import DecodedText, decode_message
from .datatypes import Warnings, parse_timestamp
from .errors import ErrorCode, HL7ParseError
from .model import CharsetReport, MergeInfo, MessageHeader, ParsedMessage, PatientIdentity, Visit
from .parse_patient import hd_name, parse_merge, parse_patient, parse_visit
from .parse_results import build_orders, group_results
from .tokenizer import Segment, group_messages, split_lines, tokenize

SUPPORTED_VERSION = re.compile(r"2\.[1-9](?:\.\d{1,2})?\Z", re.ASCII)
_MERGE_EVENTS = frozenset({"A18", "A30", "A34", "A35", "A36", "A39", "A40", "A41", "A42", "A47"})
# Segment IDs that, found after "|<spaces>" inside a segment, show segments were joined with
# spaces instead of CR (the whole rest of the message would otherwise be read as field values).
_KNOWN_SEGMENTS = frozenset(
    {
        *("MSH", "EVN", "PID", "PD1", "NK1", "PV1", "PV2", "ORC", "OBR", "OBX", "NTE", "SPM"),
        *("GT1", "IN1", "IN2", "IN3", "DG1", "AL1", "PR1", "MRG", "MSA", "ERR", "TQ1", "SFT"),
        *("ROL", "ACC", "UB1", "UB2", "DB1", "PRT", "TXA", "CTD", "FT1", "CTI", "PDA", "ARV"),
        *("RF1", "PRB"),
    }
)


def parse_messages(data: bytes | str) -> list[ParsedMessage]:
    """Parse every message in ``data`` (batch envelopes FHS/BHS/BTS/FTS are skipped)."""
    decoded = _decode(data)
    return [_parse_lines(lines, decoded) for lines in group_messages(split_lines(decoded.text))]


def parse_message(data: bytes | str) -> ParsedMessage:
    """Parse exactly one message (a batch holding exactly one message is accepted too)."""
    decoded = _decode(data)
    groups = group_messages(split_lines(decoded.text))
    if len(groups) != 1:
        raise HL7ParseError(
            ErrorCode.SEGMENT_SEQUENCE_ERROR,
            f"expected one message, found {len(groups)} MSH segments",
            "MSH",
            sequence=2,
        )
    return _parse_lines(groups[0], decoded)


def _decode(data: bytes | str) -> DecodedText:
    if isinstance(data, str):
        return DecodedText(data.removeprefix("\ufeff"), "", "", False)
    return decode_message(data)


def _parse_lines(lines: list[str], decoded: DecodedText) -> ParsedMessage:
    segments = tokenize(lines)
    _check_not_run_together(segments)
    warnings: Warnings = list(decoded.warnings)
    header = _parse_header(segments, warnings)
    _check_structure(header, segments)
    patient, visit, merges = _parse_people(segments, warnings)
    orders, loose = build_orders(group_results(segments), warnings)
    return ParsedMessage(
        header=header,
        charset=CharsetReport(decoded.codec, decoded.declared, decoded.detected),
        patient=patient,
        visit=visit,
        orders=orders,
        observations=loose,
        merges=merges,
        segment_ids=tuple(s.id for s in segments),
        warnings=tuple(warnings),
    )


def _parse_header(segments: list[Segment], warnings: Warnings) -> MessageHeader:
    msh = segments[0]
    message_type = msh.text(9, 1).upper()
    trigger = msh.text(9, 2).upper() or _evn_trigger(segments)
    control_id = msh.text(10)
    version = msh.text(12)
    _require(message_type, "message type", 9)
    _require(control_id, "message control ID", 10)
    _require(msh.text(11), "processing ID", 11)
    _require(version, "version ID", 12)
    if not SUPPORTED_VERSION.match(version):
        raise HL7ParseError(
            ErrorCode.UNSUPPORTED_VERSION_ID, f"unsupported version {version[:20]!r}", "MSH", 12
        )
    return MessageHeader(
        sending_app=hd_name(msh.first(3)),
        sending_facility=hd_name(msh.first(4)),
        receiving_app=hd_name(msh.first(5)),
        receiving_facility=hd_name(msh.first(6)),
        timestamp=parse_timestamp(msh.text(7), "MSH-7", warnings),
        message_type=message_type,
        trigger=trigger,
        structure=msh.text(9, 3).upper(),
        control_id=control_id,
        processing_id=msh.text(11).upper(),
        version=version,
        charset=msh.text(18),
        accept_ack_type=msh.text(15).upper(),
        application_ack_type=msh.text(16).upper(),
    )


def _require(value: str, name: str, field: int) -> None:
    if not value:
        raise HL7ParseError(
            ErrorCode.REQUIRED_FIELD_MISSING, f"MSH-{field} {name} is empty", "MSH", field
        )


def _evn_trigger(segments: list[Segment]) -> str:
    """v2.1/2.2 messages carry the event in EVN-1 only."""
    evn = next((s for s in segments if s.id == "EVN"), None)
    return evn.text(1).upper() if evn else ""


@lru_cache(maxsize=8)
def _run_together_pattern(field_separator: str) -> re.Pattern[str]:
    sep = re.escape(field_separator)
    return re.compile(f"{sep} +({'|'.join(sorted(_KNOWN_SEGMENTS))}){sep}")


def _check_not_run_together(segments: list[Segment]) -> None:
    """Reject segments joined by spaces: "... | OBX||TX|..." inside an OBR line."""
    separator = segments[0].delimiters.field
    pattern = _run_together_pattern(separator)
    for seg in segments:
        line = separator.join(seg.fields)
        match = pattern.search(line)
        if match:
            field = line.count(separator, 0, match.start()) + (2 if seg.id == "MSH" else 1)
            raise HL7ParseError(
                ErrorCode.SEGMENT_SEQUENCE_ERROR,
                f"segment {match.group(1)} found inside {seg.id}-{field}: segments must be "
                "separated by CR, not spaces",
                seg.id,
                field,
                sequence=seg.sequence,
            )


def _check_structure(header: MessageHeader, segments: list[Segment]) -> None:
    ids = {s.id for s in segments}
    if header.message_type == "ADT":
        _require_segment("PID", ids, header)
        if header.trigger in _MERGE_EVENTS:
            _require_segment("MRG", ids, header)
    if header.message_type in ("ORU", "OUL") and "OBR" not in ids:
        _require_segment("OBR", ids, header)


def _require_segment(seg_id: str, ids: set[str], header: MessageHeader) -> None:
    if seg_id not in ids:
        raise HL7ParseError(
            ErrorCode.SEGMENT_SEQUENCE_ERROR,
            f"{header.message_type}^{header.trigger} without the required {seg_id} segment",
            seg_id,
        )


def _parse_people(
    segments: list[Segment], warnings: Warnings
) -> tuple[PatientIdentity | None, Visit | None, tuple[MergeInfo, ...]]:
    patient: PatientIdentity | None = None
    current: PatientIdentity | None = None
    visit: Visit | None = None
    merges: list[MergeInfo] = []
    for seg in segments:
        if seg.id == "PID":
            current = parse_patient(seg, warnings)
            patient = patient or current
        elif seg.id == "PV1" and visit is None:
            visit = parse_visit(seg, warnings)
        elif seg.id == "MRG":
            merges.append(parse_merge(seg, current))
    return patient, visit, tuple(merges)
