"""Character sets: raw HL7 bytes to text, honouring MSH-18, and text back to the sender's bytes.

MSH-18 is read from the raw bytes before anything is decoded: the MSH segment is ASCII in every
character set we accept (UTF-8, GB18030/GBK/GB2312, ISO 8859-x, ASCII). When MSH-18 is missing,
unknown, or wrong (the bytes do not decode with it), the charset is detected: strict UTF-8 first,
then GB18030 (a superset of GBK and GB2312, the usual undeclared Chinese encodings). The result
says which codec was used and whether it was declared or detected.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .errors import ErrorCode, HL7ParseError

UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SEGMENT_START = re.compile(rb"(?:^|[\r\n])MSH")
_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312"})

# HL7 table 0211 plus the spellings Chinese HIS/LIS vendors actually send, normalised by
# _normalise() (upper case, alphanumerics only).
_CODECS = {
    "ASCII": "ascii",
    "USASCII": "ascii",
    "ISOIR6": "ascii",
    "UNICODE": "utf-8",
    "UNICODEUTF8": "utf-8",
    "UTF8": "utf-8",
    "GB18030": "gb18030",
    "GB180302000": "gb18030",
    "GB180302005": "gb18030",
    "GBK": "gbk",
    "CP936": "gbk",
    "GB2312": "gb2312",
    "EUCCN": "gb2312",
    "BIG5": "big5",
    "ISOIR58": "gb2312",
    "KSX1001": "euc_kr",
    "ISOIR87": "iso2022_jp",
    "ISOIR14": "shift_jis",
    "88591": "latin-1",
    "ISO88591": "latin-1",
    "LATIN1": "latin-1",
    "88592": "iso8859-2",
    "88593": "iso8859-3",
    "88594": "iso8859-4",
    "88595": "iso8859-5",
    "88596": "iso8859-6",
    "88597": "iso8859-7",
    "88598": "iso8859-8",
    "88599": "iso8859-9",
    "885915": "iso8859-15",
}


@dataclass(frozen=True)
class DecodedText:
    """Decoded message text and how it was decoded."""

    text: str
    codec: str
    declared: str
    detected: bool
    warnings: tuple[str, ...] = ()


def _normalise(label: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", label.upper())


def codec_for(label: str) -> str | None:
    """Python codec for an MSH-18 value such as "UNICODE UTF-8" or "8859/1"; None if unknown."""
    return _CODECS.get(_normalise(label))


def declared_charset(raw: bytes) -> str:
    """MSH-18 of the first MSH segment, read from the raw bytes ("" when absent)."""
    match = _SEGMENT_START.search(raw)
    if match is None or match.end() >= len(raw):
        return ""
    start = match.end()
    separator = raw[start : start + 1]
    line_end = len(raw)
    for terminator in (b"\r", b"\n"):
        found = raw.find(terminator, start)
        if found >= 0:
            line_end = min(line_end, found)
    fields = raw[start + 1 : line_end].split(separator)
    # fields[0] is MSH-2, so MSH-n is fields[n - 2].
    if len(fields) < 17:
        return ""
    value = fields[16]
    if len(fields[0]) >= 2:
        value = value.split(fields[0][1:2])[0]  # first repetition: the default charset
    return value.decode("ascii", errors="replace").strip()


def decode_message(raw: bytes) -> DecodedText:
    """Decode raw message bytes to text (BOM stripped); raise HL7ParseError if nothing fits."""
    if raw.startswith(_UTF16_BOMS):
        wide = _try_decode(raw, "utf-16")
        if wide is not None:
            return DecodedText(wide.removeprefix("\ufeff"), "utf-16", "", True)
    body = raw.removeprefix(UTF8_BOM)
    declared = declared_charset(body)
    codec = codec_for(declared) if declared else None
    warnings: list[str] = []
    if declared and codec is None:
        warnings.append(f"MSH-18 {declared!r} is not a known character set; detecting")
    if codec is not None:
        if _looks_like_mislabelled_utf8(body, codec):
            note = f"MSH-18 declares {declared!r} but the bytes are UTF-8; decoded as utf-8"
            return DecodedText(body.decode("utf-8"), "utf-8", declared, True, (note,))
        as_declared = _try_decode(body, codec)
        if as_declared is not None:
            return DecodedText(as_declared, codec, declared, False)
        warnings.append(f"MSH-18 declares {declared!r} but the bytes do not decode as {codec}")
    for candidate in _fallback_order(codec):
        detected = _try_decode(body, candidate)
        if detected is not None:
            if declared:
                warnings.append(f"decoded as {candidate} (detected)")
            return DecodedText(detected, candidate, declared, True, tuple(warnings))
    raise HL7ParseError(
        ErrorCode.DATA_TYPE_ERROR,
        "message bytes are neither valid UTF-8 nor GB18030 and MSH-18 does not fit them",
        "MSH",
        18,
    )


def _looks_like_mislabelled_utf8(body: bytes, codec: str) -> bool:
    """An ISO 8859 label on bytes that are valid, non-ASCII UTF-8 (8859 never fails to decode)."""
    if not (codec == "latin-1" or codec.startswith("iso8859")) or body.isascii():
        return False
    return _try_decode(body, "utf-8") is not None


def _fallback_order(declared_codec: str | None) -> tuple[str, ...]:
    if declared_codec in _GB_FAMILY:
        return ("gb18030", "utf-8")
    return ("utf-8", "gb18030")


def _try_decode(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def encode_text(text: str, codec: str) -> bytes:
    """Encode text (e.g. an ACK) in the sender's charset; unencodable characters become '?'."""
    try:
        return text.encode(codec, errors="replace")
    except LookupError:
        return text.encode("utf-8")
