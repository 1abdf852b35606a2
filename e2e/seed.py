"""A small, fixed population for the browser tests: `python -m e2e.seed` (Django configured
from the environment, migrations and the catalog already loaded).

Written through the services (upsert_person, record_encounter_results) like any real feed, so
flags and reference ranges are the ones the catalog computes. Deterministic: the same names,
values and log-ins every run, which the tests assert on.

Log-ins (password E2E_PASSWORD): ``doctor1`` (doctor, 炼油厂), ``head1`` (department head, the
whole company), ``employee1`` (employee, linked to 李建国), ``manager1`` (health manager, 炼油厂),
``admin1`` (administrator).
"""

import datetime as dt
import random

E2E_PASSWORD = "E2e-Pass-2026!"  # noqa: S105 - a throw-away test database

# (name, sex, birth date, unit code, SBP by year 2021..2025, extra overrides for 2025)
NAMED = [
    ("周淑芬", "female", dt.date(1968, 3, 12), "C0101", (126, 133, 141, 147, 152), {"GLU": "6.8"}),
    ("张淑芳", "female", dt.date(1975, 7, 2), "C0102", (118, 120, 117, 122, 121), {}),
    ("李建国", "male", dt.date(1970, 10, 1), "C0102", (130, 134, 138, 141, 146), {"UA": "486"}),
    ("王志强", "male", dt.date(1982, 5, 20), "C0201", (122, 125, 124, 128, 131), {"TG": "2.35"}),
    ("赵晓梅", "female", dt.date(1990, 1, 15), "C03", (110, 112, 109, 113, 111), {}),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]
UNITS = ["C0101", "C0102", "C0201", "C0202", "C03", "R01"]
EXAM_YEARS = (2021, 2022, 2023, 2024, 2025)


def _id_number(index: int, birth: dt.date, sex: str) -> str:
    from healthloop.people.identity import check_char

    seq = 10 + 2 * (index % 40) + (1 if sex == "male" else 0)
    first17 = f"440902{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def _org_units() -> dict:
    from healthloop.people.models import OrgUnit

    def unit(name, code, kind, parent=None):
        return OrgUnit.objects.create(name=name, code=code, kind=kind, parent=parent)

    company = unit("石化公司", "C", "company")
    refinery = unit("炼油厂", "C01", "division", company)
    chemicals = unit("化工厂", "C02", "division", company)
    units = {
        "C": company,
        "C01": refinery,
        "C02": chemicals,
        "C0101": unit("常减压车间", "C0101", "department", refinery),
        "C0102": unit("催化裂化车间", "C0102", "department", refinery),
        "C0201": unit("乙烯车间", "C0201", "department", chemicals),
        "C0202": unit("聚丙烯车间", "C0202", "department", chemicals),
        "C03": unit("财务部", "C03", "department", company),
        "R01": unit("离退休管理办公室", "R01", "retirees", company),
    }
    return units


def _results(rng: random.Random, sbp: int, overrides: dict[str, str]):
    from healthloop.records.services import ObservationInput

    values = {
        "HEIGHT": f"{rng.uniform(155, 180):.1f}",
        "WEIGHT": f"{rng.uniform(50, 85):.1f}",
        "SBP": str(sbp),
        "DBP": str(int(sbp * 0.62 + rng.uniform(-4, 4))),
        "PULSE": str(rng.randint(62, 88)),
        "WBC": f"{rng.uniform(4.0, 9.0):.2f}",
        "HGB": str(rng.randint(120, 160)),
        "PLT": str(rng.randint(150, 320)),
        "ALT": str(rng.randint(12, 45)),
        "AST": str(rng.randint(14, 38)),
        "CREA": str(rng.randint(60, 95)),
        "UA": str(rng.randint(250, 400)),
        "TC": f"{rng.uniform(3.9, 5.1):.2f}",
        "TG": f"{rng.uniform(0.7, 1.6):.2f}",
        "HDL_C": f"{rng.uniform(1.05, 1.7):.2f}",
        "LDL_C": f"{rng.uniform(2.0, 3.3):.2f}",
        "GLU": f"{rng.uniform(4.3, 5.9):.1f}",
        "U_PRO": "NEG",
        "U_COLOR": "YELLOW",
    }
    values.update(overrides)
    units = {"HEIGHT": "cm", "WEIGHT": "kg", "SBP": "mmHg", "DBP": "mmHg"}
    return [ObservationInput(code=c, value=v, unit=units.get(c, "")) for c, v in values.items()]


def _record_exams(person, rng: random.Random, sbps, overrides_2025: dict[str, str]) -> None:
    from healthloop.records.services import record_encounter_results

    for year, sbp in zip(EXAM_YEARS, sbps, strict=True):
        overrides = overrides_2025 if year == EXAM_YEARS[-1] else {}
        record_encounter_results(
            person=person,
            kind="exam",
            occurred_at=dt.datetime(year, 4 + year % 3, 10, 1, 30, tzinfo=dt.UTC),
            results=_results(rng, sbp, overrides),
            actor=None,
            facility="市人民医院健康管理中心",
            exam_package="职工年度体检",
        )


def _user(username: str, role: str, display_name: str):
    from healthloop.accounts.models import User

    return User.objects.create_user(
        username=username, password=E2E_PASSWORD, role=role, display_name=display_name
    )


def seed() -> None:
    from django.db import transaction

    from healthloop.people.models import StaffScope
    from healthloop.people.services import PersonInput, upsert_person

    rng = random.Random(2026)
    with transaction.atomic():
        units = _org_units()
        people = {}
        for index, (name, sex, birth, unit, sbps, extra) in enumerate(NAMED):
            person, _ = upsert_person(
                data=PersonInput(
                    name=name,
                    id_number=_id_number(index, birth, sex),
                    phone=f"1380013{8000 + index:04d}",
                    employee_no=f"E{10001 + index}",
                    org_unit=units[unit],
                    job_type="操作工",
                ),
                actor=None,
                source="e2e",
            )
            people[name] = person
            _record_exams(person, rng, sbps, extra)
        for index in range(len(NAMED), len(NAMED) + 31):
            sex = "male" if index % 3 else "female"
            birth = dt.date(1960 + index % 35, 1 + index % 12, 1 + index % 27)
            name = SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)]
            if index % 2:
                name += GIVEN[(index * 7) % len(GIVEN)]
            unit = UNITS[index % len(UNITS)]
            person, _ = upsert_person(
                data=PersonInput(
                    name=name,
                    id_number=_id_number(index, birth, sex),
                    employee_no=f"E{10001 + index}",
                    org_unit=units[unit],
                    status="retired" if unit == "R01" else "active",
                ),
                actor=None,
                source="e2e",
            )
            base = rng.randint(108, 138)
            _record_exams(person, rng, [base + rng.randint(-6, 6) for _ in EXAM_YEARS], {})
        doctor = _user("doctor1", "doctor", "刘医生")
        StaffScope.objects.create(staff=doctor, org_unit=units["C01"])
        head = _user("head1", "dept_head", "王主任")
        StaffScope.objects.create(staff=head, org_unit=units["C"])
        employee = _user("employee1", "employee", "李建国")
        person = people["李建国"]
        person.user = employee
        person.save(update_fields=["user", "updated_at"])
        _user("admin1", "admin", "系统管理员")
        _portal_message(people["李建国"])
        manager = _user("manager1", "health_manager", "陈健康")
        StaffScope.objects.create(staff=manager, org_unit=units["C01"])


def _portal_message(person) -> None:
    """A message in 李建国's portal inbox, queued through notify like any confirmed alert."""
    from healthloop.notify.services import enqueue

    enqueue(
        recipient_person=person,
        template="message",
        context={
            "title": "健康提醒：血压偏高",
            "body": "李建国您好：您今年体检收缩压146 mmHg，高于正常范围。"
            "请减少食盐摄入，两周内复测血压，并预约健康管理门诊。",
        },
        ref="e2e.portal:blood-pressure",
        idempotency_key="e2e.portal:blood-pressure",
        channels=["inapp"],
    )


if __name__ == "__main__":
    import django

    django.setup()
    seed()
