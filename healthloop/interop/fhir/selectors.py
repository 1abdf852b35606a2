"""Reads of the FHIR facade. Every query starts from ``people.access.visible_persons(user)``:
outside the caller's scope a resource does not exist (404 on read, absent from searches).
Every read is audited: ``fhir.viewed`` for one resource, ``fhir.listed`` per person on a page.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet

from healthloop.assessment.models import QuestionnaireResponse
from healthloop.audit.services import record_bulk_access, record_event
from healthloop.interop.fhir import search
from healthloop.interop.fhir.errors import not_found
from healthloop.interop.fhir.search_params import DEFAULT_SORT, FILTERS, SORTS
from healthloop.people.access import visible_persons
from healthloop.records.models import Condition, Encounter, Medication, Observation

COMPONENT_PREFIX = "Observation/"


def _scoped(user: Any, resource_type: str) -> QuerySet[Any]:
    persons = visible_persons(user)
    if resource_type == "Patient":
        return persons.prefetch_related("identifiers")
    if resource_type == "Observation":
        return (
            Observation.objects.filter(person__in=persons)
            .select_related("item")
            .annotate(person_uuid=F("person__uuid"), encounter_uuid=F("encounter__uuid"))
        )
    if resource_type in ("Encounter", "DiagnosticReport"):
        rows = Encounter.objects.filter(person__in=persons)
        if resource_type == "DiagnosticReport":
            rows = rows.filter(kind=Encounter.Kind.EXAM)
        return rows.annotate(person_uuid=F("person__uuid"))
    if resource_type == "QuestionnaireResponse":
        rows = QuestionnaireResponse.objects.filter(person__in=persons)
        return rows.annotate(person_uuid=F("person__uuid"))
    model = {"Condition": Condition, "MedicationStatement": Medication}[resource_type]
    rows = model.objects.filter(person__in=persons).annotate(person_uuid=F("person__uuid"))
    if model is Condition:
        rows = rows.annotate(encounter_uuid=F("encounter__uuid"))
    return rows


def _person_uuid(row: Any) -> Any:
    return getattr(row, "person_uuid", None) or row.uuid  # a Patient row is the person


@dataclass
class Page:
    resource_type: str
    rows: list[Any]
    total: int | None = None
    request: search.SearchRequest | None = None
    components: dict[str, list[Observation]] = field(default_factory=dict)
    results: dict[int, list[str]] = field(default_factory=dict)


def _details(page: Page) -> Page:
    """What the rows' resources show beyond their own row: an Observation's components, a
    DiagnosticReport's results (two queries at most)."""
    if page.resource_type == "Observation" and page.rows:
        parents = [r for r in page.rows if not r.source_message_id.startswith(COMPONENT_PREFIX)]
        if parents:
            parts = Observation.objects.filter(
                person_id__in={r.person_id for r in parents},
                effective_at__in={r.effective_at for r in parents},
                source_message_id__in=[f"{COMPONENT_PREFIX}{r.uuid}" for r in parents],
            ).select_related("item")
            for part in parts.order_by("id"):
                page.components.setdefault(part.source_message_id, []).append(part)
    if page.resource_type == "DiagnosticReport" and page.rows:
        results: dict[int, list[str]] = defaultdict(list)
        query = (
            Observation.objects.filter(encounter_id__in=[r.pk for r in page.rows])
            .exclude(source_message_id__startswith=COMPONENT_PREFIX)
            .order_by("id")
            .values_list("encounter_id", "uuid")
        )
        for encounter_id, uuid in query:
            results[encounter_id].append(str(uuid))
        page.results = dict(results)
    return page


def read_resource(user: Any, resource_type: str, resource_id: str, *, request: Any) -> Page:
    """One resource the user may see, audited; 404 otherwise."""
    rows = list(_scoped(user, resource_type).filter(search.id_filter()(resource_id)))
    if not rows:
        raise not_found(resource_type, resource_id)
    record_event(
        actor=user,
        action="fhir.viewed",
        person_uuid=_person_uuid(rows[0]),
        object_type=resource_type,
        object_id=resource_id,
        request=request,
    )
    return _details(Page(resource_type, rows))


def search_resources(
    user: Any,
    resource_type: str,
    query: list[tuple[str, str]],
    *,
    strict: bool = False,
    request: Any = None,
) -> Page:
    """One page of a search, newest first unless ``_sort`` says otherwise; audited."""
    parsed = search.parse(query, FILTERS[resource_type], SORTS[resource_type], strict=strict)
    rows = _scoped(user, resource_type)
    for condition in parsed.filters:
        rows = rows.filter(condition)
    order = parsed.sort or DEFAULT_SORT[resource_type]
    rows = rows.order_by(order, "-id" if order.startswith("-") else "id")
    total = rows.count() if parsed.total else None
    page = list(rows[parsed.offset : parsed.offset + parsed.count]) if parsed.count else []
    record_bulk_access(
        actor=user,
        action="fhir.listed",
        person_uuids=list(dict.fromkeys(_person_uuid(r) for r in page)),
        request=request,
    )
    return _details(Page(resource_type, page, total, parsed))


def written_resources(user: Any, resource_type: str, ids: list[str]) -> dict[str, Any]:
    """Rows just written, as the caller may read them (absent when out of their scope)."""
    rows = list(_scoped(user, resource_type).filter(uuid__in=ids))
    page = _details(Page(resource_type, rows))
    return {"page": page, "by_id": {str(r.uuid): r for r in rows}}
