"""schemathesis against the OpenAPI schema, authenticated as each role: no 5xx.

Every operation in the schema that drf-spectacular generates (so an endpoint added later is
fuzzed too) gets generated requests as each role, through Django's request handler in the test
transaction. Person routes are pointed at a real person (the employee's own record for the
employee, an assigned one for staff) half of the time, so the fuzzed bodies and queries reach the
handlers behind the scope check rather than stopping at 404. Generation is derandomised: a run is
repeatable, and a failure names the request that caused it.
"""

import json
import uuid
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test.client import ClientHandler
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.transport.wsgi import WSGI_TRANSPORT
from werkzeug.test import EnvironBuilder

from healthloop.accounts.permissions import Role

EXAMPLES_PER_OPERATION = 4


def _schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def test_the_schema_has_operations_to_fuzz():
    assert len(OPERATIONS) > 50


def _send(case, token: str, person_uuid: str | None) -> tuple[int, str]:
    if person_uuid and "person_uuid" in (case.path_parameters or {}):
        case.path_parameters["person_uuid"] = person_uuid
    request = WSGI_TRANSPORT.serialize_case(case)
    query = request.pop("query_string", None) or {}
    headers = {**request.pop("headers", {}), "Authorization": f"Token {token}"}
    builder = EnvironBuilder(
        method=request["method"],
        path=request["path"],
        query_string=urlencode(query, doseq=True),
        headers=headers,
        data=request.get("data"),
        json=request.get("json"),
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    response = ClientHandler(enforce_csrf_checks=False)(environ)
    return response.status_code, f"{request['method']} {request['path']}?{urlencode(query)}"


@pytest.fixture
def tokens(db, catalog, make_person, org):
    from rest_framework.authtoken.models import Token

    from healthloop.accounts.models import User
    from healthloop.people.models import PersonAssignment

    users = {role: User.objects.create(username=f"fuzz_{role}", role=role) for role in Role}
    own = make_person("本人", sex="male", org_unit=org["dept_a"])
    own.user = users[Role.EMPLOYEE]
    own.save(update_fields=["user"])
    assigned = make_person("分管", sex="female", org_unit=org["dept_a"])
    for role, user in users.items():
        if role not in (Role.EMPLOYEE, Role.ADMIN):
            PersonAssignment.objects.create(person=assigned, staff=user)
    person_of = {Role.EMPLOYEE: str(own.uuid)}
    return {
        role: (Token.objects.create(user=user).key, person_of.get(role, str(assigned.uuid)))
        for role, user in users.items()
    }


@pytest.mark.slow
@pytest.mark.parametrize("role", list(Role))
def test_no_request_as_any_role_gets_a_server_error(tokens, role):
    token, person_uuid = tokens[role]
    errors: list[str] = []

    def fuzz_operation(operation) -> None:
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), real_person=st.booleans())
        def fuzz(case, real_person):
            status, sent = _send(case, token, person_uuid if real_person else None)
            if status >= 500:
                errors.append(f"{status} {sent}")

        fuzz()

    for operation in OPERATIONS:
        fuzz_operation(operation)
    assert errors == [], f"{role}: {len(errors)} server errors, e.g. " + "; ".join(errors[:5])


def test_a_server_error_would_be_caught(tokens):
    """The harness really sends the request: an unknown person is 404, never swallowed."""
    token, _ = tokens[Role.DOCTOR]
    operation = next(o for o in OPERATIONS if "{person_uuid}" in o.path and o.method == "get")
    case = operation.Case(path_parameters={"person_uuid": str(uuid.uuid4())})
    status, _ = _send(case, token, None)
    assert status == 404
