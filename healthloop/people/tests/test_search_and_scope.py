import pytest

from healthloop.audit.models import AuditEvent
from healthloop.conftest import ID_FEMALE_1949, ID_MALE_1965, ID_MALE_1980
from healthloop.people.models import PersonAssignment, StaffScope


@pytest.fixture
def population(org, make_person, make_user):
    zhang = make_person(
        "张三",
        id_number=ID_MALE_1980,
        org_unit=org["dept_a"],
        employee_no="R0001",
        phone="13800138000",
    )
    li = make_person("李娟", id_number=ID_FEMALE_1949, org_unit=org["dept_b"])
    wang = make_person("王强", id_number=ID_MALE_1965, org_unit=org["dept_b"])
    doctor = make_user("dr_liu", "doctor")
    StaffScope.objects.create(staff=doctor, org_unit=org["refinery"])
    PersonAssignment.objects.create(person=wang, staff=doctor)
    employee = make_user("zhangsan", "employee")
    zhang.user = employee
    zhang.save()
    admin = make_user("admin", "admin")
    return {
        "zhang": zhang,
        "li": li,
        "wang": wang,
        "doctor": doctor,
        "employee": employee,
        "admin": admin,
    }


def _names(response):
    return sorted(row["name"] for row in response.data["results"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("张三", ["张三"]),
        ("zhangsan", ["张三"]),
        ("zs", ["张三"]),
        ("ZS", ["张三"]),
        ("0016", ["张三"]),
        ("R0001", ["张三"]),
        ("13800138000", ["张三"]),
        ("110105198001010016", ["张三"]),
        ("w", ["王强"]),
        ("", ["张三", "王强"]),
    ],
)
@pytest.mark.django_db
def test_doctor_search_by_name_pinyin_initials_id_tail_employee_no(population, api, q, expected):
    # when the doctor (refinery scope + one assigned person) searches
    response = api(population["doctor"]).get("/api/v1/people/persons/", {"q": q})
    # then only persons in scope match; 李娟 (finance, unassigned) never appears
    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.django_db
def test_search_by_department_includes_sub_units(population, api, org):
    response = api(population["doctor"]).get(
        "/api/v1/people/persons/", {"org_unit": str(org["refinery"].uuid)}
    )
    assert _names(response) == ["张三"]


@pytest.mark.django_db
def test_search_results_are_audited_per_person(population, api):
    api(population["doctor"]).get("/api/v1/people/persons/", {"q": "zs"})
    events = AuditEvent.objects.filter(action="person.listed")
    assert [e.person_uuid for e in events] == [population["zhang"].uuid]


@pytest.mark.django_db
def test_employee_sees_only_themself(population, api):
    client = api(population["employee"])
    assert client.get("/api/v1/people/persons/").status_code == 403
    own = client.get(f"/api/v1/people/persons/{population['zhang'].uuid}/")
    other = client.get(f"/api/v1/people/persons/{population['li'].uuid}/")
    assert own.status_code == 200 and own.data["name"] == "张三"
    assert other.status_code == 404


@pytest.mark.django_db
def test_out_of_scope_person_is_not_found_not_forbidden(population, api):
    response = api(population["doctor"]).get(f"/api/v1/people/persons/{population['li'].uuid}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


@pytest.mark.django_db
def test_person_detail_masks_identifiers_and_is_audited(population, api):
    response = api(population["doctor"]).get(f"/api/v1/people/persons/{population['zhang'].uuid}/")
    assert response.data["id_number_masked"] == "110***********0016"
    assert response.data["phone_masked"] == "138****8000"
    event = AuditEvent.objects.get(action="person.viewed")
    assert (event.actor, event.person_uuid) == (population["doctor"], population["zhang"].uuid)


@pytest.mark.django_db
def test_admin_manages_but_does_not_browse_persons(population, api):
    client = api(population["admin"])
    assert client.get(f"/api/v1/people/persons/{population['zhang'].uuid}/").status_code == 403
    assert client.get("/api/v1/people/org-units/tree/").status_code == 200


@pytest.mark.django_db
def test_anonymous_gets_401(population, api):
    assert api().get("/api/v1/people/persons/").status_code == 401
