"""QuestionnaireResponse ↔ assessment's QuestionnaireResponse.

In: every response is kept with its answer tree as sent (``items``), its ``questionnaire``
canonical, status, authored time and first identifier. A response to one of the instruments
we score — canonical ``https://healthloop.example/fhir/Questionnaire/<instrument>`` (phq9,
gad7, pss10, psqi, tcm_constitution) — is also turned into the calculator's answers and goes
through assessment's service, so it is validated (422 naming the item) and screened (a PHQ-9
item 9 answer above 0 raises its finding). Answer items, by instrument:

- phq9 / gad7 / pss10: leaf items with linkId ``"1"`` … ``"N"`` (N = 9, 7, 10), each one
  integer answer (valueInteger, a valueCoding whose code is the number, or the coding's
  ``ordinalValue`` extension);
- psqi: linkIds named as calculator-api.md names the inputs (``bed_time``,
  ``sleep_latency_min``, ``wake_time``, ``sleep_hours``, ``q5a`` … ``q5j``, ``q6`` … ``q9``);
- tcm_constitution: linkIds ``<constitution>.<n>`` (``pinghe.1`` …), answers 1–5.

Any other questionnaire is stored unscored (nothing to screen). Re-sending a response with the
same identifier (or urn:uuid fullUrl) is the stored one.
"""

import re
from typing import Any

from healthloop.assessment.models import QuestionnaireResponse
from healthloop.assessment.services import record_questionnaire_response
from healthloop.core.errors import ServiceError
from healthloop.interop.fhir import systems
from healthloop.interop.fhir.context import (
    Entry,
    IngestContext,
    entry_errors,
    entry_key,
    source_key,
)
from healthloop.interop.fhir.datatypes import Token, format_datetime, format_instant
from healthloop.interop.fhir.datatypes import parse_datetime as parse_fhir_datetime
from healthloop.interop.fhir.errors import unprocessable
from healthloop.interop.fhir.mapping.common import subject_ref

JSON = dict[str, Any]
QUESTIONNAIRE_BASE = f"{systems.HEALTHLOOP_BASE}/Questionnaire/"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
LIST_ITEMS = {"phq9": 9, "gad7": 7, "pss10": 10}
PSQI_TEXT = frozenset({"bed_time", "wake_time"})
PSQI_NUMBERS = frozenset(
    {"sleep_latency_min", "sleep_hours", "q6", "q7", "q8", "q9"}
    | {f"q5{letter}" for letter in "abcdefghij"}
)
TCM_LINK = re.compile(r"^([a-z]+)\.(\d+)$")
SOURCE = "fhir"


def instrument_of(canonical: str) -> str:
    """Our instrument code for a questionnaire canonical ("" when we do not score it)."""
    url = canonical.split("|", 1)[0]
    if url.startswith(QUESTIONNAIRE_BASE):
        code = url[len(QUESTIONNAIRE_BASE) :]
        if code in {*LIST_ITEMS, "psqi", "tcm_constitution"}:
            return code
    return ""


def _leaves(items: Any, path: str) -> list[tuple[str, str, list[JSON]]]:
    """(linkId, where, answers) of every answered item, depth first, as sent."""
    found: list[tuple[str, str, list[JSON]]] = []
    for index, item in enumerate(items or []):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            continue
        answers = item.get("answer") or []
        if answers:
            found.append((str(item.get("linkId", "")), where, answers))
        for answer_index, answer in enumerate(answers):
            found += _leaves(answer.get("item"), f"{where}.answer[{answer_index}].item")
        found += _leaves(item.get("item"), f"{where}.item")
    return found


def _number(answers: list[JSON], where: str) -> int | float:
    if len(answers) != 1:
        raise unprocessable(f"{where}: exactly one answer is expected", where)
    answer = answers[0]
    if "valueInteger" in answer:
        return int(answer["valueInteger"])
    if "valueDecimal" in answer:
        return float(answer["valueDecimal"])
    coding = answer.get("valueCoding")
    if isinstance(coding, dict):
        for extension in coding.get("extension") or []:
            if extension.get("url") == ORDINAL_VALUE and "valueDecimal" in extension:
                return float(extension["valueDecimal"])
        if re.fullmatch(r"-?\d+", str(coding.get("code", ""))):
            return int(coding["code"])
    raise unprocessable(f"{where}: the answer must be a number (valueInteger)", where)


def _text(answers: list[JSON], where: str) -> str:
    answer = answers[0] if len(answers) == 1 else {}
    for key in ("valueTime", "valueString"):
        if isinstance(answer.get(key), str):
            return answer[key][:5]  # "22:30:00" → "22:30"
    raise unprocessable(f"{where}: the answer must be a time (valueTime)", where)


def answers_for(instrument: str, data: JSON) -> Any:
    """The calculator-api.md answers of a scored instrument, from the FHIR answer tree."""
    leaves = _leaves(data.get("item"), "QuestionnaireResponse.item")
    if instrument in LIST_ITEMS:
        count = LIST_ITEMS[instrument]
        by_link = {link: (where, answers) for link, where, answers in leaves}
        missing = [str(n) for n in range(1, count + 1) if str(n) not in by_link]
        if missing:
            where = "QuestionnaireResponse.item"
            raise unprocessable(f"{where}: {instrument} needs answers to items {missing}", where)
        return [_number(by_link[str(n)][1], by_link[str(n)][0]) for n in range(1, count + 1)]
    if instrument == "psqi":
        result: JSON = {}
        for link, where, answers in leaves:
            if link in PSQI_TEXT:
                result[link] = _text(answers, where)
            elif link in PSQI_NUMBERS:
                result[link] = _number(answers, where)
        return result
    groups: dict[str, dict[int, int | float]] = {}
    for link, where, answers in leaves:
        match = TCM_LINK.match(link)
        if match:
            groups.setdefault(match[1], {})[int(match[2])] = _number(answers, where)
    return {name: [items[n] for n in sorted(items)] for name, items in groups.items()}


def _first_identifier(data: JSON) -> tuple[str, str]:
    identifier = data.get("identifier")
    items = identifier if isinstance(identifier, list) else [identifier]
    for item in items:
        if isinstance(item, dict) and item.get("value"):
            return str(item.get("system") or "")[:255], str(item["value"])[:200]
    return "", ""


def find_existing(token: Token) -> list[QuestionnaireResponse]:
    key = source_key(f"{token.system or ''}|{token.code}")
    return list(QuestionnaireResponse.objects.filter(source_key=key).select_related("person"))


def ingest(ctx: IngestContext, entries: list[Entry]) -> None:
    for entry in entries:
        with entry_errors(entry):
            data = entry.resource
            key = entry_key(entry)
            stored = QuestionnaireResponse.objects.filter(source_key=key).first() if key else None
            if stored is not None:
                entry.row, entry.status = stored, 200
                continue
            person = ctx.subject(entry)
            canonical = str(data.get("questionnaire") or "")
            instrument = instrument_of(canonical)
            answers = answers_for(instrument, data) if instrument else {}
            authored = parse_fhir_datetime(data.get("authored"), entry.where("authored"))
            system, value = _first_identifier(data)
            try:
                entry.row = record_questionnaire_response(
                    person=person,
                    instrument=instrument,
                    answers=answers,
                    actor=ctx.actor,
                    answered_at=authored,
                    source=SOURCE,
                    fhir={
                        "questionnaire": canonical[:255],
                        "status": str(data.get("status") or "completed")[:20],
                        "items": data.get("item") or [],
                        "identifier_system": system,
                        "identifier_value": value,
                        "source_key": key,
                    },
                )
            except ServiceError as exc:
                where = entry.where(f"item ({exc.field})" if exc.field else "item")
                raise unprocessable(f"{where}: {exc.message}", where) from exc
            entry.status = 201


def to_fhir(row: QuestionnaireResponse) -> JSON:
    resource: JSON = {
        "resourceType": "QuestionnaireResponse",
        "id": str(row.uuid),
        "meta": {"lastUpdated": format_instant(row.updated_at)},
    }
    if row.identifier_value:
        identifier: JSON = {"value": row.identifier_value}
        if row.identifier_system:
            identifier = {"system": row.identifier_system, **identifier}
        resource["identifier"] = identifier
    canonical = row.questionnaire or (
        f"{QUESTIONNAIRE_BASE}{row.instrument}" if row.instrument else ""
    )
    if canonical:
        resource["questionnaire"] = canonical
    resource["status"] = row.status or "completed"
    resource["subject"] = subject_ref(row)
    resource["authored"] = format_datetime(row.answered_at)
    items = row.items if row.items else _items_from_answers(row.instrument, row.answers)
    if items:
        resource["item"] = items
    return resource


def _value(answer: Any) -> JSON:
    if isinstance(answer, bool) or not isinstance(answer, int | float | str):
        return {"valueString": str(answer)}
    if isinstance(answer, str):
        return {"valueString": answer}
    if isinstance(answer, float) and not answer.is_integer():
        return {"valueDecimal": answer}
    return {"valueInteger": int(answer)}


def _items_from_answers(instrument: str, answers: Any) -> list[JSON]:
    """A response entered in HealthLoop (portal, follow-up) rendered with the linkIds that
    ``answers_for`` reads, so what we serve can be posted back."""
    if isinstance(answers, list):
        return [{"linkId": str(n), "answer": [_value(a)]} for n, a in enumerate(answers, start=1)]
    if not isinstance(answers, dict):
        return []
    if instrument == "tcm_constitution":
        return [
            {"linkId": f"{name}.{n}", "answer": [_value(a)]}
            for name, values in answers.items()
            for n, a in enumerate(values, start=1)
        ]
    return [{"linkId": str(k), "answer": [_value(v)]} for k, v in answers.items()]
