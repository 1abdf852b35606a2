"""Parsing rules on small built messages: separators, structure errors, merges, Chinese names."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from healthloop.interop.hl7v2.errors import ErrorCode, HL7ParseError
from healthloop.interop.hl7v2.handling import check_supported
from healthloop.interop.hl7v2.model import Identifier, StructuredNumeric
from healthloop.interop.hl7v2.parse import parse_message, parse_messages
from healthloop.interop.hl7v2.tests.helpers import oru

ADT_A40 = "\r".join(
    [
        "MSH|^~\\&|HIS|HOSP|HL|HL|20240301120000||ADT^A40^ADT_A39|M40|P|2.5",
        "EVN|A40|20240301120000",
        "PID|1||NEW001^^^HOSP^MR~110101199003071234^^^CHN^NNCHN||张三||19900307|男",
        "MRG|OLD777^^^HOSP^MR~OLD888^^^LIS^PI||ACC9||V42",
        "PID|1||NEW002^^^HOSP^MR||李四||19850101|2",
        "MRG|OLD999^^^HOSP^MR",
    ]
)


def _error(data: str | bytes) -> HL7ParseError:
    with pytest.raises(HL7ParseError) as caught:
        parse_messages(data)
    return caught.value


@pytest.mark.parametrize("sep", ["\r", "\r\n", "\n"])
def test_cr_crlf_and_lf_separators_give_the_same_message(sep: str) -> None:
    # given
    text = oru(sep=sep)

    # when
    message = parse_message(text)

    # then
    assert message.segment_ids == ("MSH", "PID", "OBR", "OBX")
    assert message.orders[0].results[0].value == Decimal("5.6")


def test_chinese_single_field_name_is_kept_whole() -> None:
    # given
    text = oru(family="张三").replace("张三^JOHN", "张三")

    # when
    patient = parse_message(text).patient

    # then
    assert patient is not None
    assert (patient.family, patient.given) == ("张三", "")


def test_adt_a40_gives_one_merge_per_pid_mrg_pair() -> None:
    # given / when
    message = parse_message(ADT_A40)

    # then
    first, second = message.merges
    assert first.patient is not None and first.patient.family == "张三"
    assert first.patient.sex == "M"
    assert first.patient.identifiers[1] == Identifier("110101199003071234", "CHN", "NNCHN", "PID-3")
    assert first.prior_identifiers == (
        Identifier("OLD777", "HOSP", "MR", "MRG-1"),
        Identifier("OLD888", "LIS", "PI", "MRG-1"),
    )
    assert (first.prior_account_number, first.prior_visit_number) == ("ACC9", "V42")
    assert second.patient is not None and second.patient.sex == "F"
    assert second.prior_identifiers == (Identifier("OLD999", "HOSP", "MR", "MRG-1"),)
    assert message.patient == first.patient


def test_adt_a40_without_mrg_is_a_segment_sequence_error() -> None:
    # given
    text = ADT_A40.split("\rMRG")[0]

    # when
    error = _error(text)

    # then
    assert (error.code, error.segment) == (ErrorCode.SEGMENT_SEQUENCE_ERROR, "MRG")


def test_adt_without_pid_is_a_segment_sequence_error() -> None:
    # given
    text = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|X1|P|2.5\rEVN|A01|20240101"

    # when / then
    assert _error(text).code == ErrorCode.SEGMENT_SEQUENCE_ERROR


def test_oru_without_obr_is_a_segment_sequence_error() -> None:
    # given
    text = "\r".join(line for line in oru().split("\r") if not line.startswith("OBR"))

    # when
    error = _error(text)

    # then
    assert (error.code, error.segment) == (ErrorCode.SEGMENT_SEQUENCE_ERROR, "OBR")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        (9, "", ErrorCode.REQUIRED_FIELD_MISSING),
        (10, "", ErrorCode.REQUIRED_FIELD_MISSING),
        (11, "", ErrorCode.REQUIRED_FIELD_MISSING),
        (12, "", ErrorCode.REQUIRED_FIELD_MISSING),
        (12, "3.0", ErrorCode.UNSUPPORTED_VERSION_ID),
        (12, "2.8.1000000000000000000", ErrorCode.UNSUPPORTED_VERSION_ID),
    ],
)
def test_bad_msh_fields_raise_their_table_0357_code(
    field: int, value: str, code: ErrorCode
) -> None:
    # given
    segments = oru().split("\r")
    msh = segments[0].split("|")
    msh[field - 1] = value
    text = "\r".join(["|".join(msh), *segments[1:]])

    # when
    error = _error(text)

    # then
    assert (error.code, error.segment, error.field) == (code, "MSH", field)


def test_message_not_starting_with_msh_is_rejected() -> None:
    # given / when
    error = _error("PID|1||X\rMSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5")

    # then
    assert (error.code, error.segment) == (ErrorCode.SEGMENT_SEQUENCE_ERROR, "PID")


def test_invalid_segment_id_is_rejected() -> None:
    # given / when
    error = _error(oru() + "obx|lower case id\r")

    # then
    assert error.code == ErrorCode.SEGMENT_SEQUENCE_ERROR


def test_parse_message_refuses_two_messages() -> None:
    # given / when / then
    with pytest.raises(HL7ParseError):
        parse_message(oru("A") + oru("B"))


def test_old_message_without_trigger_takes_it_from_evn() -> None:
    # given
    text = "MSH|^~\\&|A|B|C|D|19940502||ADT|X9|P|2.2\rEVN|A08|19940502\rPID|1||P1"

    # when / then
    assert parse_message(text).header.trigger == "A08"


def test_timestamps_of_every_precision_and_offset() -> None:
    # given
    obx = "OBX|1|NM|X^Y^L||1||||||F|||{ts}"

    def observed(ts: str) -> datetime | None:
        text = oru().replace(oru().split("\r")[3], obx.format(ts=ts))
        return parse_message(text).orders[0].results[0].observed_at

    # when / then
    assert observed("2024") == datetime(2024, 1, 1)
    assert observed("202403") == datetime(2024, 3, 1)
    assert observed("202403051230") == datetime(2024, 3, 5, 12, 30)
    assert observed("20240305123045.12+0800") == datetime(
        2024, 3, 5, 12, 30, 45, 120000, tzinfo=timezone(timedelta(hours=8))
    )
    assert observed("20240230") is None
    assert observed("220241021055726") is None


def test_nm_with_comparator_is_read_as_structured_numeric_with_a_warning() -> None:
    # given
    text = oru().replace("||5.6|", "||<0.5|")

    # when
    message = parse_message(text)

    # then
    assert message.orders[0].results[0].value == StructuredNumeric("<", Decimal("0.5"))
    assert any("has a comparator" in w for w in message.warnings)


def test_nm_that_is_not_a_number_has_no_value_and_a_warning() -> None:
    # given
    text = oru().replace("||5.6|", "||Positive|")

    # when
    message = parse_message(text)

    # then
    result = message.orders[0].results[0]
    assert (result.values, result.raw_value) == ((), "Positive")
    assert any("is not a number" in w for w in message.warnings)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M", "M"),
        ("f", "F"),
        ("男", "M"),
        ("女", "F"),
        ("1", "M"),
        ("2", "F"),
        ("A", "O"),
        ("", "U"),
    ],
)
def test_sex_codes_are_normalised(raw: str, expected: str) -> None:
    # given
    text = oru().replace("19800101|M", f"19800101|{raw}")

    # when
    patient = parse_message(text).patient

    # then
    assert patient is not None
    assert patient.sex == expected


def test_unknown_sex_code_becomes_u_with_a_warning() -> None:
    # given
    text = oru().replace("19800101|M", "19800101|Q")

    # when
    message = parse_message(text)

    # then
    assert message.patient is not None and message.patient.sex == "U"
    assert any("unknown sex code" in w for w in message.warnings)


def test_escapes_use_the_delimiters_declared_in_msh2() -> None:
    # given
    text = oru().replace("MSH|^~\\&", "MSH|^~#&").replace("||5.6|", "||a#F#b#S#c#E#d#.br#e#Zx#|")
    text = text.replace("|NM|", "|ST|")

    # when
    value = parse_message(text).orders[0].results[0].value

    # then
    assert value == "a|b^c#d\ne"


def test_unknown_or_unterminated_escape_is_kept_literally() -> None:
    # given
    text = oru().replace("|NM|", "|ST|").replace("||5.6|", "||C:\\temp\\x and \\r|")

    # when
    value = parse_message(text).orders[0].results[0].value

    # then
    assert value == "C:\\temp\\x and \\r"


def test_check_supported_rejects_unknown_type_event_and_processing_id() -> None:
    # given
    erp = parse_message(oru().replace("ORU^R01^ORU_R01", "ERP^Z99"))
    r30 = parse_message(oru().replace("ORU^R01^ORU_R01", "ORU^R30"))
    training = parse_message(oru().replace("|P|2.5.1", "|X|2.5.1"))

    # when / then
    codes = []
    for message in (erp, r30, training):
        with pytest.raises(HL7ParseError) as caught:
            check_supported(message)
        codes.append(caught.value.code)
    assert codes == [200, 201, 202]
    check_supported(parse_message(oru()))
