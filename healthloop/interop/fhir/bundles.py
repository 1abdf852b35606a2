"""Batch and transaction Bundles (https://hl7.org/fhir/R4/http.html#transaction).

transaction: all or nothing, in one database transaction; entries refer to each other by
fullUrl (``urn:uuid:`` or absolute). An entry we cannot process fails the whole Bundle, naming
the entry. A resource type we do not store fails it too (422), unless the client sent
``Prefer: handling=lenient``: then such entries are skipped, each answered "404 Not Found" with
a not-supported warning, and the rest is written all or nothing (Synthea Bundles carry Claims,
Immunizations, DocumentReferences … next to what we keep).
batch: every entry on its own; each answered with its status and, on failure, an outcome. An
entry may refer to an earlier entry that was written (the spec says batch entries should not
depend on each other; Synthea's Bundles do, and failing them all would help nobody).
Both: POST creates (``request.ifNoneExist`` = conditional create); GET reads or searches;
PUT, PATCH, DELETE and HEAD are not offered (405).
"""

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

from django.db import transaction

from healthloop.interop.fhir import selectors
from healthloop.interop.fhir.context import Entry, IngestContext
from healthloop.interop.fhir.errors import FHIRError, IssueType, operation_outcome
from healthloop.interop.fhir.render import resource, searchset, status_line
from healthloop.interop.fhir.services import (
    MAPPINGS,
    audit_write,
    check_supported,
    write_entries,
)
from healthloop.interop.fhir.validation import validate_bundle_envelope

JSON = dict[str, Any]


@dataclass
class Item:
    """One Bundle entry and what became of it."""

    index: int
    method: str
    url: str
    full_url: str = ""
    entry: Entry | None = None  # a POST
    error: FHIRError | None = None
    skipped: bool = False
    answer: JSON | None = None  # a GET's resource or searchset


def _items(bundle: JSON, ctx: IngestContext) -> list[Item]:
    items: list[Item] = []
    full_urls: dict[str, int] = {}
    for index, raw in enumerate(bundle.get("entry") or []):
        request = raw.get("request") or {}
        method = str(request.get("method") or "")
        url = str(request.get("url") or "")
        item = Item(index, method, url, str(raw.get("fullUrl") or ""))
        items.append(item)
        try:
            if method == "POST" and item.full_url in full_urls:
                where = f"Bundle.entry[{index}].fullUrl"
                raise FHIRError(
                    400,
                    IssueType.DUPLICATE,
                    f"{where}: {item.full_url} is also "
                    f"the fullUrl of entry {full_urls[item.full_url]}",
                    expression=where,
                )
            if method == "POST":
                if item.full_url:
                    full_urls[item.full_url] = index
                item.entry = _post_entry(raw, index, url, ctx)
            elif method != "GET":
                raise FHIRError(
                    405,
                    IssueType.NOT_SUPPORTED,
                    f"Bundle.entry[{index}].request.method: {method or '(none)'} is not "
                    "supported; this server offers create (POST), read and search (GET)",
                    expression=f"Bundle.entry[{index}].request.method",
                )
        except FHIRError as exc:
            item.error = exc
    return items


def _post_entry(raw: JSON, index: int, url: str, ctx: IngestContext) -> Entry:
    resource_type = url.split("?")[0].rstrip("/").rpartition("/")[2]
    data = raw.get("resource")
    where = f"Bundle.entry[{index}]"
    if not isinstance(data, dict):
        raise FHIRError(
            400,
            IssueType.REQUIRED,
            f"{where}.resource: a POST needs a resource",
            expression=f"{where}.resource",
        )
    if data.get("resourceType") != resource_type:
        raise FHIRError(
            400,
            IssueType.INVALID,
            f"{where}: request.url {url!r} does not match "
            f"resourceType {data.get('resourceType')!r}",
            expression=where,
        )
    try:
        check_supported(resource_type)
    except FHIRError as exc:
        raise exc.relocated(index, resource_type) from None
    try:
        ctx.validator.validate(data, resource_type)
    except FHIRError as exc:
        raise exc.relocated(index, resource_type) from None
    return Entry(
        resource_type,
        data,
        index=index,
        full_url=str(raw.get("fullUrl") or ""),
        if_none_exist=str(raw["request"].get("ifNoneExist") or ""),
    )


def _get(item: Item, user: Any, base: str, request: Any) -> None:
    path, _, query = item.url.lstrip("/").partition("?")
    parts = [p for p in path.split("/") if p]
    try:
        if not parts or len(parts) > 2:
            raise FHIRError(400, IssueType.NOT_SUPPORTED, f"GET {item.url} is not supported")
        check_supported(parts[0])
        if len(parts) == 2:
            page = selectors.read_resource(user, parts[0], parts[1], request=request)
            item.answer = resource(page, page.rows[0])
        else:
            params = parse_qsl(query, keep_blank_values=True)
            page = selectors.search_resources(user, parts[0], params, request=request)
            item.answer = searchset(page, base=base, path=parts[0])
    except FHIRError as exc:
        item.error = exc


Shown = dict[str, dict[str, Any]]  # resource type → selectors.written_resources(...)


def _answer(item: Item, shown: Shown, base: str) -> JSON:
    if item.error is not None:
        return {
            "response": {
                "status": status_line(item.error.status),
                "outcome": operation_outcome(item.error.issues),
            }
        }
    if item.method == "GET":
        return {"resource": item.answer, "response": {"status": "200 OK"}}
    entry = item.entry
    assert entry is not None and entry.row is not None
    kind, rid = entry.resource_type, str(entry.row.uuid)
    response: JSON = {"status": status_line(entry.status), "location": f"{kind}/{rid}"}
    if entry.outcome.issues:
        response["outcome"] = operation_outcome(entry.outcome.issues)
    answer: JSON = {"fullUrl": f"{base}/{kind}/{rid}"}
    written = shown.get(kind)
    if written is not None and rid in written["by_id"]:
        answer["resource"] = resource(written["page"], written["by_id"][rid])
    answer["response"] = response
    return answer


def _shown(user: Any, items: list[Item]) -> Shown:
    """The written resources the caller may read, for ``Prefer: return=representation``."""
    shown: Shown = {}
    for kind in MAPPINGS:
        ids = [
            str(i.entry.row.uuid)
            for i in items
            if i.entry and i.entry.row is not None and i.entry.resource_type == kind
        ]
        if ids:
            shown[kind] = selectors.written_resources(user, kind, ids)
    return shown


def process_bundle(
    *,
    actor: Any,
    bundle: Any,
    base_url: str,
    lenient: bool,
    representation: bool,
    request: Any = None,
) -> tuple[int, JSON]:
    """Process a batch or transaction Bundle; (HTTP status, response Bundle or outcome)."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FHIRError(400, IssueType.INVALID, "POST [base] takes a Bundle", expression="Bundle")
    ctx = IngestContext(actor=actor, base_url=base_url)
    validate_bundle_envelope(bundle, ctx.validator)
    kind = bundle.get("type")
    if kind not in ("batch", "transaction"):
        raise FHIRError(
            422,
            IssueType.NOT_SUPPORTED,
            f"Bundle.type {kind!r}: POST [base] takes a batch or a transaction",
            expression="Bundle.type",
        )
    items = _items(bundle, ctx)
    if kind == "transaction":
        _transaction(ctx, items, lenient=lenient)
    else:
        _batch(ctx, items)
    for item in items:
        if item.method == "GET" and item.error is None:
            _get(item, actor, base_url, request)
    shown = _shown(actor, items) if representation else {}
    answers = [_answer(i, shown, base_url) for i in items]
    return 200, {"resourceType": "Bundle", "type": f"{kind}-response", "entry": answers}


def _transaction(ctx: IngestContext, items: list[Item], *, lenient: bool) -> None:
    for item in items:
        error = item.error
        if error is None:
            continue
        unsupported = error.issues[0].code == IssueType.NOT_SUPPORTED and item.method == "POST"
        if not unsupported:
            raise error
        if not lenient:
            raise FHIRError(422, IssueType.NOT_SUPPORTED, "", issues=error.issues)
        item.skipped = True
        ctx.skipped.add(item.full_url)
        item.error = FHIRError(
            error.status,
            IssueType.NOT_SUPPORTED,
            "",
            issues=[
                replace(i, diagnostics=f"{i.diagnostics} (skipped)", severity="warning")
                for i in error.issues
            ],
        )
    entries = [i.entry for i in items if i.entry is not None]
    with transaction.atomic():
        write_entries(ctx, entries)
        audit_write(ctx, entries, interaction="transaction")


def _batch(ctx: IngestContext, items: list[Item]) -> None:
    """Each entry in its own database transaction. An entry may refer to an earlier entry that
    was written (Synthea sends its records this way); one that failed left no trace."""
    for item in items:
        if item.entry is None:
            continue
        reports = dict(ctx.result_of_report)
        ctx.persons_touched = {}
        try:
            with transaction.atomic():
                write_entries(ctx, [item.entry])
                audit_write(ctx, [item.entry], interaction="batch")
        except FHIRError as exc:
            item.error = exc
            ctx.result_of_report = reports
