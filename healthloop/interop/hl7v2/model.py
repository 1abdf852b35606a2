"""The neutral, framework-free model of a parsed HL7 v2 message (frozen dataclasses).

The database layer maps these to its own tables. Sequences are tuples so the objects stay
immutable and hashable. Empty HL7 fields become "" (strings) or None (dates, numbers, objects).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class MessageHeader:
    """MSH. ``sending_app`` etc. hold the HD namespace id (or the universal id when empty)."""

    sending_app: str
    sending_facility: str
    receiving_app: str
    receiving_facility: str
    timestamp: datetime | None
    message_type: str
    trigger: str
    structure: str
    control_id: str
    processing_id: str
    version: str
    charset: str  # MSH-18 as declared, "" when absent
    accept_ack_type: str = ""
    application_ack_type: str = ""


@dataclass(frozen=True)
class CharsetReport:
    """How the bytes were decoded: Python codec, the MSH-18 text, declared or detected."""

    codec: str
    declared: str
    detected: bool


@dataclass(frozen=True)
class Identifier:
    """A person or visit identifier (CX): ``source`` says where it came from, e.g. "PID-3"."""

    id: str
    assigning_authority: str
    id_type: str
    source: str


@dataclass(frozen=True)
class PersonName:
    """XPN. Chinese names often arrive whole in ``family`` ("张三") and are kept as sent."""

    family: str
    given: str = ""
    middle: str = ""
    suffix: str = ""
    prefix: str = ""
    name_type: str = ""


@dataclass(frozen=True)
class Address:
    street: str
    other: str
    city: str
    state: str
    postal_code: str
    country: str
    address_type: str


@dataclass(frozen=True)
class PatientIdentity:
    """PID. ``identifiers`` keeps every repetition of PID-3 and the ids of PID-2, -4 and -19."""

    identifiers: tuple[Identifier, ...]
    names: tuple[PersonName, ...]
    birth_date: date | None
    sex: str  # M / F / O / U
    phone: str
    email: str
    address: Address | None

    @property
    def name(self) -> PersonName | None:
        """The legal name (type L) if sent, else the first name."""
        legal = [n for n in self.names if n.name_type == "L"]
        candidates = legal or list(self.names)
        return candidates[0] if candidates else None

    @property
    def family(self) -> str:
        return self.name.family if self.name else ""

    @property
    def given(self) -> str:
        return self.name.given if self.name else ""


@dataclass(frozen=True)
class Provider:
    """XCN: id and name of a clinician."""

    id: str
    family: str
    given: str


@dataclass(frozen=True)
class Visit:
    """PV1."""

    patient_class: str
    point_of_care: str
    room: str
    bed: str
    facility: str
    admission_type: str
    attending_doctor: Provider | None
    hospital_service: str
    visit_number: str
    admitted_at: datetime | None
    discharged_at: datetime | None


@dataclass(frozen=True)
class CodedValue:
    """CE / CWE: a code with its text and coding system, plus the alternate coding."""

    code: str
    text: str
    system: str
    alt_code: str = ""
    alt_text: str = ""
    alt_system: str = ""
    original_text: str = ""


@dataclass(frozen=True)
class StructuredNumeric:
    """SN: ``<^0.5``, ``^182``, ``^1^:^128`` (ratio), ``^10^-^20`` (range)."""

    comparator: str
    number: Decimal | None
    separator: str = ""
    number2: Decimal | None = None


ObservationValue = Decimal | StructuredNumeric | CodedValue | str


@dataclass(frozen=True)
class ReferenceRange:
    """OBX-7 as sent, plus bounds when it reads "a-b", "a to b", "<b" or ">a"."""

    raw: str
    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class ObservationResult:
    """OBX. ``values`` holds each repetition of OBX-5 typed by ``value_type``."""

    set_id: str
    value_type: str
    code: str
    text: str
    coding_system: str
    alt_code: str
    alt_text: str
    alt_system: str
    sub_id: str
    values: tuple[ObservationValue, ...]
    raw_value: str
    units_code: str
    units_text: str
    units_system: str
    reference_range: ReferenceRange | None
    abnormal_flags: tuple[str, ...]
    result_status: str
    observed_at: datetime | None
    notes: tuple[str, ...] = ()

    @property
    def value(self) -> ObservationValue | None:
        """The first (usually only) value, or None when OBX-5 is empty."""
        return self.values[0] if self.values else None


@dataclass(frozen=True)
class Order:
    """OBR (with ORC numbers when OBR lacks them) and its OBX results."""

    set_id: str
    placer_number: str
    filler_number: str
    service_code: str
    service_text: str
    service_system: str
    observed_at: datetime | None
    reported_at: datetime | None
    result_status: str
    ordering_provider: Provider | None
    results: tuple[ObservationResult, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MergeInfo:
    """MRG (ADT^A40 and friends): the surviving patient and the identifiers merged into it."""

    patient: PatientIdentity | None
    prior_identifiers: tuple[Identifier, ...]
    prior_account_number: str
    prior_visit_number: str


@dataclass(frozen=True)
class ParsedMessage:
    """One parsed message. ``observations`` are OBX segments outside any OBR (e.g. in ADT)."""

    header: MessageHeader
    charset: CharsetReport
    patient: PatientIdentity | None
    visit: Visit | None
    orders: tuple[Order, ...]
    observations: tuple[ObservationResult, ...]
    merges: tuple[MergeInfo, ...]
    segment_ids: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def result_count(self) -> int:
        """Number of OBX segments, inside and outside orders."""
        return sum(len(o.results) for o in self.orders) + len(self.observations)
