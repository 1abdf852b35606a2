"""The MLLP sender against real TCP peers: re-send on lost connection or timeout, reconnect with
back-off, final AE/AR, the blocking wrapper; and splitting message files."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable
from typing import Any

from healthloop.interop.hl7v2.ack import build_ack, sniff_header
from healthloop.interop.hl7v2.client import (
    send_messages,
    send_messages_async,
    split_messages,
    to_cr_segments,
)
from healthloop.interop.hl7v2.errors import ErrorCode, HL7ParseError
from healthloop.interop.hl7v2.framing import MLLPDecoder, encode_frame
from healthloop.interop.hl7v2.server import MLLPServer
from healthloop.interop.hl7v2.tests.helpers import corpus_bytes, oru

HOST = "127.0.0.1"


def run(coro: Awaitable[Any]) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coro, 30)

    return asyncio.run(bounded())


def ack_handler(raw: bytes, peer: str) -> bytes:
    header, codec = sniff_header(raw)
    return build_ack(header, codec=codec)


async def read_one_frame(reader: asyncio.StreamReader) -> bytes:
    decoder = MLLPDecoder()
    while True:
        data = await reader.read(65536)
        if not data:
            return b""
        frames = [f for f in decoder.feed(data) if isinstance(f, bytes)]
        if frames:
            return frames[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def test_client_resends_when_the_server_closes_the_connection_before_acking() -> None:
    # given: a peer that drops the first connection after reading the message
    received: list[bytes] = []

    async def flaky_peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        frame = await read_one_frame(reader)
        received.append(frame)
        if len(received) > 1:
            writer.write(encode_frame(ack_handler(frame, "")))
            await writer.drain()
        writer.close()

    async def scenario() -> Any:
        server = await asyncio.start_server(flaky_peer, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await send_messages_async(
                HOST, port, [oru("R1").encode()], timeout=5, retries=3, backoff=0.01
            )

    # when
    (result,) = run(scenario())

    # then
    assert (result.control_id, result.ack_code, result.attempts) == ("R1", "AA", 2)
    assert len(received) == 2 and received[0] == received[1]


def test_client_gives_up_after_its_retries_when_no_ack_ever_comes() -> None:
    # given: a peer that reads and never answers
    async def silent_peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async def scenario() -> Any:
        server = await asyncio.start_server(silent_peer, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await send_messages_async(
                HOST, port, [oru("Q1").encode()], timeout=0.2, retries=2, backoff=0.01
            )

    # when
    (result,) = run(scenario())

    # then
    assert (result.ack_code, result.attempts) == (None, 3)
    assert result.error_text.startswith("no ACK after 3 attempts")
    assert result.accepted is False


def test_client_reconnects_with_backoff_until_the_server_comes_up() -> None:
    # given
    port = free_port()

    async def scenario() -> Any:
        sending = asyncio.create_task(
            send_messages_async(HOST, port, [oru("U1").encode()], retries=8, backoff=0.05)
        )
        await asyncio.sleep(0.3)
        server = MLLPServer(ack_handler)
        await server.start(HOST, port)
        try:
            return await sending
        finally:
            await server.shutdown()

    # when
    (result,) = run(scenario())

    # then
    assert result.ack_code == "AA"
    assert result.attempts > 1


def test_application_error_is_reported_and_not_resent() -> None:
    # given
    calls: list[bytes] = []

    def rejecting(raw: bytes, peer: str) -> bytes:
        calls.append(raw)
        header, _ = sniff_header(raw)
        error = HL7ParseError(ErrorCode.REQUIRED_FIELD_MISSING, "PID-3 missing", "PID", 3)
        return build_ack(header, error=error)

    async def scenario() -> Any:
        server = MLLPServer(rejecting)
        await server.start(HOST, 0)
        try:
            return await send_messages_async(HOST, server.port, [oru("E1").encode()], retries=3)
        finally:
            await server.shutdown()

    # when
    (result,) = run(scenario())

    # then
    assert (result.ack_code, result.error_code, result.error_text) == ("AE", 101, "PID-3 missing")
    assert (result.attempts, len(calls)) == (1, 1)


def test_blocking_send_messages_delivers_a_split_batch_file() -> None:
    # given: a server on its own loop in a background thread
    loop = asyncio.new_event_loop()
    server = MLLPServer(ack_handler)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(HOST, 0), loop).result(5)
    messages = split_messages(corpus_bytes("pyhl7-batch-file-adt-a04.hl7"))

    # when
    try:
        results = send_messages(HOST, server.port, messages, connections=2, timeout=5)
    finally:
        asyncio.run_coroutine_threadsafe(server.shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()

    # then
    assert [(r.control_id, r.ack_code) for r in results] == [
        ("12334456778890", "AA"),
        ("12334456778891", "AA"),
        ("12334456778890", "AA"),
    ]


def test_split_messages_skips_batch_envelopes_and_uses_cr() -> None:
    # given
    data = corpus_bytes("pyhl7-batch-file-adt-a04.hl7")

    # when
    messages = split_messages(data)

    # then
    assert len(messages) == 3
    assert all(m.startswith(b"MSH|") and m.endswith(b"PV1|1|O||||^^^^^1\r") for m in messages)
    assert all(b"\n" not in m and m.count(b"\r") == 6 for m in messages)


def test_split_messages_handles_lf_bom_blank_lines_and_leading_junk() -> None:
    # given
    data = b"\xef\xbb\xbfgarbage line\n" + oru("A", sep="\n").encode() + b"\n\n" + oru("B").encode()

    # when
    messages = split_messages(data)

    # then
    assert messages == [oru("A").encode(), oru("B").encode()]


def test_split_messages_of_a_single_lf_file_gives_one_cr_message() -> None:
    # given
    data = corpus_bytes("ms-lab-oru-cbc-pending.hl7")

    # when
    (message,) = split_messages(data)

    # then
    assert message.startswith(b"MSH|^~\\&|SomeSystem")
    assert message.count(b"\r") == 16 and b"\n" not in message


def test_to_cr_segments_normalises_crlf_and_lf() -> None:
    # given / when / then
    assert to_cr_segments(b"MSH|a\r\nPID|b\nOBX|c") == b"MSH|a\rPID|b\rOBX|c\r"
