"""House rules as tests: views never query scoped models directly; every API view declares
the permission it needs; an employee cannot reach another person's data through any URL."""

import ast
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from healthloop.accounts.drf import declared_permission

ROOT = Path(__file__).resolve().parents[2]
SCOPED_MODELS = {
    "Person", "Encounter", "Observation", "Condition", "Medication", "Allergy",
    "FamilyHistory", "Lifestyle", "PersonIdentifier", "PersonAssignment",
}  # fmt: skip


def _view_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "healthloop").rglob("views.py") if "tests" not in p.parts)


def test_no_view_module_queries_a_scoped_model_directly():
    offenders = []
    for path in _view_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("objects", "_default_manager")
                and isinstance(node.value, ast.Name)
                and node.value.id in SCOPED_MODELS
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}")
    assert offenders == [], "views must go through people.access / selectors"


def _api_patterns(resolver: URLResolver | None = None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_patterns(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            yield route, entry


def _view_class(pattern: URLPattern):
    return getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)


def test_every_api_view_declares_its_permission_for_every_method():
    missing = []
    for route, pattern in _api_patterns():
        view = _view_class(pattern)
        assert view is not None, f"{route} is not a class-based API view"
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if hasattr(view, method.lower()) and declared_permission(view, method) is None:
                missing.append(f"{method} /{route}")
    assert missing == []


def _person_routes():
    return [(route, p) for route, p in _api_patterns() if "<uuid:person_uuid>" in route]


def test_there_are_person_routes_to_check():
    assert len(_person_routes()) >= 3


@pytest.mark.django_db
def test_employee_cannot_read_another_person_through_any_person_url(
    api, make_user, make_person, catalog
):
    # given two employees, each linked to their own person
    own = make_person("甲", sex="male")
    other = make_person("乙", sex="female")
    employee = make_user("emp", "employee")
    own.user = employee
    own.save()
    client = api(employee)
    for route, pattern in _person_routes():
        view = _view_class(pattern)
        if not hasattr(view, "get"):
            continue
        url = "/" + route.replace("<uuid:person_uuid>", "{p}").replace("<str:item_code>", "SBP")
        # when they ask for the other person's data, then it does not exist for them
        denied = client.get(url.format(p=other.uuid))
        assert denied.status_code in (403, 404), f"{url}: {denied.status_code}"
        # and their own is served (or 403 where employees hold no such permission at all)
        allowed = client.get(url.format(p=own.uuid))
        assert allowed.status_code in (200, 403), f"{url}: {allowed.status_code}"
