"""Charsets: MSH-18 honoured, detection when missing or wrong, BOM, and the inverse for ACKs."""

from __future__ import annotations

import pytest

from healthloop.interop.hl7v2.charset import (
    codec_for,
    declared_charset,
    decode_message,
    encode_text,
)
from healthloop.interop.hl7v2.errors import ErrorCode, HL7ParseError
from healthloop.interop.hl7v2.parse import parse_message
from healthloop.interop.hl7v2.tests.helpers import oru

CHINESE_NAME = "张三"
RARE_NAME = "朱镕基"  # 镕 is in GBK but not in GB2312


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UNICODE UTF-8", "utf-8"),
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("GB18030", "gb18030"),
        ("GB 18030-2000", "gb18030"),
        ("GBK", "gbk"),
        ("GB2312", "gb2312"),
        ("ASCII", "ascii"),
        ("8859/1", "latin-1"),
        ("8859/15", "iso8859-15"),
        ("UNICODE", "utf-8"),
    ],
)
def test_msh18_labels_map_to_python_codecs(label: str, codec: str) -> None:
    # given / when / then
    assert codec_for(label) == codec


def test_unknown_msh18_label_maps_to_none() -> None:
    # given / when / then
    assert codec_for("EBCDIC") is None


def test_declared_charset_is_read_from_raw_bytes_before_decoding() -> None:
    # given
    raw = oru(charset="GB18030", family=CHINESE_NAME).encode("gb18030")

    # when / then
    assert declared_charset(raw) == "GB18030"


def test_declared_charset_takes_the_first_repetition() -> None:
    # given
    raw = oru(charset="UNICODE UTF-8~GB18030").encode()

    # when / then
    assert declared_charset(raw) == "UNICODE UTF-8"


def test_utf8_declared_decodes_as_declared() -> None:
    # given
    raw = oru(charset="UNICODE UTF-8", family=CHINESE_NAME).encode("utf-8")

    # when
    decoded = decode_message(raw)

    # then
    assert (decoded.codec, decoded.declared, decoded.detected) == ("utf-8", "UNICODE UTF-8", False)
    assert CHINESE_NAME in decoded.text


def test_gb18030_declared_decodes_chinese_name() -> None:
    # given
    raw = oru(charset="GB18030", family=RARE_NAME).encode("gb18030")

    # when
    message = parse_message(raw)

    # then
    assert message.patient is not None
    assert message.patient.family == RARE_NAME
    assert (message.charset.codec, message.charset.detected) == ("gb18030", False)


def test_gbk_without_msh18_is_detected_as_gb18030() -> None:
    # given
    raw = oru(family=CHINESE_NAME).encode("gbk")

    # when
    message = parse_message(raw)

    # then
    assert message.patient is not None
    assert message.patient.family == CHINESE_NAME
    assert message.charset.codec == "gb18030"
    assert message.charset.detected is True
    assert message.charset.declared == ""


def test_gb2312_declared_but_gbk_bytes_fall_back_to_gb18030() -> None:
    # given
    raw = oru(charset="GB2312", family=RARE_NAME).encode("gbk")

    # when
    decoded = decode_message(raw)

    # then
    assert decoded.codec == "gb18030"
    assert decoded.detected is True
    assert RARE_NAME in decoded.text
    assert any("GB2312" in w for w in decoded.warnings)


def test_wrong_declaration_utf8_on_gbk_bytes_is_detected_with_warning() -> None:
    # given
    raw = oru(charset="UNICODE UTF-8", family=CHINESE_NAME).encode("gbk")

    # when
    message = parse_message(raw)

    # then
    assert message.patient is not None
    assert message.patient.family == CHINESE_NAME
    assert (message.charset.codec, message.charset.declared) == ("gb18030", "UNICODE UTF-8")
    assert message.charset.detected is True
    assert any("do not decode as utf-8" in w for w in message.warnings)


def test_ascii_declared_with_utf8_bytes_is_detected_as_utf8() -> None:
    # given
    raw = oru(charset="ASCII", family=CHINESE_NAME).encode("utf-8")

    # when
    decoded = decode_message(raw)

    # then
    assert (decoded.codec, decoded.detected) == ("utf-8", True)


def test_latin1_declared_on_utf8_bytes_is_read_as_utf8() -> None:
    # given
    raw = oru(charset="8859/1", family="MÜLLER").encode("utf-8")

    # when
    decoded = decode_message(raw)

    # then
    assert decoded.codec == "utf-8"
    assert "MÜLLER" in decoded.text


def test_latin1_declared_on_latin1_bytes_is_honoured() -> None:
    # given
    raw = oru(charset="8859/1", family="MÜLLER").encode("latin-1")

    # when
    decoded = decode_message(raw)

    # then
    assert (decoded.codec, decoded.detected) == ("latin-1", False)
    assert "MÜLLER" in decoded.text


def test_utf8_bom_is_stripped() -> None:
    # given
    raw = b"\xef\xbb\xbf" + oru(family=CHINESE_NAME).encode("utf-8")

    # when
    decoded = decode_message(raw)

    # then
    assert decoded.text.startswith("MSH|")
    assert decoded.codec == "utf-8"


def test_bytes_that_fit_no_charset_raise_hl7_parse_error() -> None:
    # given: 0x80 and 0xFF are invalid both in UTF-8 and as GB18030 lead bytes
    raw = oru().encode() + b"\x80\xff"

    # when / then
    with pytest.raises(HL7ParseError) as caught:
        decode_message(raw)
    assert caught.value.code == ErrorCode.DATA_TYPE_ERROR


def test_encode_text_is_the_inverse_for_the_senders_charset() -> None:
    # given
    text = f"MSA|AE|1|{CHINESE_NAME}"

    # when / then
    assert encode_text(text, "gb18030").decode("gb18030") == text
    assert encode_text(text, "ascii") == b"MSA|AE|1|??"


def test_utf16_with_bom_is_decoded() -> None:
    # given
    raw = oru(family=CHINESE_NAME).encode("utf-16")

    # when
    decoded = decode_message(raw)

    # then
    assert (decoded.codec, decoded.detected) == ("utf-16", True)
    assert decoded.text.startswith("MSH|") and CHINESE_NAME in decoded.text


def test_truncated_utf16_falls_back_to_detection_and_fails_cleanly() -> None:
    # given
    raw = b"\xfe\xff" + b"\x00" * 13

    # when / then
    with pytest.raises(HL7ParseError):
        parse_message(raw)
