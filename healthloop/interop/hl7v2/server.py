"""Asyncio MLLP listener that runs a synchronous handler in a bounded thread pool.

Guarantees, per connection: frames are handled one at a time in arrival order, and a frame's ACK
is written only after the handler returned (the handler commits before it returns). A handler
that raises still gets its sender an answer: AR with code 207. On SIGTERM/SIGINT ``serve`` stops
accepting, lets in-flight messages finish and write their ACKs, then closes every connection;
frames received but not yet started are left unanswered so the sender re-sends them.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass

from .ack import ack_for_bytes, parse_ack
from .errors import ErrorCode, HL7ParseError
from .framing import DEFAULT_MAX_FRAME_SIZE, FrameTooLarge, MLLPDecoder, encode_frame

Handler = Callable[[bytes, str], bytes]

log = logging.getLogger(__name__)
READ_SIZE = 64 * 1024


def log_event(level: int, event: str, **fields: object) -> None:
    """Structured log line: the event name and key=value text, and the same in ``extra``."""
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    log.log(level, "%s %s", event, text, extra={"hl7_event": event, "hl7": fields})


@dataclass(eq=False)
class _Connection:
    peer: str
    task: asyncio.Task[None] | None
    busy: bool = False


def _peer_name(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    if isinstance(peer, tuple) and len(peer) >= 2:
        return f"{peer[0]}:{peer[1]}"
    return str(peer)


class MLLPServer:
    """The listener. ``start`` binds, ``shutdown`` stops gracefully; see ``serve``."""

    def __init__(
        self,
        handler: Handler,
        *,
        max_connections: int = 64,
        idle_timeout: float = 300.0,
        workers: int = 8,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        shutdown_grace: float = 30.0,
    ) -> None:
        self._handler = handler
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self.max_frame_size = max_frame_size
        self.shutdown_grace = shutdown_grace
        self.workers = workers
        self._executor: ThreadPoolExecutor | None = None
        self._connections: set[_Connection] = set()
        self._server: asyncio.Server | None = None
        self._stopping = False

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._on_connect, host, port)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="mllp")
        log_event(logging.INFO, "mllp.listening", host=host, port=self.port)

    @property
    def port(self) -> int:
        if self._server is None or not self._server.sockets:
            raise RuntimeError("server not started")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def active_connections(self) -> int:
        return len(self._connections)

    async def shutdown(self) -> None:
        """Stop accepting, let busy connections finish their message, close the rest."""
        if self._stopping:
            return
        self._stopping = True
        if self._server is not None:
            self._server.close()
        for conn in list(self._connections):
            if not conn.busy and conn.task is not None:
                conn.task.cancel()
        tasks = [c.task for c in self._connections if c.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.shutdown_grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        log_event(logging.INFO, "mllp.stopped")

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = _peer_name(writer)
        if self._stopping or len(self._connections) >= self.max_connections:
            log_event(
                logging.WARNING, "mllp.connection_refused", peer=peer, active=len(self._connections)
            )
            writer.close()
            return
        conn = _Connection(peer, asyncio.current_task())
        self._connections.add(conn)
        log_event(logging.INFO, "mllp.connection_opened", peer=peer)
        try:
            await self._serve_connection(conn, reader, writer)
        except OSError as exc:
            log_event(logging.INFO, "mllp.connection_lost", peer=peer, error=type(exc).__name__)
        finally:
            self._connections.discard(conn)
            writer.close()
            with suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(writer.wait_closed(), 5)
            log_event(logging.INFO, "mllp.connection_closed", peer=peer)

    async def _serve_connection(
        self, conn: _Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        decoder = MLLPDecoder(self.max_frame_size)
        try:
            while not self._stopping:
                try:
                    data = await asyncio.wait_for(reader.read(READ_SIZE), self.idle_timeout)
                except TimeoutError:
                    log_event(logging.INFO, "mllp.idle_timeout", peer=conn.peer)
                    return
                if not data:
                    return
                for item in decoder.feed(data):
                    if self._stopping:
                        return
                    await self._answer(conn, item, writer)
        finally:
            if decoder.junk_bytes:
                log_event(logging.WARNING, "mllp.junk", peer=conn.peer, bytes=decoder.junk_bytes)

    async def _answer(
        self, conn: _Connection, item: bytes | FrameTooLarge, writer: asyncio.StreamWriter
    ) -> None:
        conn.busy = True
        try:
            started = time.monotonic()
            if isinstance(item, FrameTooLarge):
                frame = self._oversize_ack(item, conn.peer)
            else:
                frame = await self._run_handler(item, conn.peer)
            writer.write(frame)
            await writer.drain()
            _log_ack(conn.peer, frame, time.monotonic() - started)
        finally:
            conn.busy = False

    def _oversize_ack(self, item: FrameTooLarge, peer: str) -> bytes:
        log_event(logging.WARNING, "mllp.frame_too_large", peer=peer, limit=item.limit)
        error = HL7ParseError(
            ErrorCode.APPLICATION_INTERNAL_ERROR, f"message larger than {item.limit} bytes"
        )
        return encode_frame(ack_for_bytes(item.head, error, code="AR"))

    async def _run_handler(self, message: bytes, peer: str) -> bytes:
        loop = asyncio.get_running_loop()
        try:
            ack = await loop.run_in_executor(self._executor, self._handler, message, peer)
            # A handler typed "-> bytes" can still return anything at run time.
            if not isinstance(ack, bytes):
                raise TypeError(f"handler returned {type(ack).__name__}, not bytes")
            return encode_frame(ack)
        except Exception as exc:
            log.exception(
                "mllp.handler_failed peer=%s", peer, extra={"hl7_event": "mllp.handler_failed"}
            )
            error = HL7ParseError(
                ErrorCode.APPLICATION_INTERNAL_ERROR,
                f"internal error while processing the message ({type(exc).__name__})",
            )
            return encode_frame(ack_for_bytes(message, error))


def _log_ack(peer: str, frame: bytes, seconds: float) -> None:
    try:
        ack = parse_ack(frame[1:-2])
        code, control_id = ack.ack_code, ack.acked_control_id
    except HL7ParseError:
        code, control_id = "?", "?"
    log_event(
        logging.INFO,
        "mllp.message",
        peer=peer,
        control_id=control_id,
        ack=code,
        ms=round(seconds * 1000, 1),
    )


def _install_signal_handlers(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> list[int]:
    installed: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            log_event(logging.WARNING, "mllp.no_signal_handler", signal=int(sig))
    return installed


async def serve(
    host: str,
    port: int,
    handler: Handler,
    *,
    max_connections: int = 64,
    idle_timeout: float = 300.0,
    workers: int = 8,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    shutdown_grace: float = 30.0,
    on_started: Callable[[MLLPServer], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run an MLLP listener until SIGTERM/SIGINT (or ``stop`` is set), then shut down gracefully."""
    server = MLLPServer(
        handler,
        max_connections=max_connections,
        idle_timeout=idle_timeout,
        workers=workers,
        max_frame_size=max_frame_size,
        shutdown_grace=shutdown_grace,
    )
    await server.start(host, port)
    stop_event = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = _install_signal_handlers(loop, stop_event)
    try:
        if on_started is not None:
            on_started(server)
        await stop_event.wait()
        log_event(logging.INFO, "mllp.stopping", active=server.active_connections)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        await server.shutdown()
