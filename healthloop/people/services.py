"""Writers of the master person index. Every change to a person goes through here."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from healthloop.audit.services import record_event
from healthloop.core.crypto import blind_index
from healthloop.core.errors import ServiceError
from healthloop.people.errors import PersonError
from healthloop.people.identity import (
    IdentityError,
    check_consistency,
    normalize_mobile,
    parse_resident_id,
)
from healthloop.people.models import (
    DuplicateCandidate,
    OrgUnit,
    Person,
    PersonIdentifier,
    PersonMerge,
)
from healthloop.people.names import pinyin_forms


@dataclass(frozen=True)
class PersonInput:
    """What a source tells us about a person. Empty strings / None mean "not given"."""

    name: str
    sex: str = ""
    birth_date: dt.date | None = None
    id_number: str = ""
    phone: str = ""
    employee_no: str = ""
    org_unit: OrgUnit | None = None
    status: str = ""
    job_type: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CleanIdentity:
    id_number: str
    phone: str
    sex: str
    birth_date: dt.date | None


def clean_identity(data: PersonInput) -> CleanIdentity:
    """Validate ID number, phone, sex and birth date together; IdentityError names the field."""
    sex, birth = data.sex, data.birth_date
    id_number = ""
    if data.id_number:
        resident = parse_resident_id(data.id_number)
        check_consistency(resident, sex=sex or None, birth_date=birth)
        id_number, sex, birth = resident.number, resident.sex, resident.birth_date
    phone = normalize_mobile(data.phone) if data.phone else ""
    if sex not in ("male", "female", "unknown"):
        raise IdentityError("sex", f"性别无效：{sex or '(空)'}")
    return CleanIdentity(id_number=id_number, phone=phone, sex=sex, birth_date=birth)


def _apply_identity(person: Person, name: str, identity: CleanIdentity) -> None:
    person.name = name.strip()
    person.name_pinyin, person.name_initials = pinyin_forms(person.name)
    person.sex = identity.sex
    person.birth_date = identity.birth_date
    if identity.id_number:
        person.id_number = identity.id_number
        person.id_number_hash = blind_index(identity.id_number)
        person.id_last4 = identity.id_number[-4:]
    if identity.phone:
        person.phone = identity.phone
        person.phone_hash = blind_index(identity.phone)


def id_number_index(id_number: str) -> str:
    """The blind index a resident ID number is found by (``Person.id_number_hash``)."""
    return blind_index(id_number.strip().upper())


def find_person_by_id_number(id_number: str) -> Person | None:
    person = Person.objects.filter(id_number_hash=id_number_index(id_number)).first()
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into
    return person


def upsert_person(
    *, data: PersonInput, actor: Any, source: str = "", review_without_id: bool = False
) -> tuple[Person, bool]:
    """Create the person, or update the one with the same ID number or employee number.

    Same resident ID number = same person. A new person who shares name, birth date and phone
    with another becomes a DuplicateCandidate for review; nothing is merged automatically.
    With ``review_without_id`` (feeds), a person created without a resident ID number is
    flagged for identity review instead of being rejected.
    Returns (person, created). Raises ServiceError(invalid_identity) naming the field.
    """
    try:
        identity = clean_identity(data)
    except IdentityError as exc:
        raise ServiceError(PersonError.INVALID_IDENTITY, exc.message, field=exc.field) from exc
    with transaction.atomic():
        person = find_person_by_id_number(identity.id_number) if identity.id_number else None
        if person is None and data.employee_no:
            person = Person.objects.filter(
                employee_no=data.employee_no, merged_into__isnull=True
            ).first()
            if person and person.id_number_hash and identity.id_number:
                raise ServiceError(
                    PersonError.DUPLICATE_EMPLOYEE_NO,
                    f"工号{data.employee_no}已属于另一身份证号的人员",
                    field="employee_no",
                )
        created = person is None
        person = person or Person(
            needs_identity_review=review_without_id and not identity.id_number
        )
        _apply_identity(person, data.name, identity)
        if data.employee_no:
            person.employee_no = data.employee_no
        if data.org_unit is not None:
            person.org_unit = data.org_unit
        for attr in ("status", "job_type"):
            if getattr(data, attr):
                setattr(person, attr, getattr(data, attr))
        person.save()
        if created:
            _flag_possible_duplicates(person)
        record_event(
            actor=actor,
            action="person.created" if created else "person.updated",
            person_uuid=person.uuid,
            object_type="person",
            object_id=str(person.uuid),
            detail={"source": source},
        )
    return person, created


def _flag_possible_duplicates(person: Person) -> int:
    if not (person.phone_hash and person.birth_date):
        return 0
    others = Person.objects.filter(
        name=person.name,
        birth_date=person.birth_date,
        phone_hash=person.phone_hash,
        merged_into__isnull=True,
    ).exclude(pk=person.pk)
    candidates = [
        DuplicateCandidate(
            person_a_id=min(o.pk, person.pk),
            person_b_id=max(o.pk, person.pk),
            reason="same_name_birth_phone",
        )
        for o in others
    ]
    DuplicateCandidate.objects.bulk_create(candidates, ignore_conflicts=True)
    return len(candidates)


def _person_foreign_keys() -> list[models.ForeignKey]:
    """Every FK (in any installed app) that points at Person, except the index's own links."""
    own = {"merged_into", "survivor", "tombstone", "person_a", "person_b"}
    return [
        rel.field
        for rel in Person._meta.related_objects
        if rel.one_to_many and rel.field.name not in own
    ]


@transaction.atomic
def merge_persons(
    *, survivor: Person, duplicate: Person, actor: Any, reason: str = ""
) -> PersonMerge:
    """Move every record of ``duplicate`` to ``survivor`` and make ``duplicate`` a tombstone.

    Preconditions: both persons were obtained through ``people.access`` (or by a feed acting as
    system) and neither is a tombstone. Models in upper apps that keep one row per person
    (e.g. a current risk level) may define ``merge_person_rows(survivor, duplicate)`` to
    resolve conflicts themselves; every other FK is re-pointed in one UPDATE per table.
    """
    if survivor.pk == duplicate.pk:
        raise ServiceError(PersonError.MERGE_SAME_PERSON, "不能将人员与自身合并")
    if survivor.is_tombstone or duplicate.is_tombstone:
        raise ServiceError(PersonError.MERGE_TOMBSTONE, "已合并的人员不能再次合并")
    moved: dict[str, int] = {}
    for fk in _person_foreign_keys():
        model = fk.model
        hook = getattr(model, "merge_person_rows", None)
        if hook is not None:
            count = hook(survivor, duplicate)
        else:
            count = model._default_manager.filter(**{fk.name: duplicate}).update(
                **{fk.name: survivor}
            )
        if count:
            moved[f"{model._meta.label}.{fk.name}"] = count
    for attr in ("employee_no", "id_number_hash"):
        if not getattr(survivor, attr) and getattr(duplicate, attr):
            value = getattr(duplicate, attr)
            setattr(duplicate, attr, None)
            duplicate.save(update_fields=[attr])
            setattr(survivor, attr, value)
            if attr == "id_number_hash":
                survivor.id_number, survivor.id_last4 = duplicate.id_number, duplicate.id_last4
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.user = None
    duplicate.save(update_fields=["merged_into", "user", "updated_at"])
    DuplicateCandidate.objects.filter(
        person_a__in=[survivor, duplicate], person_b__in=[survivor, duplicate]
    ).update(status=DuplicateCandidate.Status.MERGED)
    merge = PersonMerge.objects.create(
        survivor=survivor,
        tombstone=duplicate,
        merged_at=timezone.now(),
        merged_by=actor if getattr(actor, "is_authenticated", False) else None,
        moved_rows=moved,
        reason=reason,
    )
    record_event(
        actor=actor,
        action="person.merged",
        person_uuid=survivor.uuid,
        object_type="person",
        object_id=str(duplicate.uuid),
        purpose=reason,
        detail={"moved": moved},
    )
    return merge


def find_person_by_identifier(authority: str, value: str) -> Person | None:
    """The live person a source system knows by (authority, value), following merges."""
    link = (
        PersonIdentifier.objects.filter(authority=authority, value=value)
        .select_related("person")
        .first()
    )
    person = link.person if link else None
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into
    return person


def attach_identifiers(person: Person, identifiers: list[tuple[str, str, str]]) -> int:
    """Remember (authority, value, id_type) for the person; existing links are left alone."""
    rows = [
        PersonIdentifier(
            person=person, authority=authority[:100], value=value[:100], id_type=id_type[:20]
        )
        for authority, value, id_type in identifiers
        if authority and value
    ]
    PersonIdentifier.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
