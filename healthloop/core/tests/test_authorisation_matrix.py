"""The authorisation matrix, generated from the URL configuration.

Every API endpoint (/api/v1/…) and FHIR endpoint (/fhir/R4/…) × every role (and anonymous) ×
own / assigned / unassigned person gives the expected answer:

  anonymous, non-public endpoint           → 401
  the role lacks the declared permission   → 403
  a person route, the person out of scope  → 404 (never 403: existence does not leak); an
                                             unsafe method with an empty body may answer 400
                                             first (shape is checked before the person)
  a person route, the person in scope      → allowed (2xx; 400 where the request needs input)
  any other route with the permission      → neither 401/403 nor 5xx

The rule of each endpoint is the permission its view declares (``required_permission(s)``) plus
the scope of ``people.access``. An endpoint added later is picked up automatically; one that
declares no permission, or a permission missing from ``Perm``, fails here. Unsafe methods are
sent only where they cannot change anything: without the permission, anonymously, or against an
out-of-scope person.
"""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from healthloop.accounts.drf import PUBLIC, declared_permission
from healthloop.accounts.permissions import Perm, Role, role_has

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PERSON_PARAM = "<uuid:person_uuid>"
# A route whose object is a person under another name: FHIR Patient/{id}.
FHIR_INSTANCE = "fhir/R4/<str:resource_type>/<str:resource_id>"
PLACEHOLDERS = {
    "<str:item_code>": "SBP",
    "<str:resource_type>": "Patient",
    "<str:name>": "bmi",
    "<str:code>": "no-such-rule",
    "<slug:code>": "phq9",
}
IN_SCOPE = {Role.EMPLOYEE: {"own"}, Role.ADMIN: set()}  # staff roles: {"assigned"}
ALLOWED = set(range(200, 300)) | {400}


def _walk(resolver: URLResolver | None = None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith(("api/v1/", "fhir/R4/")):
            view = getattr(entry.callback, "view_class", None) or getattr(
                entry.callback, "cls", None
            )
            yield route, view


def endpoints() -> list[tuple[str, str]]:
    found = []
    for route, view in _walk():
        for method in METHODS:
            if view is None or hasattr(view, method.lower()):
                found.append((route, method))
    return found


def _declared(route: str, method: str):
    view = dict(_walk())[route]
    assert view is not None, f"/{route} is not a class-based API view"
    return declared_permission(view, method)


def _is_person_route(route: str) -> bool:
    return PERSON_PARAM in route or route == FHIR_INSTANCE


def _url(route: str, person_uuid: uuid.UUID) -> str:
    url = route.replace(PERSON_PARAM, str(person_uuid)).replace(
        "<str:resource_id>", str(person_uuid)
    )
    for param, value in PLACEHOLDERS.items():
        url = url.replace(param, value)
    while "<" in url:  # any other object id: one that does not exist
        start, end = url.index("<"), url.index(">")
        kind = url[start + 1 : end].split(":")[0]
        url = url[:start] + ("999999" if kind == "int" else str(uuid.uuid4())) + url[end + 1 :]
    return "/" + url


def test_the_matrix_covers_the_api_and_the_fhir_facade():
    routes = {route for route, _ in endpoints()}
    assert any(r.startswith("fhir/R4/") for r in routes)
    assert sum(_is_person_route(r) for r in routes) >= 10


@pytest.mark.parametrize(("route", "method"), endpoints())
def test_every_endpoint_declares_a_known_permission(route, method):
    perm = _declared(route, method)
    assert perm is not None, f"{method} /{route} declares no permission"
    assert perm == PUBLIC or perm in set(Perm), f"{method} /{route}: unknown permission {perm!r}"


@pytest.fixture
def cast(db, make_person):
    from healthloop.accounts.models import User
    from healthloop.people.models import PersonAssignment

    users = {role: User.objects.create(username=f"m_{role}", role=role) for role in Role}
    persons = {
        "own": make_person("本人", sex="male"),
        "assigned": make_person("分管", sex="female"),
        "unassigned": make_person("他人", sex="male"),
    }
    persons["own"].user = users[Role.EMPLOYEE]
    persons["own"].save(update_fields=["user"])
    for role, user in users.items():
        if role not in (Role.EMPLOYEE, Role.ADMIN):
            PersonAssignment.objects.create(person=persons["assigned"], staff=user)
    return users, persons


def _expected(role: Role | None, perm, relation: str | None) -> str:
    if perm == PUBLIC:
        return "public"
    if role is None:
        return "401"
    if not role_has(role, Perm(perm)):
        return "403"
    if relation is None:
        return "permitted"
    in_scope = IN_SCOPE.get(role, {"assigned"})
    return "allowed" if relation in in_scope else "404"


def _matches(expected: str, status: int, method: str) -> bool:
    if expected == "404" and method != "GET":
        return status in (400, 404)
    return {
        "public": status < 500,
        "401": status == 401,
        "403": status == 403,
        "404": status == 404,
        "allowed": status in ALLOWED,
        "permitted": status not in (401, 403) and status < 500,
    }[expected]


@pytest.mark.parametrize(("route", "method"), endpoints())
def test_every_role_gets_the_expected_answer_for_every_person(api, cast, route, method, request):
    users, persons = cast
    if "<str:item_code>" in route:
        request.getfixturevalue("catalog")
    perm = _declared(route, method)
    relations = ["own", "assigned", "unassigned"] if _is_person_route(route) else [None]
    wrong = []
    for role in [None, *Role]:
        for relation in relations:
            expected = _expected(role, perm, relation)
            if method != "GET" and expected in ("allowed", "permitted", "public"):
                continue  # would change data; covered by each app's own tests
            url = _url(route, persons[relation or "unassigned"].uuid)
            client = api(users[role] if role else None)
            status = getattr(client, method.lower())(url, {}, format="json").status_code
            if not _matches(expected, status, method):
                wrong.append(f"{role or 'anonymous'}/{relation}: expected {expected}, got {status}")
    assert wrong == [], f"{method} /{route}: " + "; ".join(wrong)
