"""Property-based fuzzing: the decoder and the parser only ever return results or raise
HL7ParseError, whatever bytes arrive, and decoding does not depend on how reads are chunked."""

from __future__ import annotations

import os
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthloop.interop.hl7v2.ack import ack_for_bytes, parse_ack, sniff_header
from healthloop.interop.hl7v2.errors import ErrorCode, HL7ParseError
from healthloop.interop.hl7v2.framing import FrameTooLarge, MLLPDecoder, encode_frame
from healthloop.interop.hl7v2.model import ParsedMessage
from healthloop.interop.hl7v2.parse import parse_messages
from healthloop.interop.hl7v2.tests.helpers import CORPUS

# HL7_FUZZ_EXAMPLES=20000 for a longer campaign than the suite's default.
FUZZ = settings(
    max_examples=int(os.environ.get("HL7_FUZZ_EXAMPLES", "300")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.hl7"))
HL7_ALPHABET = "MSHPIDOBXRV|^~\\&\r\n 0123456789.-+<>ABCFTENXZ张"


def _parse_or_error(data: bytes | str) -> list[ParsedMessage] | HL7ParseError:
    try:
        return parse_messages(data)
    except HL7ParseError as error:
        assert error.code in ErrorCode
        return error


def _feed_in_pieces(data: bytes, cuts: list[int], limit: int) -> list[bytes | FrameTooLarge]:
    decoder = MLLPDecoder(max_frame_size=limit)
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    out: list[bytes | FrameTooLarge] = []
    for start, end in pairwise(points):
        out += decoder.feed(data[start:end])
        assert decoder.buffered <= limit
    return out


@FUZZ
@given(data=st.binary(max_size=3000), cuts=st.lists(st.integers(min_value=0), max_size=40))
def test_decoder_output_does_not_depend_on_how_reads_are_chunked(
    data: bytes, cuts: list[int]
) -> None:
    # given / when
    whole = MLLPDecoder(max_frame_size=500).feed(data)
    pieces = _feed_in_pieces(data, cuts, limit=500)

    # then
    assert pieces == whole


@FUZZ
@given(
    messages=st.lists(st.binary(max_size=300).filter(lambda b: b"\x0b" not in b), max_size=8),
    junk=st.binary(max_size=20).filter(lambda b: b"\x0b" not in b),
    cuts=st.lists(st.integers(min_value=0), max_size=30),
)
def test_decoder_recovers_every_framed_message_between_junk(
    messages: list[bytes], junk: bytes, cuts: list[int]
) -> None:
    # given
    messages = [m for m in messages if b"\x1c\x0d" not in m and not m.endswith(b"\x1c")]
    stream = junk + b"".join(encode_frame(m) + junk for m in messages)

    # when
    frames = _feed_in_pieces(stream, cuts, limit=1000)

    # then
    assert frames == messages


@FUZZ
@given(data=st.binary(max_size=2000))
def test_parser_on_random_bytes_returns_or_raises_hl7_parse_error(data: bytes) -> None:
    # given / when / then
    _parse_or_error(data)
    _parse_or_error(b"MSH|^~\\&|" + data)


@FUZZ
@given(text=st.text(alphabet=HL7_ALPHABET, max_size=600))
def test_parser_on_hl7_like_text_returns_or_raises_hl7_parse_error(text: str) -> None:
    # given / when / then
    _parse_or_error("MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5.1\r" + text)
    _parse_or_error("MSH" + text)


@FUZZ
@given(
    name=st.sampled_from(CORPUS_FILES),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.sampled_from(["delete", "insert", "replace"]),
            st.binary(min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_parser_on_mutated_corpus_files_returns_or_raises_hl7_parse_error(
    name: str, edits: list[tuple[int, str, bytes]]
) -> None:
    # given
    data = bytearray((CORPUS / name).read_bytes())
    for position, kind, chunk in edits:
        at = position % (len(data) + 1)
        if kind == "delete":
            del data[at : at + len(chunk)]
        elif kind == "insert":
            data[at:at] = chunk
        else:
            data[at : at + len(chunk)] = chunk

    # when
    outcome = _parse_or_error(bytes(data))

    # then: whatever happened, an ACK can be built and read back
    error = outcome if isinstance(outcome, HL7ParseError) else None
    ack = parse_ack(ack_for_bytes(bytes(data), error))
    assert ack.ack_code == ("AA" if error is None else error.ack_code)


@FUZZ
@given(data=st.binary(max_size=1000))
def test_sniff_header_and_ack_for_bytes_never_raise(data: bytes) -> None:
    # given / when
    sniff_header(b"MSH|^~\\&|" + data)
    ack = ack_for_bytes(data, HL7ParseError(ErrorCode.APPLICATION_INTERNAL_ERROR, "x"))

    # then
    assert parse_ack(ack).ack_code == "AR"
