"""Code systems and identifier systems of the FHIR facade (docs/interop.md, "FHIR R4").

External systems are the canonical URIs of HL7 and the terminologies. Our own systems live under
``HEALTHLOOP_BASE``; they name things only HealthLoop defines (the exam-item catalog, the employee
number, encounter kinds).
"""

HEALTHLOOP_BASE = "https://healthloop.example/fhir"

# 居民身份证号 (GB 11643): the OID that China's health-information standards (WS/T 500 CDA
# documents, the 互联互通 FHIR templates) give the resident ID number.
RESIDENT_ID = "urn:oid:2.16.156.10011.1.3"
EMPLOYEE_NO = f"{HEALTHLOOP_BASE}/sid/employee-no"
# A PersonIdentifier whose authority is not a URI (e.g. "HIS" from an HL7 v2 feed) is shown
# under this prefix, and read back from it.
AUTHORITY_PREFIX = f"{HEALTHLOOP_BASE}/sid/authority/"

EXAM_ITEM = f"{HEALTHLOOP_BASE}/CodeSystem/exam-item"
ENCOUNTER_KIND = f"{HEALTHLOOP_BASE}/CodeSystem/encounter-kind"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
ICD10_SYSTEMS = frozenset(
    {
        "http://hl7.org/fhir/sid/icd-10",
        "http://hl7.org/fhir/sid/icd-10-cm",
        "http://hl7.org/fhir/sid/icd-10-cn",
        "urn:oid:2.16.840.1.113883.6.3",  # ICD-10 (WHO)
        "urn:oid:2.16.156.10011.2.3.3.11",  # ICD-10 中文版 in the Chinese data-element standards
    }
)
ICD10 = "http://hl7.org/fhir/sid/icd-10"

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
SECURITY_OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
