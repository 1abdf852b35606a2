"""MLLP framing: <VT> message <FS><CR> (0x0B ... 0x1C 0x0D), HL7 v2 Minimal Lower Layer Protocol.

``MLLPDecoder`` is incremental: feed it whatever ``read()`` returned and it hands back the
complete frames, whatever the chunking (a message split over many reads, several messages in one
read, one byte at a time). Bytes outside a frame are junk: discarded and counted. A frame that
grows past ``max_frame_size`` is not buffered further: the decoder reports a ``FrameTooLarge``
(with the first bytes, so a header can still be read for the ACK) and skips to the frame's end.
"""

from __future__ import annotations

from dataclasses import dataclass

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c"
CARRIAGE_RETURN = b"\x0d"
TRAILER = END_BLOCK + CARRIAGE_RETURN

DEFAULT_MAX_FRAME_SIZE = 10 * 1024 * 1024
HEAD_SIZE = 2048


class MLLPFramingError(ValueError):
    """A message that cannot be put in an MLLP frame (it contains the framing bytes)."""


@dataclass(frozen=True)
class FrameTooLarge:
    """A frame that exceeded the size limit; ``head`` holds its first bytes."""

    head: bytes
    limit: int


def encode_frame(message: bytes) -> bytes:
    """Wrap one message in an MLLP frame."""
    if START_BLOCK in message or TRAILER in message:
        raise MLLPFramingError("message contains MLLP framing bytes (0x0B or 0x1C 0x0D)")
    return START_BLOCK + message + TRAILER


class MLLPDecoder:
    """Incremental MLLP frame decoder; one instance per connection."""

    def __init__(self, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> None:
        if max_frame_size < 1:
            raise ValueError("max_frame_size must be positive")
        self.max_frame_size = max_frame_size
        self.junk_bytes = 0
        self.frames_decoded = 0
        self.oversize_frames = 0
        self.aborted_frames = 0
        self._buffer = bytearray()
        self._in_frame = False
        self._skipping = False
        self._pending_end = False

    @property
    def buffered(self) -> int:
        """Bytes held for an incomplete frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes | FrameTooLarge]:
        """Consume ``data``; return the frames it completed, in order."""
        out: list[bytes | FrameTooLarge] = []
        pos = 0
        while pos < len(data):
            if self._in_frame:
                pos = self._consume_frame_bytes(data, pos, out)
            else:
                pos = self._seek_start(data, pos)
        return out

    def _seek_start(self, data: bytes, pos: int) -> int:
        start = data.find(START_BLOCK, pos)
        if start < 0:
            self.junk_bytes += len(data) - pos
            return len(data)
        self.junk_bytes += start - pos
        self._begin_frame()
        return start + 1

    def _begin_frame(self) -> None:
        self._in_frame = True
        self._skipping = False
        self._pending_end = False
        self._buffer.clear()

    def _consume_frame_bytes(self, data: bytes, pos: int, out: list[bytes | FrameTooLarge]) -> int:
        if self._pending_end:
            self._pending_end = False
            if data[pos : pos + 1] == CARRIAGE_RETURN:
                self._finish(out)
                return pos + 1
            self._append(END_BLOCK, out)
        end = data.find(TRAILER, pos)
        restart = data.find(START_BLOCK, pos)
        if restart >= 0 and (end < 0 or restart < end):
            # A new start block before this frame ended: the sender gave up on it.
            self._append(data[pos:restart], out)
            self._abort()
            return restart
        if end >= 0:
            self._append(data[pos:end], out)
            self._finish(out)
            return end + len(TRAILER)
        chunk = data[pos:]
        if chunk.endswith(END_BLOCK):
            self._pending_end = True
            chunk = chunk[:-1]
        self._append(chunk, out)
        return len(data)

    def _append(self, chunk: bytes, out: list[bytes | FrameTooLarge]) -> None:
        if self._skipping or not chunk:
            return
        if len(self._buffer) + len(chunk) > self.max_frame_size:
            head = bytes((self._buffer + chunk)[:HEAD_SIZE])
            out.append(FrameTooLarge(head=head, limit=self.max_frame_size))
            self.oversize_frames += 1
            self._skipping = True
            self._buffer.clear()
            return
        self._buffer += chunk

    def _finish(self, out: list[bytes | FrameTooLarge]) -> None:
        if not self._skipping:
            out.append(bytes(self._buffer))
            self.frames_decoded += 1
        self._buffer.clear()
        self._in_frame = False
        self._skipping = False

    def _abort(self) -> None:
        self.junk_bytes += len(self._buffer) + 1  # the discarded bytes and their start block
        self.aborted_frames += 1
        self._buffer.clear()
        self._in_frame = False
        self._skipping = False
