"""Whose results are these? Match each row's identity in the master person index, or plan a
new person when the identity is complete, or say why not.

Scope: the importer acts for the centre's whole population, so matching runs over the whole
index (not ``people.access.visible_persons``); every person touched is audited by the writer.

Matching: by resident ID number (keyed blind index), else by employee number. Safety checks
that stop a result landing on the wrong person: the ID number and the employee number must not
point at two different persons, and the name in the file must equal the index's name.
Complete identity for a new person: a name plus a valid ID number (which encodes sex and birth
date), or a name plus employee number, sex and birth date. Matched persons are not updated:
the index is maintained by HR sync and the people screens, not by result files.
"""

import contextlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from healthloop.core.crypto import blind_index, mask
from healthloop.interop.imports import values
from healthloop.interop.imports.columns import PERSON_FIELDS, Field
from healthloop.interop.imports.errors import ImportErrorCode as Code
from healthloop.people.identity import IdentityError
from healthloop.people.models import OrgUnit, Person
from healthloop.people.services import PersonInput, clean_identity

_LOOKUP_CHUNK = 500
_PERSON_COLUMNS = (
    "id",
    "uuid",
    "name",
    "sex",
    "birth_date",
    "id_number_hash",
    "employee_no",
    "merged_into_id",
)
_IDENTITY_FIELDS = {
    "id_number": Field.ID_NUMBER,
    "phone": Field.PHONE,
    "sex": Field.SEX,
    "birth_date": Field.BIRTH_DATE,
}


class IdentityProblem(ValueError):
    def __init__(self, field: Field, value: str, reason: str, code: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason, self.code = field, value, reason, code


@dataclass
class PersonPlan:
    """An existing person, or a new one to create (``new_input``) before the results."""

    person: Person  # saved, or an unsaved stand-in carrying sex and birth date for flagging
    new_input: PersonInput | None = None

    @property
    def is_new(self) -> bool:
        return self.new_input is not None


RawIdentity = tuple[Any, ...]  # the identity cells in PERSON_FIELDS order


class PersonResolver:
    """Resolve identities for one import; the index is read in a few batched queries."""

    def __init__(self, identities: Iterable[dict[Field, Any]]) -> None:
        id_numbers: set[str] = set()
        employee_nos: set[str] = set()
        for cells in identities:
            with contextlib.suppress(values.CellError):  # reported when the row is checked
                id_numbers.add(values.id_number(cells.get(Field.ID_NUMBER)))
            employee_nos.add(values.text(cells.get(Field.EMPLOYEE_NO)))
        hashes = [blind_index(n) for n in id_numbers if len(n) == 18]
        self._by_hash = _persons("id_number_hash", hashes)
        self._by_employee = _persons("employee_no", employee_nos - {""})
        self._planned: dict[str, PersonPlan] = {}
        self._cache: dict[RawIdentity, PersonPlan | IdentityProblem] = {}
        self._org_units: dict[str, OrgUnit] | None = None
        self.warnings: list[str] = []

    def resolve(self, cells: dict[Field, Any]) -> PersonPlan:
        """The plan for this row's identity; raises IdentityProblem naming the field."""
        raw = tuple(cells.get(f) for f in PERSON_FIELDS)
        if raw not in self._cache:
            try:
                self._cache[raw] = self._resolve(cells)
            except IdentityProblem as problem:
                self._cache[raw] = problem
        result = self._cache[raw]
        if isinstance(result, IdentityProblem):  # a fresh instance: tracebacks must not pile up
            raise IdentityProblem(result.field, result.value, result.reason, result.code)
        return result

    @property
    def new_plans(self) -> list[PersonPlan]:
        return list({id(p): p for p in self._planned.values()}.values())

    def _resolve(self, cells: dict[Field, Any]) -> PersonPlan:
        data = self._person_input(cells)
        try:
            identity = clean_identity(replace(data, sex=data.sex or "unknown"))
        except IdentityError as exc:
            field = _IDENTITY_FIELDS.get(exc.field, Field.ID_NUMBER)
            raise IdentityProblem(
                field, _shown(field, cells.get(field)), exc.message, Code.INVALID_IDENTITY
            ) from None
        id_hash = blind_index(identity.id_number) if identity.id_number else ""
        person = self._match(data, id_hash)
        if person is not None:
            return PersonPlan(person)
        planned = self._planned_match(data, identity.id_number, id_hash)
        if planned is not None:
            return planned
        if not identity.id_number and not (
            identity.sex in ("male", "female") and identity.birth_date
        ):
            raise IdentityProblem(
                Field.ID_NUMBER,
                "",
                "档案中没有该人员，且身份信息不完整无法新建：需要身份证号，或工号加性别和出生日期",
                Code.UNKNOWN_PERSON,
            )
        new_input = replace(
            data,
            id_number=identity.id_number,
            phone=identity.phone,
            sex=identity.sex,
            birth_date=identity.birth_date,
            org_unit=self._org_unit(cells),
        )
        plan = PersonPlan(
            Person(name=data.name, sex=identity.sex, birth_date=identity.birth_date), new_input
        )
        for key in (
            f"id:{id_hash}" if id_hash else "",
            f"emp:{data.employee_no}" if data.employee_no else "",
        ):
            if key:
                self._planned[key] = plan
        return plan

    def _planned_match(self, data: PersonInput, id_number: str, id_hash: str) -> PersonPlan | None:
        """A person planned by an earlier row: the same checks as against the index."""
        by_id = self._planned.get(f"id:{id_hash}")
        by_employee = self._planned.get(f"emp:{data.employee_no}")
        if by_id and by_employee and by_id is not by_employee:
            raise IdentityProblem(
                Field.EMPLOYEE_NO,
                data.employee_no,
                "工号与身份证号在本文件的其他行中分别属于两个不同人员",
                Code.IDENTITY_CONFLICT,
            )
        plan = by_id or by_employee
        if plan is None or plan.new_input is None:
            return None
        if by_employee and not by_id and id_number and plan.new_input.id_number:
            raise IdentityProblem(
                Field.ID_NUMBER,
                _shown(Field.ID_NUMBER, id_number),
                "身份证号与本文件其他行中该工号人员的身份证号不一致",
                Code.IDENTITY_CONFLICT,
            )
        if _same_name(plan.new_input.name) != _same_name(data.name):
            raise IdentityProblem(
                Field.NAME,
                data.name,
                f"姓名“{data.name}”与本文件其他行中该人员的姓名不一致",
                Code.IDENTITY_CONFLICT,
            )
        return plan

    def _person_input(self, cells: dict[Field, Any]) -> PersonInput:
        try:
            id_number = values.id_number(cells.get(Field.ID_NUMBER))
        except values.CellError as exc:
            raise IdentityProblem(
                Field.ID_NUMBER,
                _shown(Field.ID_NUMBER, cells.get(Field.ID_NUMBER)),
                exc.reason,
                exc.code,
            ) from None
        employee_no = values.text(cells.get(Field.EMPLOYEE_NO))
        name = values.text(cells.get(Field.NAME))
        if not id_number and not employee_no:
            raise IdentityProblem(
                Field.ID_NUMBER, "", "身份证号和工号至少填写一项", Code.MISSING_VALUE
            )
        if not name:
            raise IdentityProblem(Field.NAME, "", "姓名为空", Code.MISSING_VALUE)
        for field, limit in ((Field.NAME, 50), (Field.EMPLOYEE_NO, 30)):
            if len(values.text(cells.get(field))) > limit:
                raise IdentityProblem(
                    field,
                    values.text(cells.get(field))[:limit],
                    f"超过{limit}个字符",
                    Code.VALUE_TOO_LONG,
                )
        try:
            sex = values.sex(cells.get(Field.SEX))
        except values.CellError as exc:
            raise IdentityProblem(
                Field.SEX, values.text(cells.get(Field.SEX)), exc.reason, Code.INVALID_IDENTITY
            ) from None
        try:
            birth = values.birth_date(cells.get(Field.BIRTH_DATE))
        except values.CellError as exc:
            raise IdentityProblem(
                Field.BIRTH_DATE,
                values.text(cells.get(Field.BIRTH_DATE)),
                exc.reason,
                Code.INVALID_IDENTITY,
            ) from None
        return PersonInput(
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=id_number,
            phone=values.text(cells.get(Field.PHONE)),
            employee_no=employee_no,
        )

    def _match(self, data: PersonInput, id_hash: str) -> Person | None:
        by_id = self._by_hash.get(id_hash) if id_hash else None
        by_employee = self._by_employee.get(data.employee_no) if data.employee_no else None
        if by_id and by_employee and by_id.pk != by_employee.pk:
            raise IdentityProblem(
                Field.EMPLOYEE_NO,
                data.employee_no,
                "工号与身份证号分别属于档案中的两个不同人员",
                Code.IDENTITY_CONFLICT,
            )
        if by_employee and not by_id and id_hash and by_employee.id_number_hash:
            raise IdentityProblem(
                Field.ID_NUMBER,
                _shown(Field.ID_NUMBER, data.id_number),
                "身份证号与档案中该工号人员的身份证号不一致",
                Code.IDENTITY_CONFLICT,
            )
        person = by_id or by_employee
        if person is not None and _same_name(person.name) != _same_name(data.name):
            which = "身份证号" if by_id else "工号"
            raise IdentityProblem(
                Field.NAME,
                data.name,
                f"姓名“{data.name}”与档案中该{which}人员的姓名不一致",
                Code.IDENTITY_CONFLICT,
            )
        return person

    def _org_unit(self, cells: dict[Field, Any]) -> OrgUnit | None:
        wanted = values.text(cells.get(Field.DEPARTMENT))
        if not wanted:
            return None
        if self._org_units is None:
            units = list(OrgUnit.objects.all())
            by_name: dict[str, list[OrgUnit]] = {}
            for unit in units:
                by_name.setdefault(unit.name, []).append(unit)
            self._org_units = {u.code: u for u in units}
            self._org_units.update({n: us[0] for n, us in by_name.items() if len(us) == 1})
        unit = self._org_units.get(wanted)
        note = f"部门“{wanted}”不在组织机构中（或重名），新建人员未设置部门"
        if unit is None and note not in self.warnings:
            self.warnings.append(note)
        return unit


def _persons(column: str, keys: Iterable[str]) -> dict[str, Person]:
    """Persons by the value of a unique column, merged-away ones replaced by their survivor."""
    keys = list(keys)
    found: dict[str, Person] = {}
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        for person in Person.objects.filter(**{f"{column}__in": chunk}).only(*_PERSON_COLUMNS):
            found[getattr(person, column)] = _live(person)
    return found


def _live(person: Person) -> Person:
    """Follow merges to the surviving person (as people.services.find_person_by_id_number)."""
    while person.merged_into_id is not None:
        person = Person.objects.only(*_PERSON_COLUMNS).get(pk=person.merged_into_id)
    return person


def _same_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def _shown(field: Field, value: Any) -> str:
    """Identifiers are masked in the report; the row and column say where to look."""
    raw = values.text(value)
    return mask(raw) if field in (Field.ID_NUMBER, Field.PHONE) and raw else raw
