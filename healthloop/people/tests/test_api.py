"""The person API's filters answer bad input with a 4xx that names the parameter."""

import uuid


def test_a_malformed_org_unit_filter_is_a_400_naming_the_field(api, make_user):
    client = api(make_user("dr_fuzz", "doctor"))
    response = client.get("/api/v1/people/persons/", {"org_unit": "Laboratory"})
    assert response.status_code == 400
    assert response.json()["field"] == "org_unit"
    unknown = client.get("/api/v1/people/persons/", {"org_unit": str(uuid.uuid4())})
    assert unknown.status_code == 404
