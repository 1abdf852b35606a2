"""The state of one write request: its entries, what they resolved to, and the references
between them (Bundle reference resolution, https://hl7.org/fhir/R4/bundle.html#references).

A reference is resolved, in order: to another entry of the same Bundle (by ``urn:uuid:`` /
absolute fullUrl, or a relative reference read against the referring entry's fullUrl base); as a
conditional reference ``Patient?identifier=system|value``; as one of our own ids
(``Patient/<uuid>``, optionally under our base URL); or by ``Reference.identifier``.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.utils import timezone

from healthloop.interop.fhir import matching
from healthloop.interop.fhir.datatypes import Token
from healthloop.interop.fhir.errors import FHIRError, IssueType, Outcome, unprocessable
from healthloop.interop.fhir.validation import Validator
from healthloop.people.models import Person
from healthloop.records.catalog import Catalog, get_catalog
from healthloop.records.models import Encounter

JSON = dict[str, Any]


@dataclass
class Entry:
    """One resource to write: a POST body, or one entry of a batch/transaction Bundle."""

    resource_type: str
    resource: JSON
    index: int | None = None  # position in the Bundle
    full_url: str = ""
    if_none_exist: str = ""
    # Filled in by the mapping: HTTP status (201 created, 200 matched), the row it maps to.
    status: int = 0
    row: Any = None
    outcome: Outcome = field(default_factory=Outcome)

    def where(self, element: str = "") -> str:
        return f"{self.resource_type}.{element}" if element else self.resource_type


@contextmanager
def entry_errors(entry: Entry) -> Iterator[None]:
    """Errors raised while writing a Bundle entry name the entry ("Bundle.entry[3]...")."""
    try:
        yield
    except FHIRError as exc:
        if entry.index is None:
            raise
        raise exc.relocated(entry.index, entry.resource_type) from None


ENCOUNTER_SOURCE_MAX = 60


def encounter_source(entry: Entry) -> tuple[str, str]:
    """(source_system, source_id) of an Encounter row made from this entry: its first
    identifier, else its urn:uuid fullUrl; ("fhir", "") when it has neither (no dedupe)."""
    for item in entry.resource.get("identifier") or []:
        if isinstance(item, dict) and item.get("value"):
            system = str(item.get("system") or "fhir")
            if len(system) > ENCOUNTER_SOURCE_MAX:
                system = "fhir:" + hashlib.sha256(system.encode()).hexdigest()[:40]
            return system, str(item["value"])[:100]
    if entry.full_url.startswith("urn:uuid:"):
        return "urn:uuid", entry.full_url[len("urn:uuid:") :][:100]
    return "fhir", ""


def source_key(text: str) -> str:
    """A dedupe key for records' ``source_key`` columns; long keys are hashed to fit."""
    key = f"fhir:{text}"
    if len(key) > matching.SOURCE_KEY_MAX - 12:  # room for component suffixes
        key = "fhir:sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return key


def identifier_key(identifier: Any) -> str | None:
    """The source key of the first Identifier with a value (``fhir:system|value``)."""
    items = identifier if isinstance(identifier, list) else [identifier]
    for item in items:
        if isinstance(item, dict) and item.get("value"):
            return source_key(f"{item.get('system') or ''}|{item['value']}")
    return None


def entry_key(entry: Entry) -> str | None:
    """The identifier key, else the fullUrl when it is a urn:uuid (stable across re-sends)."""
    key = identifier_key(entry.resource.get("identifier"))
    if key is None and entry.full_url.startswith("urn:uuid:"):
        key = source_key(entry.full_url)
    return key


def identifier_criteria(query: str, resource_type: str) -> Token:
    """``identifier=system|value`` from an If-None-Exist header or ``request.ifNoneExist``."""
    params = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    if len(params) != 1 or params[0][0] != "identifier" or "|" not in params[0][1]:
        raise FHIRError(
            400,
            IssueType.NOT_SUPPORTED,
            f"conditional create on {resource_type} supports only identifier=system|value, "
            f"not {query!r}",
        )
    return Token.parse(params[0][1])


class IngestContext:
    """Shared by every entry of one request."""

    def __init__(self, *, actor: Any, base_url: str) -> None:
        self.actor = actor
        self.base_url = base_url.rstrip("/")
        self.catalog: Catalog = get_catalog()
        self.validator = Validator()
        self.now: dt.datetime = timezone.now()
        self.written: dict[str, Entry] = {}  # fullUrl → entry written in this request
        self.skipped: set[str] = set()  # fullUrls of entries not processed (lenient mode)
        self.result_of_report: dict[str, Encounter] = {}  # Observation fullUrl → report row
        self.persons_touched: dict[int, Person] = {}
        self._people: dict[str, Person] = {}

    # ---------------------------------------------------------------- bundle-local references
    def absolute(self, reference: str, entry: Entry) -> str:
        """A reference as the fullUrl it would have in this Bundle."""
        if reference.startswith(("urn:", "http://", "https://")):
            return reference
        base, sep, _ = entry.full_url.rpartition("/")
        if sep and entry.full_url.startswith(("http://", "https://")):
            base = base.rpartition("/")[0]  # strip "Type" from ".../Type/id"
            return f"{base}/{reference}"
        return reference

    def local(self, reference: str, entry: Entry) -> Entry | None:
        """The entry of this request a reference points at (a version suffix is ignored)."""
        return self.written.get(self.absolute(reference.split("/_history/")[0], entry))

    def own_id(self, reference: str, resource_type: str) -> str | None:
        """The id in ``Type/id`` or ``<our base>/Type/id`` (a version suffix is ignored)."""
        ref = reference
        if ref.startswith(self.base_url + "/"):
            ref = ref[len(self.base_url) + 1 :]
        parts = ref.split("/")
        if len(parts) in (2, 4) and parts[0] == resource_type:
            return parts[1]
        return None

    # ---------------------------------------------------------------- the subject
    def subject(self, entry: Entry, element: str = "subject") -> Person:
        """The person a resource is about; 422 naming the element when it cannot be found."""
        where = entry.where(element)
        ref = entry.resource.get(element)
        if not isinstance(ref, dict) or not (ref.get("reference") or ref.get("identifier")):
            raise unprocessable(f"{where}: a reference to the Patient is required", where)
        text = str(ref.get("reference") or "")
        cache_key = self.absolute(text, entry) if text else repr(ref.get("identifier"))
        person = self._people.get(cache_key) or self._find_person(entry, ref, text, where)
        self._people[cache_key] = person
        self.persons_touched[person.pk] = person
        return person

    def _find_person(self, entry: Entry, ref: JSON, text: str, where: str) -> Person:
        if text.startswith("#"):
            raise unprocessable(
                f"{where}: {text} is a contained resource; send the Patient as its own "
                "resource (or in the same Bundle) so that it enters the person index",
                where,
            )
        if text:
            local = self.local(text, entry)
            if local is not None:
                if local.resource_type != "Patient":
                    raise unprocessable(f"{where}: {text} is a {local.resource_type}", where)
                return local.row
            if self.absolute(text, entry) in self.skipped:
                raise unprocessable(f"{where}: {text} was skipped in this Bundle", where)
            if text.startswith("Patient?"):
                return self._by_identifier(identifier_criteria(text[8:], "Patient"), where)
            key = self.own_id(text, "Patient")
            person = matching.person_by_uuid(key) if key else None
            if person is None:
                raise unprocessable(f"{where}: {text} is not a Patient on this server", where)
            return person
        identifier = ref["identifier"]
        token = Token(identifier.get("system") or "", str(identifier.get("value") or ""))
        return self._by_identifier(token, where)

    def _by_identifier(self, token: Token, where: str) -> Person:
        found = matching.persons_with_identifier(token.system or "", token.code)
        if not found:
            raise unprocessable(
                f"{where}: no Patient has identifier {token.system}|{token.code}", where
            )
        if len(found) > 1:
            raise FHIRError(
                412,
                IssueType.MULTIPLE_MATCHES,
                f"{where}: identifier {token.system}|{token.code} matches {len(found)} patients",
                expression=where,
            )
        return found[0]

    # ---------------------------------------------------------------- other references
    def encounter(self, entry: Entry, person: Person, element: str = "encounter") -> Any:
        """The Encounter row a resource points at, if we hold it for the same person.

        Encounters are context, not identity: one we cannot resolve is left out with a warning.
        """
        ref = entry.resource.get(element)
        text = str(ref.get("reference") or "") if isinstance(ref, dict) else ""
        if not text:
            return None
        local = self.local(text, entry)
        row = None
        if local is not None and local.resource_type == "Encounter":
            row = local.row
        elif (key := self.own_id(text, "Encounter")) is not None:
            row = matching.encounter_by_uuid(key)
        if row is None or row.person_id != person.pk:
            entry.outcome.warn(f"{entry.where(element)}: {text} is not known here; not linked")
            return None
        return row
