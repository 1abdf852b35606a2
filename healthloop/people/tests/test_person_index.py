import datetime as dt

import pytest

from healthloop.audit.models import AuditEvent
from healthloop.conftest import ID_FEMALE_1949, ID_MALE_1965, ID_MALE_1980
from healthloop.core.errors import ServiceError
from healthloop.people.models import DuplicateCandidate, Person, PersonMerge
from healthloop.people.names import pinyin_forms
from healthloop.people.services import PersonInput, merge_persons, upsert_person


def test_pinyin_forms_give_full_and_initials():
    assert pinyin_forms("张三") == ("zhangsan", "zs")


def test_polyphonic_surname_uses_the_surname_reading():
    assert pinyin_forms("曾国藩") == ("zengguofan", "zgf")
    assert pinyin_forms("单雄信")[1] == "sxx"


@pytest.mark.django_db
def test_identity_is_encrypted_at_rest_and_found_by_blind_index(make_person):
    # given
    person = make_person("李四", id_number=ID_MALE_1980, phone="13800138000")
    # when
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [person.pk])
        stored_id, stored_phone = cursor.fetchone()
    # then
    assert ID_MALE_1980 not in stored_id and "13800138000" not in stored_phone
    assert Person.objects.get(pk=person.pk).id_number == ID_MALE_1980
    assert person.sex == "male" and person.birth_date == dt.date(1980, 1, 1)
    assert person.id_last4 == "0016"


@pytest.mark.django_db
def test_same_id_number_is_the_same_person(make_person):
    # given
    first = make_person("王五", id_number=ID_MALE_1965)
    # when
    second, created = upsert_person(
        data=PersonInput(name="王五", id_number=ID_MALE_1965, phone="13900139000"), actor=None
    )
    # then
    assert not created and second.pk == first.pk
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_sex_inconsistent_with_id_number_is_rejected_and_nothing_written():
    with pytest.raises(ServiceError) as caught:
        upsert_person(
            data=PersonInput(name="赵六", id_number=ID_FEMALE_1949, sex="male"), actor=None
        )
    assert caught.value.field == "sex"
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_same_name_birth_and_phone_becomes_a_duplicate_candidate(make_person):
    # given
    make_person("孙七", sex="female", birth_date=dt.date(1970, 5, 1), phone="13700137000")
    # when
    make_person("孙七", sex="female", birth_date=dt.date(1970, 5, 1), phone="13700137000")
    # then
    assert Person.objects.count() == 2
    assert DuplicateCandidate.objects.filter(reason="same_name_birth_phone").count() == 1


@pytest.mark.django_db
def test_merge_moves_records_and_leaves_a_tombstone(make_person, catalog):
    # given two records of one person, the duplicate holding an exam
    from healthloop.records.models import Observation
    from healthloop.records.services import ObservationInput, record_encounter_results

    survivor = make_person("周八", id_number=ID_MALE_1980)
    duplicate = make_person("周八", sex="male", birth_date=dt.date(1980, 1, 1), employee_no="E1001")
    record_encounter_results(
        person=duplicate,
        kind="exam",
        occurred_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
        results=[ObservationInput(code="SBP", value="128", unit="mm[Hg]")],
        actor=None,
    )
    # when
    merge = merge_persons(survivor=survivor, duplicate=duplicate, actor=None, reason="同一人")
    # then
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    assert survivor.employee_no == "E1001" and duplicate.employee_no is None
    assert Observation.objects.filter(person=survivor).count() == 1
    assert Observation.objects.filter(person=duplicate).count() == 0
    assert merge.moved_rows["records.Observation.person"] == 1
    assert PersonMerge.objects.count() == 1
    assert AuditEvent.objects.filter(action="person.merged").count() == 1


@pytest.mark.django_db
def test_merging_a_tombstone_again_is_refused(make_person):
    a = make_person("吴九", sex="male", birth_date=dt.date(1990, 1, 1))
    b = make_person("吴九", sex="male", birth_date=dt.date(1990, 1, 1))
    merge_persons(survivor=a, duplicate=b, actor=None)
    b.refresh_from_db()
    with pytest.raises(ServiceError) as caught:
        merge_persons(survivor=a, duplicate=b, actor=None)
    assert caught.value.code == "merge_tombstone"
