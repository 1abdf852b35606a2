"""Parsed values: header, patient, visit, orders and typed results, read against the corpus."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from healthloop.interop.hl7v2.model import (
    Address,
    CodedValue,
    Identifier,
    Provider,
    ReferenceRange,
    StructuredNumeric,
)
from healthloop.interop.hl7v2.parse import parse_message, parse_messages
from healthloop.interop.hl7v2.tests.helpers import corpus_bytes

MINUS_7 = timezone(timedelta(hours=-7))


def test_nist_lead_header_patient_order_and_numeric_result() -> None:
    # given
    raw = corpus_bytes("nist-elr251-tc1-lead.hl7")

    # when
    message = parse_message(raw)

    # then
    header = message.header
    assert (header.sending_app, header.sending_facility) == ("EHR Application", "EHR Facility")
    assert (header.receiving_app, header.receiving_facility) == ("PH Application", "PH Facility")
    assert header.timestamp == datetime(2010, 9, 29, 11, 7, 2)
    assert (header.structure, header.processing_id, header.version) == ("ORU_R01", "P", "2.5.1")
    patient = message.patient
    assert patient is not None
    assert patient.identifiers == (Identifier("9817566735", "MPI", "MR", "PID-3"),)
    assert (patient.family, patient.given) == ("Johnson", "Philip")
    assert (patient.birth_date, patient.sex, patient.phone) == (
        date(2007, 5, 26),
        "M",
        "303-5548889",
    )
    assert patient.address == Address(
        "3345 Elm Street", "", "Aurora", "Colorado", "80011", "USA", "M"
    )
    (order,) = message.orders
    assert (order.placer_number, order.filler_number) == ("", "9700123")
    assert (order.service_code, order.service_system) == ("10368-9", "LN")
    assert order.observed_at == datetime(2008, 8, 15, 10, 30, tzinfo=MINUS_7)
    assert order.ordering_provider == Provider("1234", "Admit", "Alan")
    (result,) = order.results
    assert (result.value_type, result.code, result.coding_system) == ("NM", "10368-9", "LN")
    assert result.value == Decimal("50")
    assert (result.units_code, result.units_text) == ("ug/dL", "micro-gram per deci-liter")
    assert result.reference_range == ReferenceRange(
        "<9 mcg/dL:  Acceptable background lead exposure", None, Decimal("9")
    )
    assert (result.abnormal_flags, result.result_status) == (("H",), "F")
    assert result.observed_at == datetime(2008, 8, 15, 10, 30, tzinfo=MINUS_7)


def test_structured_numeric_and_underscore_range_of_ghh_glucose() -> None:
    # given
    raw = corpus_bytes("pyhl7-oru-ghh-glucose-sn.hl7")

    # when
    message = parse_message(raw)

    # then
    sn, fn = message.orders[0].results
    assert sn.value == StructuredNumeric("", Decimal("182"))
    assert sn.reference_range == ReferenceRange("70_105", Decimal("70"), Decimal("105"))
    assert (sn.units_code, sn.abnormal_flags) == ("mg/dl", ("H",))
    assert (fn.value_type, fn.value) == ("FN", "^182")
    assert message.patient is not None
    assert message.patient.birth_date is None


def test_leading_zero_numbers_less_than_ranges_and_alternate_only_codes() -> None:
    # given
    raw = corpus_bytes("cdc-newborn-screening-cdph.hl7")

    # when
    message = parse_message(raw)

    # then
    first_obr, second_obr, _ = message.orders
    assert first_obr.results == ()
    results = second_obr.results
    assert results[0].value == Decimal("65.88")
    assert results[0].reference_range == ReferenceRange("<85", None, Decimal("85"))
    assert (results[1].code, results[1].alt_code, results[1].alt_system) == ("", "99717-6", "L")
    assert results[1].alt_text == "17-Hydroxyprogesterone (CAH II)"
    assert results[3].observed_at is None
    assert results[4].units_code == "{Ratio}"
    assert results[5].value == Decimal("0.02")
    assert results[7].value == CodedValue("LA18592-8", "In range", "LN")
    assert (results[8].value_type, results[8].value, results[8].sub_id) == (
        "TX",
        "Negative",
        "001.54",
    )


def test_text_escapes_are_decoded_in_utf8_newborn_report() -> None:
    # given
    raw = corpus_bytes("cdc-newborn-screening-utf8.hl7")

    # when
    message = parse_message(raw)

    # then
    summary = message.orders[1].results[5]
    assert summary.value_type == "TX"
    assert isinstance(summary.value, str)
    assert summary.value.startswith("ACTION REQUIRED\n\nNBS Testing Lab - TEST REG MEDICAL")
    assert "CENTER LAB ~M 57752YWKP" in summary.value
    units = {r.units_code for o in message.orders for r in o.results}
    assert "µmol/L" in units


def test_nte_escape_and_patient_level_observations_outside_obr() -> None:
    # given
    raw = corpus_bytes("ms-oru-r01-ia-phl-elr.hl7")

    # when
    message = parse_message(raw)

    # then
    (order,) = message.orders
    assert "E.coli O157:H7 & other STECs" in order.notes[0]
    assert [o.value_type for o in message.observations] == ["RP", "ED"]
    assert [r.value_type for r in order.results] == ["CWE", "RP", "NM"]
    assert order.results[2].values == (Decimal("27"), Decimal("25"))
    assert order.results[0].notes == ("Submission of serum", "No Antibodies Detected")


def test_cwe_result_with_alternate_coding_and_text_range_with_units() -> None:
    # given
    raw = corpus_bytes("v2fhir-oru-hepatitis-panel-251.hl7")

    # when
    message = parse_message(raw)

    # then
    negative, _, quantity = message.orders[0].results
    assert negative.value == CodedValue(
        "260385009",
        "Negative (qualifier value)",
        "SCT",
        "NEG",
        "NEGATIVE",
        "L",
        "Negative (qualifier value)",
    )
    assert (negative.alt_code, negative.alt_text, negative.alt_system) == (
        "HAVM",
        "Hepatitis A IgM antibodies (IgM anti-HAV)",
        "L",
    )
    assert quantity.value == Decimal("0.70")
    assert quantity.units_code == "[IU]/mL"
    assert quantity.reference_range == ReferenceRange("<0.50 IU/mL", None, Decimal("0.50"))


def test_to_ranges_and_critical_flags_of_nist_cbc() -> None:
    # given
    raw = corpus_bytes("nist-lri-cbc-ng.hl7")

    # when
    message = parse_message(raw)

    # then
    results = message.orders[0].results
    assert results[0].reference_range == ReferenceRange(
        "4.3 to 6.2", Decimal("4.3"), Decimal("6.2")
    )
    assert (results[3].value, results[3].abnormal_flags) == (Decimal("105600"), ("HH",))
    assert message.charset.codec == "utf-8"


def test_pending_results_keep_empty_values_and_their_status() -> None:
    # given
    raw = corpus_bytes("ms-lab-oru-cbc-pending.hl7")

    # when
    message = parse_message(raw)

    # then
    leukocytes = message.orders[0].results[0]
    assert (leukocytes.values, leukocytes.result_status) == ((), "I")
    assert message.orders[0].results[1].units_code == "tera.l-1"


def test_every_pid3_repetition_is_kept_with_empty_iso_authorities() -> None:
    # given
    raw = corpus_bytes("athena-oru-amylase-lri.hl7")

    # when
    patient = parse_message(raw).patient

    # then
    assert patient is not None
    assert [(i.id, i.assigning_authority, i.id_type) for i in patient.identifiers] == [
        ("V001047", "", "MR"),
        ("T00001059", "", "XX"),
        ("V00018739", "", "AN"),
    ]


def test_identifiers_from_pid2_pid3_pid4_and_pid19_are_all_kept() -> None:
    # given
    raw = corpus_bytes("mirth-oru-cmp-17obx.hl7")

    # when
    patient = parse_message(raw).patient

    # then
    assert patient is not None
    assert [(i.id, i.assigning_authority, i.id_type, i.source) for i in patient.identifiers] == [
        ("4223161584", "", "", "PID-3"),
        ("4223161584", "Mirth", "PN", "PID-2"),
        ("4223161584", "", "", "PID-4"),
        ("815-16-2342", "", "SS", "PID-19"),
    ]


def test_empty_legal_name_is_dropped_and_nickname_kept() -> None:
    # given
    raw = corpus_bytes("hl7-elr-animal-rabies.hl7")

    # when
    patient = parse_message(raw).patient

    # then
    assert patient is not None
    assert [(n.family, n.given, n.name_type) for n in patient.names] == [
        ("Everyman", "Fluffy", "N")
    ]


def test_birth_time_with_offset_gives_the_date_as_sent() -> None:
    # given
    raw = corpus_bytes("ms-adt-a04-v23-nes.hl7")

    # when
    patient = parse_message(raw).patient

    # then
    assert patient is not None
    assert patient.birth_date == date(1985, 1, 1)


def test_phone_from_components_and_email_from_xtn4() -> None:
    # given
    raw = corpus_bytes("hapi-olis-chem-erp-231.hl7")

    # when
    patient = parse_message(raw).patient

    # then
    assert patient is not None
    assert (patient.phone, patient.email) == ("1-905-5768294 x12345", "email@address.com")
    assert parse_message(raw).charset.codec == "latin-1"


def test_visit_from_pv1_with_doctor_location_and_times() -> None:
    # given
    raw = corpus_bytes("v2fhir-adt-a04-redox-23.hl7")

    # when
    visit = parse_message(raw).visit

    # then
    assert visit is not None
    assert (visit.patient_class, visit.point_of_care, visit.room, visit.bed) == (
        "I",
        "3N",
        "136",
        "B",
    )
    assert visit.facility == "RES General Hospital"
    assert visit.attending_doctor == Provider("4356789876", "Granite", "Pat")
    assert (visit.visit_number, visit.admitted_at) == ("1234", datetime(2018, 10, 17, 22, 28, 5))


def test_batch_file_yields_each_message_with_its_own_patient() -> None:
    # given
    raw = corpus_bytes("pyhl7-batch-file-adt-a04.hl7")

    # when
    messages = parse_messages(raw)

    # then
    assert [m.header.structure for m in messages] == ["ADT_A01"] * 3
    assert [m.charset.codec for m in messages] == ["ascii"] * 3
    assert all(m.patient and m.patient.identifiers[0].id == "0000112234" for m in messages)
    assert messages[0].segment_ids == ("MSH", "EVN", "PID", "PD1", "NK1", "PV1")


def test_batch_with_one_message_has_declared_utf8() -> None:
    # given
    raw = corpus_bytes("cdc-batch-covid-antigen-elr.hl7")

    # when
    message = parse_message(raw)

    # then
    assert (message.charset.codec, message.charset.declared) == ("utf-8", "UNICODE UTF-8")
    assert message.charset.detected is False
    assert message.header.charset == "UNICODE UTF-8"
    assert message.orders[0].results[0].value == CodedValue("260415000", "Not detected", "SCT")
