"""MLLP sender: frame each message, wait for its ACK, re-send on timeout or lost connection.

``send_messages`` delivers messages over one or more connections (each connection sends one
message at a time and waits for the ACK whose MSA-2 matches). On a timeout, a closed connection
or an unreadable ACK it reconnects with exponential back-off and re-sends, up to ``retries``
times. AE/AR answers are final (the receiver has decided) and are reported, not re-sent.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections import deque
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass

from .ack import AckResult, parse_ack, sniff_header
from .errors import HL7ParseError
from .framing import (
    DEFAULT_MAX_FRAME_SIZE,
    FrameTooLarge,
    MLLPDecoder,
    MLLPFramingError,
    encode_frame,
)
from .tokenizer import BATCH_SEGMENTS

log = logging.getLogger(__name__)
READ_SIZE = 64 * 1024
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_BATCH_TAGS = frozenset(tag.encode() for tag in BATCH_SEGMENTS)
_RETRYABLE = (OSError, TimeoutError, EOFError, HL7ParseError)


@dataclass(frozen=True)
class SendResult:
    """Outcome for one message: ``ack_code`` is None when no ACK came after every attempt."""

    index: int
    control_id: str
    ack_code: str | None
    error_code: int | None
    error_text: str
    attempts: int

    @property
    def accepted(self) -> bool:
        return self.ack_code in ("AA", "CA")


@dataclass(frozen=True)
class _Options:
    host: str
    port: int
    timeout: float
    retries: int
    backoff: float
    max_backoff: float


def to_cr_segments(message: bytes) -> bytes:
    """Re-join a message's segments with CR (what MLLP requires), ending with a CR."""
    lines = [line for line in _LINE_BREAK.split(message) if line.strip()]
    return b"\r".join(lines) + b"\r" if lines else b""


def split_messages(file_bytes: bytes) -> list[bytes]:
    """Split a file holding one or many messages (any separator, batch envelopes skipped).

    Each message starts at an MSH line; lines before the first MSH are dropped. Messages come
    back with CR segment separators, ready to send.
    """
    messages: list[list[bytes]] = []
    current: list[bytes] | None = None
    for line in _LINE_BREAK.split(file_bytes.removeprefix(b"\xef\xbb\xbf")):
        if not line.strip():
            continue
        tag = line.lstrip(b" \t")[:3]
        if tag in _BATCH_TAGS:
            current = None
        elif tag == b"MSH":
            current = [line]
            messages.append(current)
        elif current is not None:
            current.append(line)
    return [b"\r".join(lines) + b"\r" for lines in messages]


class _Link:
    """One connection with its decoder; reconnects lazily."""

    def __init__(self, options: _Options) -> None:
        self._options = options
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._decoder = MLLPDecoder(DEFAULT_MAX_FRAME_SIZE)
        self._frames: deque[bytes] = deque()

    async def exchange(self, frame: bytes, control_id: str) -> AckResult:
        async with asyncio.timeout(self._options.timeout):
            writer = await self._connected()
            writer.write(frame)
            await writer.drain()
            while True:
                ack = parse_ack(await self._next_frame())
                if not control_id or ack.acked_control_id == control_id:
                    return ack
                log.warning("mllp.client.unexpected_ack acked=%s", ack.acked_control_id)

    async def _connected(self) -> asyncio.StreamWriter:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(
                self._options.host, self._options.port
            )
        return self._writer

    async def _next_frame(self) -> bytes:
        while not self._frames:
            assert self._reader is not None
            data = await self._reader.read(READ_SIZE)
            if not data:
                raise ConnectionResetError("connection closed before the ACK arrived")
            for item in self._decoder.feed(data):
                if isinstance(item, FrameTooLarge):
                    raise ConnectionResetError("ACK frame too large")
                self._frames.append(item)
        return self._frames.popleft()

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        self._decoder = MLLPDecoder(DEFAULT_MAX_FRAME_SIZE)
        self._frames.clear()
        if writer is not None:
            writer.close()
            with suppress(OSError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 2)


def _delay(options: _Options, attempt: int) -> float:
    base = min(options.max_backoff, options.backoff * 2.0 ** max(0, attempt - 2))
    jitter: float = random.uniform(0.5, 1.0)
    return base * jitter


async def _deliver(link: _Link, index: int, message: bytes, options: _Options) -> SendResult:
    header, _ = sniff_header(message)
    control_id = header.control_id if header else ""
    try:
        frame = encode_frame(to_cr_segments(message))
    except MLLPFramingError as exc:
        return SendResult(index, control_id, None, None, str(exc), 0)
    last_error = ""
    for attempt in range(1, options.retries + 2):
        if attempt > 1:
            await asyncio.sleep(_delay(options, attempt))
        try:
            ack = await link.exchange(frame, control_id)
            return SendResult(
                index, control_id, ack.ack_code, ack.error_code, ack.error_text, attempt
            )
        except _RETRYABLE as exc:
            last_error = f"{type(exc).__name__}: {exc}".rstrip(": ")
            log.warning(
                "mllp.client.retry control_id=%s attempt=%d error=%s",
                control_id,
                attempt,
                last_error,
            )
            await link.close()
    attempts = options.retries + 1
    return SendResult(
        index, control_id, None, None, f"no ACK after {attempts} attempts ({last_error})", attempts
    )


async def _worker(
    queue: deque[tuple[int, bytes]], results: dict[int, SendResult], options: _Options
) -> None:
    link = _Link(options)
    try:
        while queue:
            index, message = queue.popleft()
            results[index] = await _deliver(link, index, message, options)
    finally:
        await link.close()


async def send_messages_async(
    host: str,
    port: int,
    messages: Iterable[bytes],
    *,
    timeout: float = 30.0,
    retries: int = 3,
    connections: int = 1,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
) -> list[SendResult]:
    """Send every message and return one SendResult per message, in input order."""
    options = _Options(host, port, timeout, retries, backoff, max_backoff)
    queue = deque(enumerate(messages))
    results: dict[int, SendResult] = {}
    workers = max(1, min(connections, len(queue)))
    await asyncio.gather(*(_worker(queue, results, options) for _ in range(workers)))
    return [results[i] for i in sorted(results)]


def send_messages(
    host: str,
    port: int,
    messages: Iterable[bytes],
    *,
    timeout: float = 30.0,
    retries: int = 3,
    connections: int = 1,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
) -> list[SendResult]:
    """Blocking wrapper of ``send_messages_async`` (for management commands and scripts)."""
    return asyncio.run(
        send_messages_async(
            host,
            port,
            messages,
            timeout=timeout,
            retries=retries,
            connections=connections,
            backoff=backoff,
            max_backoff=max_backoff,
        )
    )
