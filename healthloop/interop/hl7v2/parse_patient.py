"""PID, PV1 and MRG segments to PatientIdentity, Visit and MergeInfo."""

from __future__ import annotations

from .datatypes import Warnings, normalise_sex, parse_date, parse_timestamp
from .model import Address, Identifier, MergeInfo, PatientIdentity, PersonName, Provider, Visit
from .tokenizer import Segment, Value

# PID fields carrying identifiers (CX): 2 external id (v2.3), 3 identifier list, 4 alternate id.
_PID_ID_FIELDS = (3, 2, 4)


def hd_name(value: Value) -> str:
    """An HD (or CX/EI assigning authority) as one name: namespace id, else universal id."""
    return value.text(1) or value.text(2)


def identifier_from_cx(value: Value, source: str) -> Identifier | None:
    """CX: id ^ check digit ^ scheme ^ assigning authority (HD, in sub-components) ^ type."""
    ident = value.text(1)
    if not ident:
        return None
    authority = value.text(4, 1) or value.text(4, 2)
    return Identifier(ident, authority, value.text(5), source)


def identifiers_of(segment: Segment, fields: tuple[int, ...]) -> list[Identifier]:
    """Every non-empty CX repetition of the given fields, in field order."""
    found: list[Identifier] = []
    for n in fields:
        for rep in segment.repetitions(n):
            ident = identifier_from_cx(rep, f"{segment.id}-{n}")
            if ident is not None:
                found.append(ident)
    return found


def _names(segment: Segment) -> tuple[PersonName, ...]:
    names = []
    for rep in segment.repetitions(5):
        name = PersonName(
            family=rep.text(1, 1),
            given=rep.text(2),
            middle=rep.text(3),
            suffix=rep.text(4),
            prefix=rep.text(5),
            name_type=rep.text(7),
        )
        if name.family or name.given or name.middle:
            names.append(name)
    return tuple(names)


def _phone_and_email(segment: Segment) -> tuple[str, str]:
    phone = email = ""
    for rep in segment.repetitions(13) + segment.repetitions(14):
        if not email and "@" in rep.text(4):
            email = rep.text(4)
        phone = phone or _phone_number(rep)
    return phone, email


def _phone_number(rep: Value) -> str:
    """XTN: the formatted number (component 1), else country-area-local [x extension]."""
    formatted = rep.text(1)
    if formatted:
        return formatted
    parts = [p for p in (rep.text(5), rep.text(6), rep.text(7)) if p]
    if not parts:
        return rep.text(12)  # unformatted telephone number (v2.5+)
    extension = rep.text(8)
    return "-".join(parts) + (f" x{extension}" if extension else "")


def _address(segment: Segment) -> Address | None:
    for rep in segment.repetitions(11):
        address = Address(
            street=rep.text(1, 1),
            other=rep.text(2),
            city=rep.text(3),
            state=rep.text(4),
            postal_code=rep.text(5),
            country=rep.text(6),
            address_type=rep.text(7),
        )
        if any((address.street, address.other, address.city, address.postal_code)):
            return address
    return None


def parse_patient(segment: Segment, warnings: Warnings) -> PatientIdentity:
    """PID to PatientIdentity; PID-19 (SSN, or a national id number) is kept with type "SS"."""
    identifiers = identifiers_of(segment, _PID_ID_FIELDS)
    ssn = segment.text(19)
    if ssn:
        identifiers.append(Identifier(ssn, "", "SS", "PID-19"))
    phone, email = _phone_and_email(segment)
    return PatientIdentity(
        identifiers=tuple(identifiers),
        names=_names(segment),
        birth_date=parse_date(segment.text(7), "PID-7", warnings),
        sex=normalise_sex(segment.text(8), "PID-8", warnings),
        phone=phone,
        email=email,
        address=_address(segment),
    )


def provider_from_xcn(value: Value) -> Provider | None:
    """XCN: id ^ family (FN) ^ given."""
    provider = Provider(value.text(1), value.text(2, 1), value.text(3))
    return provider if any((provider.id, provider.family, provider.given)) else None


def parse_visit(segment: Segment, warnings: Warnings) -> Visit:
    """PV1 to Visit."""
    location = segment.first(3)
    return Visit(
        patient_class=segment.text(2),
        point_of_care=location.text(1),
        room=location.text(2),
        bed=location.text(3),
        facility=location.text(4, 1) or location.text(4, 2),
        admission_type=segment.text(4),
        attending_doctor=provider_from_xcn(segment.first(7)),
        hospital_service=segment.text(10),
        visit_number=segment.text(19),
        admitted_at=parse_timestamp(segment.text(44), "PV1-44", warnings),
        discharged_at=parse_timestamp(segment.text(45), "PV1-45", warnings),
    )


def parse_merge(segment: Segment, patient: PatientIdentity | None) -> MergeInfo:
    """MRG: prior patient identifier list (MRG-1, and the deprecated MRG-4), account, visit."""
    return MergeInfo(
        patient=patient,
        prior_identifiers=tuple(identifiers_of(segment, (1, 4))),
        prior_account_number=segment.text(3),
        prior_visit_number=segment.text(5),
    )
