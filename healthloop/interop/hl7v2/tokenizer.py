"""HL7 v2 ER7 ("pipe and hat") tokenizer: segments, fields, repetitions, components, escapes.

Our own small tokenizer rather than python-hl7: it accepts CR, CRLF and LF segment separators,
validates MSH-1/MSH-2 strictly (the delimiters decide how every other byte is read), never
recurses, and is linear in the input size, so hostile input fails fast with an HL7ParseError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .errors import ErrorCode, HL7ParseError

BATCH_SEGMENTS = frozenset({"FHS", "BHS", "BTS", "FTS"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{2}\Z")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})+\Z")


@dataclass(frozen=True)
class Delimiters:
    """The separators declared in MSH-1 and MSH-2."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    escape: str = "\\"
    subcomponent: str = "&"
    truncation: str = ""


STANDARD_DELIMITERS = Delimiters()


def read_delimiters(msh_line: str) -> Delimiters:
    """Read and validate MSH-1 and MSH-2 from an MSH segment line."""
    if len(msh_line) < 4:
        raise HL7ParseError(ErrorCode.REQUIRED_FIELD_MISSING, "MSH-1 is missing", "MSH", 1)
    field = msh_line[3]
    if field.isalnum() or field.isspace():
        raise HL7ParseError(
            ErrorCode.DATA_TYPE_ERROR, f"invalid field separator {field!r}", "MSH", 1
        )
    encoding = msh_line[4:].split(field, 1)[0]
    _check_encoding_characters(encoding, field)
    truncation = encoding[4] if len(encoding) == 5 else ""
    return Delimiters(field, encoding[0], encoding[1], encoding[2], encoding[3], truncation)


def _check_encoding_characters(encoding: str, field: str) -> None:
    if len(encoding) not in (4, 5):
        raise HL7ParseError(
            ErrorCode.DATA_TYPE_ERROR,
            f"MSH-2 must hold 4 encoding characters (5 from v2.7), got {encoding[:10]!r}",
            "MSH",
            2,
        )
    bad = [c for c in encoding if c.isalnum() or c.isspace() or c == field]
    if bad or len(set(encoding)) != len(encoding):
        raise HL7ParseError(
            ErrorCode.DATA_TYPE_ERROR,
            f"MSH-2 {encoding!r} has repeated, alphanumeric or separator characters",
            "MSH",
            2,
        )


@dataclass(frozen=True)
class Segment:
    """One segment. ``fields[0]`` is the segment ID; for MSH, ``fields[1]`` is MSH-2."""

    id: str
    fields: tuple[str, ...]
    sequence: int
    delimiters: Delimiters

    def raw(self, n: int) -> str:
        """Field ``n`` (HL7 numbering) as raw, still escaped text; "" when absent."""
        if self.id == "MSH":
            if n == 1:
                return self.delimiters.field
            n -= 1
        return self.fields[n] if 0 < n < len(self.fields) else ""

    def repetitions(self, n: int) -> list[Value]:
        """Field ``n`` split into repetitions (empty ones dropped)."""
        raw = self.raw(n)
        if not raw:
            return []
        parts = raw.split(self.delimiters.repetition)
        return [Value(p, self.delimiters) for p in parts if p.strip()]

    def first(self, n: int) -> Value:
        """The first repetition of field ``n`` (an empty Value when absent)."""
        raw = self.raw(n).split(self.delimiters.repetition, 1)[0]
        return Value(raw, self.delimiters)

    def text(self, n: int, component: int = 1, subcomponent: int = 1) -> str:
        """Unescaped, stripped text of field ``n``, component, sub-component (first repetition)."""
        return self.first(n).text(component, subcomponent)


@dataclass(frozen=True)
class Value:
    """One repetition of a field, with component access."""

    raw: str
    delimiters: Delimiters

    @cached_property
    def _components(self) -> tuple[str, ...]:
        return tuple(self.raw.split(self.delimiters.component))

    def components(self) -> list[str]:
        return list(self._components)

    def raw_component(self, i: int) -> str:
        parts = self._components
        return parts[i - 1] if 0 < i <= len(parts) else ""

    def text(self, component: int = 1, subcomponent: int = 1) -> str:
        """Unescaped, stripped text of one component / sub-component; HL7 null '""' gives ""."""
        raw = self.raw_component(component)
        if subcomponent != 1 or self.delimiters.subcomponent in raw:
            parts = raw.split(self.delimiters.subcomponent)
            raw = parts[subcomponent - 1] if 0 < subcomponent <= len(parts) else ""
        value = unescape(raw, self.delimiters).strip()
        return "" if value == '""' else value

    def full_text(self) -> str:
        """The whole repetition unescaped, keeping component separators literally."""
        return unescape(self.raw, self.delimiters)

    def is_empty(self) -> bool:
        return not self.raw.strip(self.delimiters.component + self.delimiters.subcomponent + " ")


def split_lines(text: str) -> list[str]:
    """Split message text into segment lines on CR, CRLF or LF; drop blank lines."""
    lines = (line.lstrip(" \t") for line in _LINE_BREAK.split(text.removeprefix("\ufeff")))
    return [line for line in lines if line.strip()]


def group_messages(lines: list[str]) -> list[list[str]]:
    """Group segment lines into messages, one per MSH; batch envelopes (FHS/BHS/BTS/FTS) dropped."""
    messages: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        tag = line[:3]
        if tag in BATCH_SEGMENTS:
            current = None
        elif tag == "MSH":
            current = [line]
            messages.append(current)
        elif current is None:
            raise HL7ParseError(
                ErrorCode.SEGMENT_SEQUENCE_ERROR,
                f"segment {tag!r} appears before any MSH segment",
                tag if _SEGMENT_ID.match(tag) else None,
            )
        else:
            current.append(line)
    if not messages:
        raise HL7ParseError(ErrorCode.SEGMENT_SEQUENCE_ERROR, "no MSH segment found", "MSH")
    return messages


def tokenize(lines: list[str]) -> list[Segment]:
    """Turn the lines of one message (MSH first) into segments."""
    delimiters = read_delimiters(lines[0])
    counts: dict[str, int] = {}
    segments: list[Segment] = []
    for line in lines:
        fields = tuple(line.split(delimiters.field))
        seg_id = fields[0]
        if not _SEGMENT_ID.match(seg_id):
            raise HL7ParseError(
                ErrorCode.SEGMENT_SEQUENCE_ERROR,
                f"invalid segment ID {seg_id[:12]!r} (segment {len(segments) + 1})",
            )
        counts[seg_id] = counts.get(seg_id, 0) + 1
        segments.append(Segment(seg_id, fields, counts[seg_id], delimiters))
    return segments


@lru_cache(maxsize=32)
def _escape_pattern(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(f"{e}([^{e}]{{1,64}}){e}")


def unescape(text: str, d: Delimiters) -> str:
    """Decode HL7 escape sequences (\\F\\ \\S\\ \\T\\ \\R\\ \\E\\ \\.br\\ \\Xhh\\ ...).

    Unknown or unterminated sequences are kept literally.
    """
    if d.escape not in text:
        return text
    simple = {
        "F": d.field,
        "S": d.component,
        "T": d.subcomponent,
        "R": d.repetition,
        "E": d.escape,
        "P": d.truncation,
    }

    def replace(match: re.Match[str]) -> str:
        seq = match.group(1)
        mapped = simple.get(seq)
        if mapped:
            return mapped
        return _formatting(seq, match.group(0))

    return _escape_pattern(d.escape).sub(replace, text)


def _formatting(seq: str, original: str) -> str:
    if seq == ".br" or seq.startswith(".sp"):
        return "\n"
    if seq in ("H", "N", ".fi", ".nf", ".ce") or seq[:3] in (".in", ".ti", ".sk"):
        return ""
    if seq[:1] in ("C", "M", "Z"):
        return ""
    if seq[:1] == "X" and _HEX.match(seq[1:]):
        return bytes.fromhex(seq[1:]).decode("latin-1")
    return original


def escape(text: str, d: Delimiters = STANDARD_DELIMITERS) -> str:
    """Escape text for use inside one component (the inverse of ``unescape``)."""
    e = d.escape
    out = text.replace(e, f"{e}E{e}")
    for char, code in (
        (d.field, "F"),
        (d.component, "S"),
        (d.subcomponent, "T"),
        (d.repetition, "R"),
    ):
        out = out.replace(char, f"{e}{code}{e}")
    if d.truncation:
        out = out.replace(d.truncation, f"{e}P{e}")
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", f"{e}.br{e}")
