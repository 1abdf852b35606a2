"""Validation of incoming payloads with fhir.resources (R4B models: wire-compatible with R4 for
the resources we take), turned into OperationOutcome errors that name the element.

Speed: fhir.resources validates in Python, ~0.3 ms for a small Observation, too slow for
Bundles of thousands of results. The results of one Bundle differ mostly in a few primitive
values (identifier, subject, time, value) around the same structure. ``Validator`` therefore
validates a resource as its *template* (those primitives replaced by a valid placeholder of the
same FHIR type and JSON type) plus each replaced value on its own, with the fhir.resources type
of that element; a template already found valid in this request is not validated again.
This is exact, not an approximation: fhir.resources checks an element's value independently of
its siblings, and the model-level rules (required elements, one value[x], no nulls in lists)
depend only on which elements are present, which the template keeps. A resource whose template
fails is validated again as sent, so errors name the element as the sender wrote it. Shared
elements (code, category …) are memoised the same way, and so is each replaced value found
valid for its type (the results of one exam share their subject reference and time).
Codes, units, patient names and identifiers (``_SHAPE_MASKS``) are replaced too, only so that
resources differing in them share one template; when one of those is invalid the resource is
validated again as sent, so its errors are reported exactly as without the mask.
"""

import json
from functools import cache
from operator import itemgetter
from typing import Any

from fhir.resources.R4B import fhirtypes, get_fhir_model_class
from pydantic import TypeAdapter, ValidationError

from healthloop.interop.fhir.errors import FHIRError, Issue, IssueType

JSON = dict[str, Any]

# Elements worth memoising, per resource type: JSON name → (FHIR type, repeats).
_SHARED = {"meta": ("Meta", False), "subject": ("Reference", False)}
_MEMO_ELEMENTS: dict[str, dict[str, tuple[str, bool]]] = {
    "Observation": {
        **_SHARED,
        "code": ("CodeableConcept", False),
        "category": ("CodeableConcept", True),
        "encounter": ("Reference", False),
        "performer": ("Reference", True),
        "interpretation": ("CodeableConcept", True),
        "referenceRange": ("ObservationReferenceRange", True),
    },
    "DiagnosticReport": {
        **_SHARED,
        "code": ("CodeableConcept", False),
        "category": ("CodeableConcept", True),
        "performer": ("Reference", True),
    },
    "Encounter": {**_SHARED, "class": ("Coding", False), "type": ("CodeableConcept", True)},
    "Condition": {**_SHARED, "code": ("CodeableConcept", False)},
    "MedicationStatement": {**_SHARED, "medicationCodeableConcept": ("CodeableConcept", False)},
}


# Primitive elements that vary from resource to resource: path ("*" = every list item) → type.
_REF = "StringType"
_MASKS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "Observation": (
        (("id",), "IdType"),
        (("identifier", "*", "value"), "StringType"),
        (("subject", "reference"), _REF),
        (("subject", "display"), "StringType"),
        (("encounter", "reference"), _REF),
        (("effectiveDateTime",), "DateTimeType"),
        (("effectiveInstant",), "InstantType"),
        (("effectivePeriod", "start"), "DateTimeType"),
        (("effectivePeriod", "end"), "DateTimeType"),
        (("issued",), "InstantType"),
        (("valueQuantity", "value"), "DecimalType"),
        (("valueString",), "StringType"),
        (("valueInteger",), "IntegerType"),
        (("component", "*", "valueQuantity", "value"), "DecimalType"),
        (("hasMember", "*", "reference"), _REF),
        (("derivedFrom", "*", "reference"), _REF),
        (("specimen", "reference"), _REF),
    ),
    "DiagnosticReport": (
        (("id",), "IdType"),
        (("identifier", "*", "value"), "StringType"),
        (("subject", "reference"), _REF),
        (("encounter", "reference"), _REF),
        (("effectiveDateTime",), "DateTimeType"),
        (("issued",), "InstantType"),
        (("result", "*", "reference"), _REF),
        (("conclusion",), "StringType"),
    ),
    "BundleEntry": (
        (("fullUrl",), "UriType"),
        (("request", "url"), "UriType"),
        (("request", "ifNoneExist"), "StringType"),
    ),
}
# Primitives masked only so that resources differing in them share a template (the results of
# one Bundle differ in their code and unit, its patients in their identifiers and names). One of
# these that is invalid makes the resource be validated again as sent, so that its errors are
# reported as they were before it was masked (all of them, by the resource model).
_SHAPE_MASKS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "Observation": (
        (("code", "coding", "*", "code"), "CodeType"),
        (("code", "coding", "*", "display"), "StringType"),
        (("code", "text"), "StringType"),
        (("valueQuantity", "unit"), "StringType"),
        (("valueQuantity", "code"), "CodeType"),
    ),
    "Patient": (
        (("identifier", "*", "value"), "StringType"),
        (("name", "*", "text"), "StringType"),
        (("name", "*", "family"), "StringType"),
        (("name", "*", "given", "*"), "StringType"),
        (("birthDate",), "DateType"),
    ),
}
_PLACEHOLDER = {
    "IdType": "x", "StringType": "x", "UriType": "x", "CodeType": "x",
    "DateTimeType": "2000-01-01", "DateType": "2000-01-01", "InstantType": "2000-01-01T00:00:00Z",
}  # fmt: skip


@cache
def _adapter(type_name: str) -> TypeAdapter[Any]:
    return TypeAdapter(getattr(fhirtypes, type_name))


def _placeholder(type_name: str, value: Any) -> Any:
    """A valid value of the same FHIR type and JSON type, or None when we do not mask it."""
    if type_name in ("DecimalType", "IntegerType"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if type_name == "IntegerType" and not isinstance(value, int):
            return None
        return 0 if isinstance(value, int) else 0.0
    return _PLACEHOLDER[type_name] if isinstance(value, str) else None


Masked = list[tuple[tuple[Any, ...], str, Any]]  # (location, FHIR type, value)
Found = list[tuple[int, tuple[Any, ...], str, Any]]  # (mask number, location, FHIR type, value)


@cache
def _mask_tree(type_name: str) -> dict[str, Any]:
    """A type's ``_MASKS`` then ``_SHAPE_MASKS`` as one tree: element name (or "*": every list
    item) → subtree; a leaf is (mask number, FHIR type)."""
    tree: dict[str, Any] = {}
    masks = (*_MASKS.get(type_name, ()), *_SHAPE_MASKS.get(type_name, ()))
    for number, (path, primitive) in enumerate(masks):
        node = tree
        for name in path[:-1]:
            node = node.setdefault(name, {})
        node[path[-1]] = (number, primitive)
    return tree


def _mask(node: Any, tree: Any, found: Found, loc: tuple[Any, ...]) -> Any:
    """``node`` with the primitives ``tree`` names replaced by placeholders; ``node`` is not
    changed, a container is copied only where something in it was replaced."""
    if isinstance(tree, tuple):
        number, primitive = tree
        placeholder = _placeholder(primitive, node)
        if placeholder is None:
            return node
        found.append((number, loc, primitive, node))
        return placeholder
    if "*" in tree:
        if not isinstance(node, list):
            return node
        items = tree["*"]
        return [_mask(item, items, found, (*loc, i)) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    copy = None
    for name, subtree in tree.items():
        if name in node:
            value = node[name]
            masked = _mask(value, subtree, found, (*loc, name))
            if masked is not value:
                if copy is None:
                    copy = dict(node)
                copy[name] = masked
    return node if copy is None else copy


def template(data: JSON, type_name: str) -> tuple[JSON, Masked, Masked]:
    """``data`` with its varying primitives replaced by placeholders, and what was replaced:
    for ``_MASKS``, for ``_SHAPE_MASKS`` (each in the order of its masks, then of list items)."""
    found: Found = []
    shape = _mask(data, _mask_tree(type_name), found, ())
    found.sort(key=itemgetter(0))  # stable: list items stay in order
    first_shape_mask = len(_MASKS.get(type_name, ()))
    masked = [(loc, t, v) for number, loc, t, v in found if number < first_shape_mask]
    shape_only = [(loc, t, v) for number, loc, t, v in found if number >= first_shape_mask]
    return shape, masked, shape_only


@cache
def model_class(type_name: str) -> Any:
    return get_fhir_model_class(type_name)


def element_path(root: str, loc: tuple[Any, ...]) -> str:
    """('code', 'coding', 0, 'system') → 'Observation.code.coding[0].system'."""
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "resource_type":
            path += ".resourceType"
        elif isinstance(part, str) and part.endswith("__ext"):
            path += "._" + part[: -len("__ext")]
        else:
            path += f".{part}"
    return path


def _fhir_error(exc: ValidationError, root: str) -> FHIRError:
    issues = []
    for error in exc.errors(include_url=False):
        path = element_path(root, tuple(error["loc"]))
        message = " ".join(str(error["msg"]).split())
        code = IssueType.REQUIRED if error["type"] == "missing" else IssueType.STRUCTURE
        if error["type"] == "extra_forbidden":
            message = "unknown element"
        issues.append(Issue(code, f"{path}: {message}", (path,)))
    return FHIRError(400, issues[0].code, "", issues=issues)


class Validator:
    """Validates resources for one request, remembering the templates and shared elements it
    has found valid."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], Any] = {}
        self._templates: set[str] = set()
        # Masked primitives found valid: (FHIR type, JSON type, value). The results of one
        # exam share their subject and time, so most of those are checked once per request.
        self._primitives: set[tuple[str, type, Any]] = set()

    def validate(self, data: JSON, resource_type: str) -> None:
        """Raise FHIRError(400) naming each invalid element; ``data`` is not changed."""
        if data.get("resourceType") != resource_type:
            found = data.get("resourceType")
            raise FHIRError(
                400,
                IssueType.INVALID,
                f"resourceType is {found!r}, expected {resource_type!r}",
                expression=f"{resource_type}.resourceType",
            )
        self.validate_as(data, resource_type)

    def validate_as(self, data: JSON, type_name: str, root: str | None = None) -> None:
        """Validate ``data`` as the FHIR type ``type_name`` (a resource or a datatype)."""
        root = root or type_name
        shape, masked, shape_only = template(data, type_name)
        # repr tells JSON values apart exactly as json.dumps would (1, 1.0, True, "1"), faster.
        key = type_name + repr(shape)
        if key not in self._templates:
            try:
                self._validate_model(shape, type_name, root)
            except FHIRError:
                self._validate_model(data, type_name, root)  # the error as the sender wrote it
                raise
            self._templates.add(key)
        for loc, primitive, value in shape_only:
            try:
                self._primitive(primitive, value)
            except ValidationError as exc:
                self._validate_model(data, type_name, root)  # the error as the sender wrote it
                raise _fhir_error(exc, element_path(root, loc)) from None
        for loc, primitive, value in masked:
            try:
                self._primitive(primitive, value)
            except ValidationError as exc:
                raise _fhir_error(exc, element_path(root, loc)) from None

    def _primitive(self, type_name: str, value: Any) -> None:
        """Raise ValidationError unless ``value`` is a valid ``type_name``."""
        seen = (type_name, type(value), value)
        if seen not in self._primitives:
            _adapter(type_name).validate_python(value)
            self._primitives.add(seen)

    def _validate_model(self, data: JSON, type_name: str, root: str) -> None:
        prepared = dict(data)
        for name, (element_type, repeats) in _MEMO_ELEMENTS.get(type_name, {}).items():
            value = prepared.get(name)
            if repeats and isinstance(value, list):
                prepared[name] = [
                    self._element(element_type, f"{root}.{name}[{i}]", item)
                    for i, item in enumerate(value)
                ]
            elif not repeats and isinstance(value, dict):
                prepared[name] = self._element(element_type, f"{root}.{name}", value)
        try:
            model_class(type_name).model_validate(prepared)
        except ValidationError as exc:
            raise _fhir_error(exc, root) from None

    def _element(self, type_name: str, path: str, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # the resource model reports the wrong type with its path
        key = (type_name, json.dumps(value, sort_keys=True, separators=(",", ":")))
        instance = self._memo.get(key)
        if instance is None:
            try:
                instance = model_class(type_name).model_validate(value)
            except ValidationError as exc:
                raise _fhir_error(exc, path) from None
            self._memo[key] = instance
        return instance


def validate_bundle_envelope(bundle: JSON, validator: Validator) -> None:
    """Validate a Bundle without its entries' resources (those are validated one by one)."""
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        validator.validate_as(bundle, "Bundle")  # reports what is wrong with the entry list
        return
    validator.validate_as({k: v for k, v in bundle.items() if k != "entry"}, "Bundle")
    for index, entry in enumerate(entries):
        shell = {k: v for k, v in entry.items() if k != "resource"}
        validator.validate_as(shell, "BundleEntry", f"Bundle.entry[{index}]")


def validate_output(resource: JSON) -> None:
    """Check a resource we produce (used by the tests on everything we serve)."""
    model_class(resource["resourceType"]).model_validate(resource)
