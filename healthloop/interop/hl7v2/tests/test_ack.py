"""ACK structure (AA / AE / AR with ERR), version and charset echo, and reading ACKs back."""

from __future__ import annotations

from datetime import datetime

import pytest

from healthloop.interop.hl7v2.ack import ack_for_bytes, build_ack, parse_ack, sniff_header
from healthloop.interop.hl7v2.errors import ErrorCode, HL7ParseError
from healthloop.interop.hl7v2.handling import make_handler
from healthloop.interop.hl7v2.model import ParsedMessage
from healthloop.interop.hl7v2.parse import parse_message
from healthloop.interop.hl7v2.tests.helpers import corpus_bytes, oru

NOW = datetime(2024, 5, 6, 7, 8, 9)


def _segments(ack: bytes, codec: str = "utf-8") -> dict[str, list[str]]:
    text = ack.decode(codec)
    assert text.endswith("\r") and "\n" not in text
    return {line[:3]: line.split("|") for line in text.split("\r") if line}


def test_aa_ack_swaps_sender_and_receiver_and_echoes_control_id_and_version() -> None:
    # given
    message = parse_message(corpus_bytes("nist-elr251-tc1-lead.hl7"))

    # when
    ack = build_ack(message.header, now=NOW)

    # then
    seg = _segments(ack)
    msh = seg["MSH"]
    assert msh[1] == "^~\\&"
    assert (msh[2], msh[3]) == ("PH Application", "PH Facility")
    assert (msh[4], msh[5]) == ("EHR Application", "EHR Facility")
    assert msh[6] == "20240506070809"
    assert msh[8] == "ACK^R01^ACK"
    assert msh[9] != "NIST-100929110701660" and len(msh[9]) == 20
    assert (msh[10], msh[11]) == ("P", "2.5.1")
    assert seg["MSA"] == ["MSA", "AA", "NIST-100929110701660"]
    assert "ERR" not in seg


def test_each_ack_gets_a_new_control_id() -> None:
    # given
    header = parse_message(oru()).header

    # when
    ids = {_segments(build_ack(header))["MSH"][9] for _ in range(50)}

    # then
    assert len(ids) == 50


def test_ae_ack_carries_err_with_code_severity_and_escaped_diagnostic() -> None:
    # given
    header = parse_message(oru("C42")).header
    error = HL7ParseError(ErrorCode.DATA_TYPE_ERROR, "bad value a|b^c", "OBX", 5, sequence=3)

    # when
    ack = build_ack(header, error=error, now=NOW)

    # then
    seg = _segments(ack)
    assert seg["MSA"] == ["MSA", "AE", "C42"]
    err = seg["ERR"]
    assert err[2] == "OBX^3^5"
    assert err[3] == "102^Data type error^HL70357"
    assert err[4] == "E"
    assert err[8] == "bad value a\\F\\b\\S\\c"
    assert parse_ack(ack).error_text == "bad value a|b^c"


def test_internal_error_207_is_answered_with_ar() -> None:
    # given
    header = parse_message(oru("C7")).header
    error = HL7ParseError(ErrorCode.APPLICATION_INTERNAL_ERROR, "database unavailable")

    # when
    result = parse_ack(build_ack(header, error=error))

    # then
    assert (result.ack_code, result.acked_control_id, result.error_code) == ("AR", "C7", 207)


def test_v23_ack_uses_the_old_message_type_and_legacy_err1_and_msa3() -> None:
    # given
    header = parse_message(corpus_bytes("mirth-adt-a04-23.hl7")).header
    error = HL7ParseError(ErrorCode.REQUIRED_FIELD_MISSING, "PID-3 is empty", "PID", 3)

    # when
    seg = _segments(build_ack(header, error=error))

    # then
    assert seg["MSH"][8] == "ACK^A04"
    assert seg["MSH"][11] == "2.3"
    assert seg["MSA"] == ["MSA", "AE", "934576120110613083617", "PID-3 is empty"]
    assert seg["ERR"][1] == "PID^1^3^101&Required field missing&HL70357"
    assert parse_ack(build_ack(header, error=error)).error_code == 101


def test_ack_echoes_msh18_and_is_encoded_in_the_senders_charset() -> None:
    # given
    message = parse_message(oru("G1", charset="GB18030", family="张三").encode("gb18030"))
    error = HL7ParseError(ErrorCode.DATA_TYPE_ERROR, "患者姓名缺失", "PID", 5)

    # when
    ack = build_ack(message.header, error=error, codec=message.charset.codec)

    # then
    seg = _segments(ack, "gb18030")
    assert seg["MSH"][17] == "GB18030"
    assert seg["ERR"][8] == "患者姓名缺失"
    assert parse_ack(ack).error_text == "患者姓名缺失"


def test_unparseable_message_still_gets_an_ack_with_its_sniffed_control_id() -> None:
    # given
    raw = corpus_bytes("lfh-adt-a01-crlf-bad-msh2.hl7")
    with pytest.raises(HL7ParseError) as caught:
        parse_message(raw)

    # when
    result = parse_ack(ack_for_bytes(raw, caught.value))

    # then
    assert (result.ack_code, result.acked_control_id, result.error_code) == ("AE", "102", 102)


def test_garbage_gets_an_ack_with_default_version_and_empty_control_id() -> None:
    # given
    error = HL7ParseError(ErrorCode.SEGMENT_SEQUENCE_ERROR, "no MSH segment found", "MSH")

    # when
    seg = _segments(ack_for_bytes(b"\x00\xffnot hl7 at all", error))

    # then
    assert seg["MSH"][11] == "2.5.1"
    assert seg["MSA"] == ["MSA", "AE", ""]


def test_sniff_header_never_raises_and_reads_what_it_can() -> None:
    # given
    raw = corpus_bytes("fuzz/nhapi-so5-long-version.bin")

    # when
    header, codec = sniff_header(raw)

    # then
    assert header is not None
    assert header.version == "2.8.1000"
    assert codec == "utf-8"
    assert sniff_header(b"MSHH0\r") == (None, "utf-8")


def test_parse_ack_reads_code_control_id_and_error() -> None:
    # given
    ack = (
        b"MSH|^~\\&|HL|H|LIS|L|20240101||ACK^R01^ACK|A1|P|2.5.1\r"
        b"MSA|AE|MSG9\rERR||OBX^1^5|102^Data type error^HL70357|E||||value is not numeric\r"
    )

    # when
    result = parse_ack(ack)

    # then
    assert (result.ack_code, result.acked_control_id, result.control_id) == ("AE", "MSG9", "A1")
    assert (result.error_code, result.error_text) == (102, "value is not numeric")
    assert result.accepted is False


def test_handler_answers_aa_after_processing_each_message() -> None:
    # given
    processed: list[str] = []

    def process(message: ParsedMessage, raw: bytes, peer: str) -> None:
        processed.append(f"{message.header.control_id}@{peer}")

    handler = make_handler(process)

    # when
    result = parse_ack(handler(oru("H1").encode(), "10.0.0.1:5000"))

    # then
    assert (result.ack_code, result.acked_control_id) == ("AA", "H1")
    assert processed == ["H1@10.0.0.1:5000"]


def test_handler_answers_ar_for_unsupported_type_without_processing() -> None:
    # given
    processed: list[ParsedMessage] = []
    handler = make_handler(lambda message, raw, peer: processed.append(message))

    # when
    result = parse_ack(handler(corpus_bytes("hapi-olis-chem-erp-231.hl7"), "peer"))

    # then
    assert (result.ack_code, result.error_code) == ("AR", 200)
    assert processed == []


def test_handler_turns_a_parse_error_raised_by_process_into_ae() -> None:
    # given
    def process(message: ParsedMessage, raw: bytes, peer: str) -> None:
        raise HL7ParseError(ErrorCode.UNKNOWN_KEY_IDENTIFIER, "unknown patient", "PID", 3)

    # when
    result = parse_ack(make_handler(process)(oru("K1").encode(), "peer"))

    # then
    assert (result.ack_code, result.acked_control_id, result.error_code) == ("AE", "K1", 204)
