"""Demo log-ins for `make run`: one account per main role, with a scope that shows data."""

from dataclasses import dataclass

from django.db import transaction

from healthloop.accounts.models import User
from healthloop.accounts.permissions import Role
from healthloop.people.models import OrgUnit, Person, StaffScope

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    display_name: str
    scope: str


def _user(username: str, role: Role, display_name: str, *, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "display_name": display_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = superuser
        user.is_superuser = superuser
        user.save()
    return user


def _scope(user: User, unit: OrgUnit | None) -> str:
    if unit is None:
        return "-"
    StaffScope.objects.get_or_create(staff=user, org_unit=unit)
    return unit.name


@transaction.atomic
def create_demo_logins() -> list[DemoLogin]:
    """Idempotent. The doctor looks after the first division, the health manager the
    retirees' office, the department head the whole company; the employee is a real person
    of the demo population in the doctor's scope."""
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("code").first()
    division = OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION).order_by("code").first()
    retirees = OrgUnit.objects.filter(kind=OrgUnit.Kind.RETIREES).order_by("code").first()
    logins = [
        DemoLogin(
            "admin",
            Role.ADMIN,
            "系统管理员",
            _scope(_user("admin", Role.ADMIN, "系统管理员", superuser=True), None),
        ),
        DemoLogin(
            "doctor",
            Role.DOCTOR,
            "刘医生",
            _scope(_user("doctor", Role.DOCTOR, "刘医生"), division),
        ),
        DemoLogin(
            "manager",
            Role.HEALTH_MANAGER,
            "陈健康管理师",
            _scope(_user("manager", Role.HEALTH_MANAGER, "陈健康管理师"), retirees),
        ),
        DemoLogin(
            "head", Role.DEPT_HEAD, "王主任", _scope(_user("head", Role.DEPT_HEAD, "王主任"), root)
        ),
    ]
    employee = _user("employee", Role.EMPLOYEE, "职工")
    person = Person.objects.filter(user=employee).first()
    if person is None and division is not None:
        person = (
            Person.objects.filter(
                org_unit__path__startswith=division.path,
                user__isnull=True,
                merged_into__isnull=True,
                status=Person.Status.ACTIVE,
            )
            .order_by("employee_no", "id")
            .first()
        )
        if person is not None:
            person.user = employee
            person.save(update_fields=["user", "updated_at"])
    if person is not None and employee.display_name != person.name:
        employee.display_name = person.name
        employee.save(update_fields=["display_name"])
    logins.append(
        DemoLogin("employee", Role.EMPLOYEE, employee.display_name, person.name if person else "-")
    )
    return logins
