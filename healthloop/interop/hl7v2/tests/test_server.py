"""The asyncio MLLP server on 127.0.0.1 with real TCP clients: concurrency, ordering, split
frames, handler failures, limits and graceful shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from healthloop.interop.hl7v2.ack import build_ack, parse_ack, sniff_header
from healthloop.interop.hl7v2.client import send_messages_async
from healthloop.interop.hl7v2.framing import MLLPDecoder, encode_frame
from healthloop.interop.hl7v2.handling import make_handler
from healthloop.interop.hl7v2.server import Handler, MLLPServer, serve
from healthloop.interop.hl7v2.tests.helpers import oru

HOST = "127.0.0.1"


def run(coro: Awaitable[Any]) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coro, 30)

    return asyncio.run(bounded())


def ack_handler(raw: bytes, peer: str) -> bytes:
    header, codec = sniff_header(raw)
    return build_ack(header, codec=codec)


@asynccontextmanager
async def running(handler: Handler, **options: Any) -> AsyncIterator[MLLPServer]:
    server = MLLPServer(handler, **options)
    await server.start(HOST, 0)
    try:
        yield server
    finally:
        await server.shutdown()


class RawClient:
    """A plain TCP peer speaking MLLP by hand, to control exactly what goes on the wire."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.decoder = MLLPDecoder()
        self.pending: list[bytes] = []

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        return cls(*await asyncio.open_connection(HOST, port))

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def ack(self) -> bytes:
        while not self.pending:
            data = await asyncio.wait_for(self.reader.read(65536), 10)
            assert data, "server closed the connection"
            self.pending += [f for f in self.decoder.feed(data) if isinstance(f, bytes)]
        return self.pending.pop(0)

    async def closed_by_server(self, timeout: float) -> bool:
        data = await asyncio.wait_for(self.reader.read(1), timeout)
        return data == b""

    def close(self) -> None:
        self.writer.close()


def test_eight_concurrent_connections_are_handled_in_parallel_and_in_order_per_connection() -> None:
    # given
    lock = threading.Lock()
    calls: list[tuple[str, int]] = []
    active = {"now": 0, "max": 0}

    def handler(raw: bytes, peer: str) -> bytes:
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.05)
        header, _ = sniff_header(raw)
        assert header is not None
        with lock:
            active["now"] -= 1
            calls.append((peer, int(header.control_id)))
        return build_ack(header)

    messages = [oru(str(i)).encode() for i in range(48)]

    async def scenario() -> list[Any]:
        async with running(handler, workers=8) as server:
            return await send_messages_async(HOST, server.port, messages, connections=8, timeout=10)

    # when
    results = run(scenario())

    # then
    assert [(r.control_id, r.ack_code) for r in results] == [(str(i), "AA") for i in range(48)]
    peers = {peer for peer, _ in calls}
    assert len(peers) == 8
    for peer in peers:
        ids = [i for p, i in calls if p == peer]
        assert ids == sorted(ids)
    assert active["max"] > 1


def test_pipelined_frames_on_one_connection_are_handled_strictly_one_after_another() -> None:
    # given: later messages are faster, so any overlap would reorder them
    lock = threading.Lock()
    events: list[str] = []

    def handler(raw: bytes, peer: str) -> bytes:
        header, _ = sniff_header(raw)
        assert header is not None
        with lock:
            events.append(f"start {header.control_id}")
        time.sleep(0.05 * (5 - int(header.control_id)))
        with lock:
            events.append(f"end {header.control_id}")
        return build_ack(header)

    frames = b"".join(encode_frame(oru(str(i)).encode()) for i in range(5))

    async def scenario() -> list[str]:
        async with running(handler, workers=8) as server:
            client = await RawClient.connect(server.port)
            await client.send(frames)
            acks = [parse_ack(await client.ack()).acked_control_id for _ in range(5)]
            client.close()
            return acks

    # when
    acks = run(scenario())

    # then
    assert acks == ["0", "1", "2", "3", "4"]
    assert events == [f"{step} {i}" for i in range(5) for step in ("start", "end")]


def test_frames_split_into_small_writes_and_joined_in_one_write_are_all_answered_in_order() -> None:
    # given
    frames = [encode_frame(oru(f"S{i}").encode()) for i in range(3)]

    async def scenario() -> list[str]:
        async with running(ack_handler) as server:
            client = await RawClient.connect(server.port)
            for i in range(0, len(frames[0]), 7):
                await client.send(frames[0][i : i + 7])
                await asyncio.sleep(0.001)
            await client.send(b"junk between frames" + frames[1] + frames[2])
            acks = [parse_ack(await client.ack()).acked_control_id for _ in range(3)]
            client.close()
            return acks

    # when
    acks = run(scenario())

    # then
    assert acks == ["S0", "S1", "S2"]


def test_ack_is_written_only_after_the_handler_returned() -> None:
    # given
    committed: list[str] = []

    def slow_handler(raw: bytes, peer: str) -> bytes:
        time.sleep(0.3)
        committed.append("C1")
        return ack_handler(raw, peer)

    async def scenario() -> tuple[list[str], float]:
        async with running(slow_handler) as server:
            client = await RawClient.connect(server.port)
            started = time.monotonic()
            await client.send(encode_frame(oru("C1").encode()))
            await client.ack()
            seen, elapsed = list(committed), time.monotonic() - started
            client.close()
            return seen, elapsed

    # when
    seen, elapsed = run(scenario())

    # then
    assert seen == ["C1"]
    assert elapsed >= 0.3


def test_handler_exception_gets_ar_207_and_the_connection_keeps_working() -> None:
    # given
    def handler(raw: bytes, peer: str) -> bytes:
        if b"|BOOM|" in raw:
            raise RuntimeError("database is down")
        return ack_handler(raw, peer)

    messages = [oru("BOOM").encode(), oru("OK2").encode()]

    async def scenario() -> list[Any]:
        async with running(handler) as server:
            return await send_messages_async(HOST, server.port, messages, timeout=5)

    # when
    failed, ok = run(scenario())

    # then
    assert (failed.ack_code, failed.error_code, failed.attempts) == ("AR", 207, 1)
    assert "RuntimeError" in failed.error_text
    assert "database is down" not in failed.error_text
    assert (ok.ack_code, ok.attempts) == ("AA", 1)


def test_handler_returning_something_other_than_bytes_gets_ar_207() -> None:
    # given
    def handler(raw: bytes, peer: str) -> bytes:
        return "MSA|AA"  # type: ignore[return-value]

    async def scenario() -> Any:
        async with running(handler) as server:
            return await send_messages_async(HOST, server.port, [oru("T1").encode()], timeout=5)

    # when
    (result,) = run(scenario())

    # then
    assert (result.ack_code, result.control_id, result.error_code) == ("AR", "T1", 207)


def test_real_handler_parses_and_processes_through_the_server() -> None:
    # given
    seen: list[str] = []
    handler = make_handler(lambda message, raw, peer: seen.append(message.header.control_id))

    async def scenario() -> list[Any]:
        async with running(handler) as server:
            return await send_messages_async(
                HOST, server.port, [oru("P1").encode(), b"MSH|^|bad\r"], timeout=5
            )

    # when
    good, bad = run(scenario())

    # then
    assert (good.ack_code, bad.ack_code, bad.error_code) == ("AA", "AE", 102)
    assert seen == ["P1"]


def test_oversize_frame_gets_ar_and_the_next_frame_is_still_handled() -> None:
    # given
    big = oru("BIG").encode() + b"NTE|1||" + b"x" * 5000 + b"\r"

    async def scenario() -> list[Any]:
        async with running(ack_handler, max_frame_size=2000) as server:
            client = await RawClient.connect(server.port)
            await client.send(encode_frame(big) + encode_frame(oru("SMALL").encode()))
            acks = [parse_ack(await client.ack()) for _ in range(2)]
            client.close()
            return acks

    # when
    too_big, small = run(scenario())

    # then
    assert (too_big.ack_code, too_big.acked_control_id, too_big.error_code) == ("AR", "BIG", 207)
    assert (small.ack_code, small.acked_control_id) == ("AA", "SMALL")


def test_idle_connection_is_closed_after_the_idle_timeout() -> None:
    # given
    async def scenario() -> bool:
        async with running(ack_handler, idle_timeout=0.2) as server:
            client = await RawClient.connect(server.port)
            return await client.closed_by_server(timeout=5)

    # when / then
    assert run(scenario()) is True


def test_connections_beyond_max_connections_are_refused() -> None:
    # given
    async def scenario() -> tuple[bool, str]:
        async with running(ack_handler, max_connections=1) as server:
            first = await RawClient.connect(server.port)
            await first.send(encode_frame(oru("F1").encode()))
            await first.ack()
            second = await RawClient.connect(server.port)
            refused = await second.closed_by_server(timeout=5)
            await first.send(encode_frame(oru("F2").encode()))
            still_served = parse_ack(await first.ack()).acked_control_id
            first.close()
            return refused, still_served

    # when / then
    assert run(scenario()) == (True, "F2")


def test_shutdown_finishes_the_in_flight_message_and_closes_idle_connections() -> None:
    # given
    started = threading.Event()

    def slow_handler(raw: bytes, peer: str) -> bytes:
        started.set()
        time.sleep(0.4)
        return ack_handler(raw, peer)

    async def scenario() -> tuple[str, bool]:
        server = MLLPServer(slow_handler)
        await server.start(HOST, 0)
        busy = await RawClient.connect(server.port)
        idle = await RawClient.connect(server.port)
        await busy.send(encode_frame(oru("INFLIGHT").encode()))
        await asyncio.to_thread(started.wait, 5)
        shutdown = asyncio.create_task(server.shutdown())
        acked = parse_ack(await busy.ack()).acked_control_id
        idle_closed = await idle.closed_by_server(timeout=5)
        await shutdown
        return acked, idle_closed

    # when / then
    assert run(scenario()) == ("INFLIGHT", True)


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals")
def test_sigterm_stops_accepting_finishes_in_flight_message_and_returns() -> None:
    # given
    started = threading.Event()
    servers: list[MLLPServer] = []

    def slow_handler(raw: bytes, peer: str) -> bytes:
        started.set()
        time.sleep(0.3)
        return ack_handler(raw, peer)

    async def scenario() -> tuple[str, bool]:
        task = asyncio.create_task(serve(HOST, 0, slow_handler, on_started=servers.append))
        while not servers:
            await asyncio.sleep(0.01)
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)
        port = servers[0].port
        client = await RawClient.connect(port)
        await client.send(encode_frame(oru("SIG1").encode()))
        await asyncio.to_thread(started.wait, 5)
        os.kill(os.getpid(), signal.SIGTERM)
        acked = parse_ack(await client.ack()).acked_control_id
        await asyncio.wait_for(task, 10)
        try:
            await asyncio.open_connection(HOST, port)
            refused = False
        except OSError:
            refused = True
        return acked, refused

    # when / then
    assert run(scenario()) == ("SIG1", True)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
