"""Every file of the shared HL7 v2 corpus: accepted ones parse to the values read from the file,
rejected ones (NEGATIVE/robustness and fuzz) raise HL7ParseError quickly. See CORPUS_DECISIONS.md.
"""

from __future__ import annotations

import pytest

from healthloop.interop.hl7v2.errors import ErrorCode, HL7ParseError
from healthloop.interop.hl7v2.parse import parse_messages
from healthloop.interop.hl7v2.tests.helpers import CORPUS, corpus_bytes, run_with_deadline

# file -> one (type, trigger, control id, OBX count) per message, read from the files by hand.
ACCEPTED = {
    "athena-oru-amylase-lri.hl7": [("ORU", "R01", "20087.3", 0)],
    "cdc-batch-covid-antigen-elr.hl7": [("ORU", "R01", "1234d1d1-95fe-462c-8ac6-46728dba581c", 5)],
    "cdc-careevolution-otc-covid.hl7": [
        ("ORU", "R01", "20210408181556.d542f884-9598-eb11-aa9d-9b0caef93d5a", 3)
    ],
    "cdc-mn-newborn-natus-epic.hl7": [("ORU", "R01", "20230607002849_0365", 11)],
    "cdc-newborn-screening-cdph.hl7": [("ORU", "R01", "987654321", 18)],
    "cdc-newborn-screening-utf8.hl7": [("ORU", "R01", "AUTOMATEDTEST-003", 149)],
    "cerner-elr-bordetella.hl7": [("ORU", "R01", "201010010913000771", 1)],
    "hapi-adt-a01-24.hl7": [("ADT", "A01", "22139243", 0)],
    "hapi-olis-chem-erp-231.hl7": [("ERP", "Z99", "bf3dd577-2108-47ad-abd2-4f06284f3b55", 0)],
    "hl7-elr-animal-rabies.hl7": [("ORU", "R01", "1234567890", 1)],
    "hl7-elr-campylobacter-badloinc.hl7": [("ORU", "R01", "1234567890", 1)],
    "hl7-elr-campylobacter.hl7": [("ORU", "R01", "1234567890", 1)],
    "mirth-adt-a04-23.hl7": [("ADT", "A04", "934576120110613083617", 0)],
    "mirth-adt-a08-gt1-in1-23.hl7": [("ADT", "A08", "934579920110613072049", 0)],
    "mirth-oru-cmp-17obx.hl7": [("ORU", "R01", "12345678", 17)],
    "ms-adt-a01-v251-ghh.hl7": [("ADT", "A01", "MSG00001", 0)],
    "ms-adt-a01-v28-full.hl7": [("ADT", "A01", "MSG00001", 1)],
    "ms-adt-a04-redox-minimal.hl7": [("ADT", "A04", "1270326314", 0)],
    "ms-adt-a04-v23-nes.hl7": [("ADT", "A04", "Q123456789T123456789X123456", 0)],
    "ms-adt-a08-v28.hl7": [("ADT", "A08", "MSG00001", 1)],
    "ms-lab-oru-cbc-pending.hl7": [("ORU", "R01", "182", 10)],
    "ms-oru-r01-ia-phl-elr.hl7": [
        ("ORU", "R01", "2.16.840.1.114222.4.3.3.5.1.2-20120314235954.325", 5)
    ],
    "nist-elr251-tc1-lead.hl7": [("ORU", "R01", "NIST-100929110701660", 1)],
    "nist-elr251-tc2-lead.hl7": [("ORU", "R01", "NIST-100929110745131", 1)],
    "nist-elr251-tc4-anthrax.hl7": [("ORU", "R01", "NIST-100929110904401", 1)],
    "nist-elr251-tc5-hcv-rna.hl7": [("ORU", "R01", "NIST-100929110939497", 1)],
    "nist-lri-cbc-ng.hl7": [("ORU", "R01", "NIST-LRI-NG-002.00", 28)],
    "pyhl7-batch-file-adt-a04.hl7": [
        ("ADT", "A04", "12334456778890", 0),
        ("ADT", "A04", "12334456778891", 0),
        ("ADT", "A04", "12334456778890", 0),
    ],
    "pyhl7-oru-ghh-glucose-sn.hl7": [("ORU", "R01", "CNTRL-3456", 2)],
    "v2fhir-adt-a01-vhis-231.hl7": [("ADT", "A01", "MSG015410771930-19", 0)],
    "v2fhir-adt-a04-allergies-231.hl7": [("ADT", "A04", "0SHT2MNK9WWH8IB", 0)],
    "v2fhir-adt-a04-redox-23.hl7": [("ADT", "A04", "1270326314", 0)],
    "v2fhir-oru-hepatitis-panel-251.hl7": [("ORU", "R01", "NIST-LOI_5.0_1.1-NG", 3)],
    "v2fhir-oru-lab-panel-231.hl7": [("ORU", "R01", "2417.1", 32)],
}

# file -> (table 0357 code, segment, field) of the rejection.
REJECTED = {
    "adt-a01-space-separated.hl7": (ErrorCode.SEGMENT_SEQUENCE_ERROR, "MSH", 15),
    "hapi-oru-radiology-22-malformed.hl7": (ErrorCode.SEGMENT_SEQUENCE_ERROR, "OBR", 36),
    "lfh-adt-a01-crlf-bad-msh2.hl7": (ErrorCode.DATA_TYPE_ERROR, "MSH", 2),
    "fuzz/nhapi-empty-field-flood.bin": (ErrorCode.DATA_TYPE_ERROR, "MSH", 2),
    "fuzz/nhapi-legacy-hang1.bin": (ErrorCode.DATA_TYPE_ERROR, "MSH", 2),
    "fuzz/nhapi-legacy-nullref1.bin": (ErrorCode.DATA_TYPE_ERROR, "MSH", 1),
    "fuzz/nhapi-so5-long-version.bin": (ErrorCode.DATA_TYPE_ERROR, "MSH", 2),
}

# Accepted files whose oddities are flagged in ParsedMessage.warnings (file -> fragments).
FLAGGED = {
    "cdc-newborn-screening-cdph.hl7": ["OBX[4]-14", "'220241021055726'"],
    "hl7-elr-campylobacter-badloinc.hl7": ["'xx625-4' is coded as LOINC but is not"],
    "mirth-oru-cmp-17obx.hl7": ["PID-7: cannot parse timestamp 'Aug 15, 1942'"],
    "ms-oru-r01-ia-phl-elr.hl7": ["OBX[2]-5: value of type ED lacks", "duplicate OBX set ID"],
    "pyhl7-oru-ghh-glucose-sn.hl7": ["PID-7: cannot parse timestamp '196203520'"],
    "v2fhir-oru-lab-panel-231.hl7": ["duplicate OBX set ID '1'", "type ED lacks"],
}


def test_the_tables_cover_every_corpus_file() -> None:
    # given
    on_disk = {p.name for p in CORPUS.glob("*.hl7")} | {
        f"fuzz/{p.name}" for p in (CORPUS / "fuzz").iterdir()
    }

    # when / then
    assert on_disk == set(ACCEPTED) | set(REJECTED)
    assert len(on_disk) == 41


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_corpus_file_parses_to_expected_type_trigger_control_id_and_obx_count(
    name: str,
) -> None:
    # given
    raw = corpus_bytes(name)

    # when
    messages = parse_messages(raw)

    # then
    summary = [
        (m.header.message_type, m.header.trigger, m.header.control_id, m.result_count)
        for m in messages
    ]
    assert summary == ACCEPTED[name]


@pytest.mark.parametrize("name", sorted(set(ACCEPTED) - set(FLAGGED)))
def test_clean_corpus_file_parses_without_content_warnings(name: str) -> None:
    # given
    raw = corpus_bytes(name)

    # when
    messages = parse_messages(raw)

    # then
    assert [m.warnings for m in messages] == [()] * len(messages)


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_odd_but_usable_corpus_file_is_accepted_and_flagged(name: str) -> None:
    # given
    raw = corpus_bytes(name)

    # when
    (message,) = parse_messages(raw)

    # then
    joined = "\n".join(message.warnings)
    for fragment in FLAGGED[name]:
        assert fragment in joined


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_corpus_file_raises_hl7_parse_error_within_one_second(name: str) -> None:
    # given
    raw = corpus_bytes(name)

    # when
    finished, outcome = run_with_deadline(lambda: parse_messages(raw), seconds=1.0)

    # then
    assert finished, f"{name} did not fail fast"
    assert isinstance(outcome, HL7ParseError), outcome
    assert (outcome.code, outcome.segment, outcome.field) == REJECTED[name]


def test_space_separated_adt_is_rejected_as_segments_run_together() -> None:
    # given
    raw = corpus_bytes("adt-a01-space-separated.hl7")

    # when
    with pytest.raises(HL7ParseError) as caught:
        parse_messages(raw)

    # then
    assert "segment EVN found inside MSH-15" in caught.value.message


def test_radiology_with_obx_flattened_onto_obr_is_rejected_not_silently_truncated() -> None:
    # given
    raw = corpus_bytes("hapi-oru-radiology-22-malformed.hl7")

    # when
    with pytest.raises(HL7ParseError) as caught:
        parse_messages(raw)

    # then
    assert "segment OBX found inside OBR-36" in caught.value.message
    assert caught.value.sequence == 1
