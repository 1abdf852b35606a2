"""The search parameters and sort keys of each resource type (CapabilityStatement lists them)."""

from django.db.models import Q

from healthloop.interop.fhir import systems
from healthloop.interop.fhir.context import source_key
from healthloop.interop.fhir.datatypes import Token, system_authority
from healthloop.interop.fhir.mapping.condition import CLINICAL_IN, ENTERED_IN_ERROR
from healthloop.interop.fhir.mapping.observation_out import CATEGORY_OF, STATUS_OUT
from healthloop.interop.fhir.mapping.questionnaire_response import instrument_of
from healthloop.interop.fhir.search import (
    NOTHING,
    Filter,
    date_filter,
    exact_filter,
    id_filter,
    reference_filter,
)
from healthloop.people.models import PersonIdentifier
from healthloop.people.services import id_number_index
from healthloop.records.models import Encounter

LOINC_NAMES = (systems.LOINC, "LN", "LOINC")


def _observation_code(raw: str) -> Q:
    token = Token.parse(raw)
    if token.system is None:
        return Q(code=token.code) | Q(item__loinc=token.code) | Q(item__code=token.code.upper())
    if token.system == systems.LOINC:
        if not token.code:
            return Q(code_system__in=LOINC_NAMES) | Q(item__loinc__isnull=False)
        return Q(item__loinc=token.code) | Q(code_system__in=LOINC_NAMES, code=token.code)
    if token.system == systems.EXAM_ITEM:
        return Q(item__code=token.code.upper()) if token.code else Q(item__isnull=False)
    if not token.code:
        return Q(code_system=token.system)
    return Q(code_system=token.system, code=token.code)


def _observation_category(raw: str) -> Q:
    code = Token.parse(raw).code
    if code == "laboratory":
        return Q(item__isnull=False) & ~Q(item__category__in=list(CATEGORY_OF))
    named = [c for c, (fhir_code, _) in CATEGORY_OF.items() if fhir_code == code]
    return Q(item__category__in=named) if named else NOTHING


def _observation_identifier(raw: str) -> Q:
    token = Token.parse(raw)
    return Q(source_key=source_key(f"{token.system or ''}|{token.code}"))


def _encounter_identifier(raw: str) -> Q:
    token = Token.parse(raw)
    if token.system is None:
        return Q(source_id=token.code)
    return Q(source_system=token.system or "fhir", source_id=token.code)


def _encounter_class(raw: str) -> Q:
    code = Token.parse(raw).code
    inpatient = Q(kind=Encounter.Kind.INPATIENT)
    if code == "IMP":
        return inpatient
    if code == "VR":
        return Q(kind=Encounter.Kind.SELF_REPORT)
    return ~inpatient & ~Q(kind=Encounter.Kind.SELF_REPORT) if code == "AMB" else NOTHING


def _patient_identifier(raw: str) -> Q:
    token = Token.parse(raw)
    if token.system == systems.RESIDENT_ID:
        return Q(id_number_hash=id_number_index(token.code))
    if token.system == systems.EMPLOYEE_NO:
        return Q(employee_no=token.code)
    holders = PersonIdentifier.objects.filter(value=token.code)
    if token.system is None:
        return Q(employee_no=token.code) | Q(pk__in=holders.values("person_id"))
    holders = holders.filter(authority=system_authority(token.system))
    return Q(pk__in=holders.values("person_id"))


def _patient_name(raw: str) -> Q:
    low = raw.strip().lower()
    return Q(name__icontains=raw.strip()) | Q(name_pinyin__startswith=low)


def _condition_code(raw: str) -> Q:
    token = Token.parse(raw)
    if token.system is not None and token.system not in systems.ICD10_SYSTEMS:
        return NOTHING
    return Q(icd10=token.code)


def _condition_status(raw: str) -> Q:
    code = Token.parse(raw).code
    return Q(status=CLINICAL_IN[code]) if code in CLINICAL_IN else NOTHING


def _statement_code(raw: str) -> Q:
    token = Token.parse(raw)
    if token.system not in (None, systems.ATC):
        return NOTHING
    return Q(atc_code=token.code)


_STATUS_IN = {fhir: [ours] for ours, fhir in STATUS_OUT.items()}
_SUBJECT = {
    "patient": reference_filter("person__uuid"),
    "subject": reference_filter("person__uuid"),
}
_ENCOUNTER = {
    **_SUBJECT,
    "_id": id_filter(),
    "date": date_filter("occurred_at"),
    "identifier": _encounter_identifier,
}

FILTERS: dict[str, dict[str, Filter]] = {
    "Patient": {
        "_id": id_filter(),
        "identifier": _patient_identifier,
        "name": _patient_name,
        "gender": exact_filter(
            "sex", {"male": ["male"], "female": ["female"], "unknown": ["unknown"], "other": []}
        ),
        "birthdate": date_filter("birth_date"),
    },
    "Observation": {
        **_SUBJECT,
        "_id": id_filter(),
        "code": _observation_code,
        "date": date_filter("effective_at"),
        "category": _observation_category,
        "status": exact_filter("status", _STATUS_IN),
        "identifier": _observation_identifier,
        "encounter": reference_filter("encounter__uuid", "Encounter"),
    },
    "DiagnosticReport": {
        **_ENCOUNTER,
        "status": exact_filter("kind", {"final": [Encounter.Kind.EXAM]}),
    },
    "Encounter": {**_ENCOUNTER, "class": _encounter_class},
    "Condition": {
        **_SUBJECT,
        "_id": id_filter(),
        "code": _condition_code,
        "clinical-status": _condition_status,
        "verification-status": exact_filter("status", {ENTERED_IN_ERROR: [ENTERED_IN_ERROR]}),
        "onset-date": date_filter("onset_date"),
    },
    "MedicationStatement": {
        **_SUBJECT,
        "_id": id_filter(),
        "code": _statement_code,
        "status": exact_filter("status"),
        "effective": date_filter("start_date"),
    },
}


def _questionnaire(raw: str) -> Q:
    canonical = raw.split("|", 1)[0]
    instrument = instrument_of(canonical)
    stored_as = Q(questionnaire=canonical) | Q(questionnaire__startswith=f"{canonical}|")
    return stored_as | Q(instrument=instrument) if instrument else stored_as


def _response_identifier(raw: str) -> Q:
    token = Token.parse(raw)
    if token.system is None:
        return Q(identifier_value=token.code)
    return Q(source_key=source_key(f"{token.system}|{token.code}"))


FILTERS["QuestionnaireResponse"] = {
    **_SUBJECT,
    "_id": id_filter(),
    "authored": date_filter("answered_at"),
    "questionnaire": _questionnaire,
    "identifier": _response_identifier,
    "status": exact_filter("status"),
}

SORTS: dict[str, dict[str, str]] = {
    "Patient": {"birthdate": "birth_date", "name": "name_pinyin", "_lastUpdated": "updated_at"},
    "Observation": {"date": "effective_at", "_lastUpdated": "updated_at"},
    "DiagnosticReport": {"date": "occurred_at", "_lastUpdated": "updated_at"},
    "Encounter": {"date": "occurred_at", "_lastUpdated": "updated_at"},
    "Condition": {
        "onset-date": "onset_date",
        "recorded-date": "created_at",
        "_lastUpdated": "updated_at",
    },
    "MedicationStatement": {"effective": "start_date", "_lastUpdated": "updated_at"},
    "QuestionnaireResponse": {"authored": "answered_at", "_lastUpdated": "updated_at"},
}
DEFAULT_SORT = {
    "Patient": "name_pinyin",
    "Observation": "-effective_at",
    "DiagnosticReport": "-occurred_at",
    "Encounter": "-occurred_at",
    "Condition": "-created_at",
    "MedicationStatement": "-created_at",
    "QuestionnaireResponse": "-answered_at",
}
