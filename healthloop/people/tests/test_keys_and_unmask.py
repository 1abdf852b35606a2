"""Identifiers at rest: key rotation re-encrypts every encrypted column and recomputes the blind
indexes without losing data; unmasking one person's identifiers needs a permission and a
purpose and is audited; lists stay masked."""

import base64
import json
import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from healthloop.audit.models import AuditEvent
from healthloop.conftest import ID_FEMALE_1949, ID_MALE_1965, ID_MALE_1980
from healthloop.core.crypto import key_ring
from healthloop.people.models import Person, PersonAssignment
from healthloop.people.services import find_person_by_id_number


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _raw(column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE {column} <> '' ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def use_keys(settings):
    def use(value: str) -> None:
        settings.FIELD_KEYS = value
        key_ring.cache_clear()

    yield use
    key_ring.cache_clear()


@pytest.fixture
def rows(make_person):
    data = [("王一", ID_MALE_1980, "13800138001"), ("李二", ID_FEMALE_1949, "13900139002"),
            ("赵三", ID_MALE_1965, "")]  # fmt: skip
    return [(make_person(n, id_number=i, phone=p), i, p) for n, i, p in data]


@pytest.mark.django_db
def test_rotation_reencrypts_and_reindexes_real_rows_without_losing_any(use_keys, request):
    old_data = _key()
    use_keys(f"k1:{old_data},index:{_key()}")
    people = request.getfixturevalue("rows")
    old_hashes = list(Person.objects.order_by("id").values_list("id_number_hash", flat=True))
    assert all(raw.startswith("k1:") for raw in _raw("id_number") + _raw("phone"))
    # when the operator puts a new data key and a new index key first and rotates
    new_data, new_index = _key(), _key()
    use_keys(f"k2:{new_data},k1:{old_data},index:{new_index}")
    call_command("rotate_keys", batch=2)
    # then every ciphertext is under k2, the plain values are unchanged, hashes are new
    assert len(_raw("id_number")) == 3 and len(_raw("phone")) == 2
    assert all(raw.startswith("k2:") for raw in _raw("id_number") + _raw("phone"))
    for person, id_number, phone in people:
        fresh = Person.objects.get(pk=person.pk)
        assert (fresh.id_number, fresh.phone) == (id_number, phone)
        assert find_person_by_id_number(id_number).pk == person.pk
    new_hashes = list(Person.objects.order_by("id").values_list("id_number_hash", flat=True))
    assert not set(old_hashes) & set(new_hashes)
    assert Person.objects.filter(phone_hash="").count() == 1
    event = AuditEvent.objects.get(action="keys.rotated")
    assert event.detail["reencrypted"] == 5 and event.detail["old_keys"] == {"k1": 5}
    assert event.detail["reindexed"] == 5
    # and the old key can go: everything still decrypts without it; a re-run has nothing to do
    use_keys(f"k2:{new_data},index:{new_index}")
    assert sorted(p.id_number for p in Person.objects.all()) == sorted(i for _, i, _ in people)
    call_command("rotate_keys")
    assert AuditEvent.objects.filter(action="keys.rotated").last().detail["reencrypted"] == 0


@pytest.mark.django_db
def test_rotation_with_a_key_file_adds_a_key_and_keeps_the_old_one(settings, tmp_path, use_keys,
                                                                   make_person):  # fmt: skip
    settings.FIELD_KEYS, settings.FIELD_KEY_FILE = "", tmp_path / "field_keys"
    key_ring.cache_clear()
    person = make_person("王一", id_number=ID_MALE_1980, phone="13800138001")
    call_command("rotate_keys", "--new-key", "--new-index-key")
    data = json.loads((tmp_path / "field_keys").read_text())
    assert (data["current"], sorted(data["keys"])) == ("k2", ["k1", "k2"])
    assert (tmp_path / "field_keys").stat().st_mode & 0o777 == 0o600
    assert _raw("id_number")[0].startswith("k2:")
    assert find_person_by_id_number(ID_MALE_1980).pk == person.pk


@pytest.mark.django_db
def test_a_new_key_cannot_be_generated_when_keys_come_from_the_environment(use_keys):
    use_keys(f"k1:{_key()},index:{_key()}")
    with pytest.raises(CommandError, match="put the new key first"):
        call_command("rotate_keys", "--new-key")


@pytest.mark.django_db
def test_unmask_returns_the_full_identifiers_for_a_purpose_and_audits_it(api, make_user, rows):
    doctor = make_user("doc", "doctor")
    person, id_number, phone = rows[0]
    PersonAssignment.objects.create(person=person, staff=doctor)
    url = f"/api/v1/people/persons/{person.uuid}/unmask/"
    # given lists and details are masked
    listed = api(doctor).get("/api/v1/people/persons/").json()["results"]
    assert id_number not in json.dumps(listed, ensure_ascii=False)
    # when the doctor unmasks with a purpose
    response = api(doctor).post(url, {"fields": ["id_number", "phone"],
                                      "purpose": "核对医保身份"}, format="json")  # fmt: skip
    # then the full values, and an audit event with fields and purpose
    assert response.json() == {"uuid": str(person.uuid), "id_number": id_number, "phone": phone}
    event = AuditEvent.objects.get(action="person.unmasked")
    assert (event.fields, event.purpose, event.person_uuid) == (
        ["id_number", "phone"], "核对医保身份", person.uuid
    )  # fmt: skip
    # and without a purpose, without the permission, or out of scope: refused
    no_purpose = api(doctor).post(url, {"fields": ["phone"]}, format="json")
    assert (no_purpose.status_code, no_purpose.json()["field"]) == (400, "purpose")
    nurse = make_user("nurse", "nurse")
    PersonAssignment.objects.create(person=person, staff=nurse)
    body = {"fields": ["phone"], "purpose": "核对身份"}
    assert api(nurse).post(url, body, format="json").status_code == 403
    other = f"/api/v1/people/persons/{rows[1][0].uuid}/unmask/"
    assert api(doctor).post(other, body, format="json").status_code == 404
    assert AuditEvent.objects.filter(action="person.unmasked").count() == 1
