"""Administrators edit what each role may do: a database override of the least-privilege
defaults, applied to the next request, audited, with guards against locking everyone out."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from healthloop.accounts.models import RolePermissionOverride, User
from healthloop.accounts.permissions import ROLE_PERMISSIONS, Perm, Role, role_has
from healthloop.audit.models import AuditEvent


@pytest.fixture
def admin(make_user):
    return make_user("root", "admin")


@pytest.mark.django_db
def test_the_roles_list_shows_the_eight_roles_with_their_defaults(api, admin):
    body = api(admin).get("/api/v1/accounts/roles/").json()
    assert [r["role"] for r in body["roles"]] == [r.value for r in Role]
    nurse = next(r for r in body["roles"] if r["role"] == "nurse")
    assert nurse["permissions"] == sorted(ROLE_PERMISSIONS[Role.NURSE])
    assert (nurse["added"], nurse["removed"], nurse["label"]) == ([], [], "护士")
    assert "accounts.manage_roles" in body["all_permissions"]


@pytest.mark.django_db
def test_an_administrator_gives_and_takes_permissions_and_the_next_request_obeys(
    api, admin, make_user
):
    nurse = make_user("nurse1", "nurse")
    # given a nurse may not import results by default
    assert api(nurse).get("/api/v1/interop/imports/").status_code == 403
    wanted = sorted((ROLE_PERMISSIONS[Role.NURSE] - {Perm.VIEW_ALERTS}) | {Perm.IMPORT_RESULTS})
    # when the administrator adds import and removes alert viewing
    response = api(admin).put(
        "/api/v1/accounts/roles/nurse/", {"permissions": wanted}, format="json"
    )
    # then the change is stored as a difference from the defaults, and audited
    assert response.status_code == 200, response.json()
    assert (response.json()["added"], response.json()["removed"]) == (
        ["interop.import_results"], ["alerts.view_alerts"]
    )  # fmt: skip
    assert sorted(RolePermissionOverride.objects.values_list("perm", "granted")) == [
        ("alerts.view_alerts", False), ("interop.import_results", True)
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="accounts.role_permissions_changed")
    assert (event.object_id, event.detail) == (
        "nurse", {"added": ["interop.import_results"], "removed": ["alerts.view_alerts"]}
    )  # fmt: skip
    # and the nurse's next requests (a fresh user object each, as a real request loads) obey
    nurse = User.objects.get(pk=nurse.pk)
    assert api(nurse).get("/api/v1/interop/imports/").status_code != 403
    assert api(nurse).get("/api/v1/alerts/").status_code == 403
    nurse = User.objects.get(pk=nurse.pk)
    me = api(nurse).get("/api/v1/accounts/me/").json()
    assert "interop.import_results" in me["permissions"]
    assert "alerts.view_alerts" not in me["permissions"]
    # and putting back the defaults leaves no override
    api(admin).put(
        "/api/v1/accounts/roles/nurse/",
        {"permissions": sorted(ROLE_PERMISSIONS[Role.NURSE])},
        format="json",
    )
    assert not RolePermissionOverride.objects.exists()
    assert role_has("nurse", Perm.VIEW_ALERTS) and not role_has("nurse", Perm.IMPORT_RESULTS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "change", "code"),
    [
        ("admin", lambda p: p - {Perm.MANAGE_ROLES}, "locked_permission"),
        ("doctor", lambda p: p | {Perm.VIEW_AUDIT}, "locked_permission"),
        ("employee", lambda p: p | {Perm.SEARCH_PERSONS}, "employee_limit"),
    ],
)
def test_guards_keep_the_administrator_in_charge_and_employees_to_themselves(
    api, admin, role, change, code
):
    wanted = sorted(change(set(ROLE_PERMISSIONS[Role(role)])))
    response = api(admin).put(f"/api/v1/accounts/roles/{role}/", {"permissions": wanted},
                              format="json")  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not RolePermissionOverride.objects.exists()


@pytest.mark.django_db
def test_unknown_roles_and_permissions_and_non_administrators_are_refused(api, admin, make_user):
    assert api(admin).get("/api/v1/accounts/roles/chief/").status_code == 404
    bad = api(admin).put("/api/v1/accounts/roles/nurse/", {"permissions": ["x.y"]}, format="json")
    assert (bad.status_code, bad.json()["field"]) == (400, "permissions")
    head = make_user("head", "dept_head")
    assert api(head).get("/api/v1/accounts/roles/").status_code == 403


@pytest.mark.django_db
def test_the_django_admin_change_goes_through_the_audited_service(admin):
    # given the administrator adds a permission in the Django admin
    model_admin = site._registry[RolePermissionOverride]
    request = RequestFactory().post("/admin/")
    request.user = admin
    obj = RolePermissionOverride(role="reception", perm=Perm.VIEW_RECORD.value, granted=True)
    model_admin.save_model(request, obj, form=None, change=False)
    # then reception may view records and the change is audited
    assert role_has("reception", Perm.VIEW_RECORD)
    assert AuditEvent.objects.filter(action="accounts.role_permissions_changed").count() == 1
    # and deleting the row restores the default
    model_admin.delete_model(request, RolePermissionOverride.objects.get())
    assert not role_has("reception", Perm.VIEW_RECORD)
    assert not RolePermissionOverride.objects.exists()
