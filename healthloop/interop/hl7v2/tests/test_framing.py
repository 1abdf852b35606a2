"""MLLP framing: incremental decoding under every chunking, junk, size limit; encoding."""

from __future__ import annotations

import pytest

from healthloop.interop.hl7v2.framing import (
    FrameTooLarge,
    MLLPDecoder,
    MLLPFramingError,
    encode_frame,
)

MSG_A = b"MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5\rPID|1||X\r"
MSG_B = b"MSH|^~\\&|A|B|||20240101||ADT^A08|2|P|2.5\rPID|1||Y\r"


def test_encode_frame_wraps_message_in_vt_and_fs_cr() -> None:
    # given / when
    frame = encode_frame(b"MSH|x\r")

    # then
    assert frame == b"\x0bMSH|x\r\x1c\x0d"


def test_encode_frame_refuses_message_containing_framing_bytes() -> None:
    # given
    message = b"MSH|x\x1c\x0dmore"

    # when / then
    with pytest.raises(MLLPFramingError):
        encode_frame(message)


def test_one_complete_frame_yields_one_message() -> None:
    # given
    decoder = MLLPDecoder()

    # when
    frames = decoder.feed(encode_frame(MSG_A))

    # then
    assert frames == [MSG_A]
    assert decoder.buffered == 0


def test_two_messages_in_one_read_yield_two_frames() -> None:
    # given
    decoder = MLLPDecoder()

    # when
    frames = decoder.feed(encode_frame(MSG_A) + encode_frame(MSG_B))

    # then
    assert frames == [MSG_A, MSG_B]


def test_message_split_across_reads_is_returned_once_complete() -> None:
    # given
    decoder = MLLPDecoder()
    data = encode_frame(MSG_A)

    # when
    first = decoder.feed(data[:10])
    second = decoder.feed(data[10:-1])
    third = decoder.feed(data[-1:])

    # then
    assert (first, second, third) == ([], [], [MSG_A])


def test_byte_by_byte_feeding_yields_the_same_frames() -> None:
    # given
    decoder = MLLPDecoder()
    data = encode_frame(MSG_A) + b"noise" + encode_frame(MSG_B)

    # when
    frames = [frame for i in range(len(data)) for frame in decoder.feed(data[i : i + 1])]

    # then
    assert frames == [MSG_A, MSG_B]
    assert decoder.junk_bytes == len(b"noise")


def test_end_block_split_from_its_carriage_return_still_ends_the_frame() -> None:
    # given
    decoder = MLLPDecoder()
    data = encode_frame(MSG_A)

    # when
    frames = decoder.feed(data[:-1]) + decoder.feed(data[-1:])

    # then
    assert frames == [MSG_A]


def test_lone_end_block_inside_a_frame_is_data() -> None:
    # given
    decoder = MLLPDecoder()

    # when
    frames = decoder.feed(b"\x0bab\x1c") + decoder.feed(b"cd\x1c\x0d")

    # then
    assert frames == [b"ab\x1ccd"]


def test_junk_between_frames_is_discarded_and_counted() -> None:
    # given
    decoder = MLLPDecoder()

    # when
    frames = decoder.feed(b"\r\n  " + encode_frame(MSG_A) + b"xyz\n" + encode_frame(MSG_B) + b"!")

    # then
    assert frames == [MSG_A, MSG_B]
    assert decoder.junk_bytes == 4 + 4 + 1


def test_new_start_block_before_end_abandons_the_unfinished_frame() -> None:
    # given
    decoder = MLLPDecoder()

    # when
    frames = decoder.feed(b"\x0bhalf a mess" + encode_frame(MSG_B))

    # then
    assert frames == [MSG_B]
    assert decoder.aborted_frames == 1
    assert decoder.junk_bytes == len(b"\x0bhalf a mess")


def test_oversize_frame_is_reported_not_buffered_and_decoding_resumes() -> None:
    # given
    decoder = MLLPDecoder(max_frame_size=100)
    big = b"MSH|" + b"x" * 10_000

    # when
    events = []
    data = encode_frame(big) + encode_frame(MSG_A[:50])
    for i in range(0, len(data), 333):
        events += decoder.feed(data[i : i + 333])
        assert decoder.buffered <= 100

    # then
    assert len(events) == 2
    assert isinstance(events[0], FrameTooLarge)
    assert events[0].head.startswith(b"MSH|xxx")
    assert events[0].limit == 100
    assert events[1] == MSG_A[:50]
    assert decoder.oversize_frames == 1


def test_frame_exactly_at_the_limit_is_accepted() -> None:
    # given
    decoder = MLLPDecoder(max_frame_size=len(MSG_A))

    # when
    frames = decoder.feed(encode_frame(MSG_A))

    # then
    assert frames == [MSG_A]


def test_empty_frame_is_returned_as_empty_message() -> None:
    # given
    decoder = MLLPDecoder()

    # when
    frames = decoder.feed(b"\x0b\x1c\x0d")

    # then
    assert frames == [b""]
