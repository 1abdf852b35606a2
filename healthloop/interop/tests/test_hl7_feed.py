"""The HL7 v2 feed into the record: ORU results, corrections, quarantine, ADT, dead letters."""

import datetime as dt
from decimal import Decimal

import pytest

from healthloop.conftest import ID_MALE_1965, ID_MALE_1980
from healthloop.interop.feed_models import CodeMapping, InboundMessage, QuarantinedResult
from healthloop.interop.feeds import receive_hl7, reprocess_message
from healthloop.interop.hl7_ingest import release_held_results
from healthloop.interop.hl7v2 import parse_ack
from healthloop.interop.tests.hl7_samples import adt, oru
from healthloop.people.models import Person
from healthloop.records.models import Observation, PendingAssessment


def send(text: str, encoding: str = "utf-8"):
    return parse_ack(receive_hl7(text.encode(encoding), "127.0.0.1:5000"))


@pytest.mark.django_db
def test_oru_creates_the_person_encounter_and_results_and_acks_aa(catalog):
    # when
    ack = send(oru())
    # then
    assert (ack.ack_code, ack.acked_control_id) == ("AA", "MSG0001")
    person = Person.objects.get()
    assert (person.name, person.id_number, person.needs_identity_review) == (
        "张三",
        ID_MALE_1980,
        False,
    )
    values = dict(Observation.objects.values_list("item__code", "value_num"))
    assert values == {"SBP": Decimal("150.0000"), "GLU": Decimal("5.6000")}
    assert InboundMessage.objects.get().status == "processed"
    assert PendingAssessment.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_gb18030_message_is_decoded_by_its_declared_charset(catalog):
    ack = send(oru(charset="GB18030", name="李娟"), encoding="gb18030")
    assert ack.ack_code == "AA"
    assert Person.objects.get().name == "李娟"


@pytest.mark.django_db
def test_duplicate_control_id_is_acked_and_changes_nothing(catalog):
    send(oru())
    counts = (Observation.objects.count(), Person.objects.count())
    # when the sender re-sends the same message
    ack = send(oru())
    # then
    assert ack.ack_code == "AA"
    assert (Observation.objects.count(), Person.objects.count()) == counts
    assert sorted(InboundMessage.objects.values_list("status", flat=True)) == [
        "duplicate",
        "processed",
    ]


@pytest.mark.django_db
def test_impossible_value_is_nakked_dead_lettered_and_nothing_written(catalog):
    # when
    ack = send(oru(results=[("SBP^收缩压^L", "NM", "900", "mmHg", "H")]))
    # then
    assert ack.ack_code == "AE" and ack.error_code == 102
    assert "不可能" in ack.error_text
    assert Observation.objects.count() == 0
    dead = InboundMessage.objects.get()
    assert (dead.status, dead.error_location) == ("failed", "OBX-5")


@pytest.mark.django_db
def test_unparseable_message_is_archived_as_failed_with_the_reason(catalog):
    ack = parse_ack(receive_hl7(b"MSH|^~\\&|X|Y|||||ORU^R01|C1|P|2.5\rPID|1||||\rOBX|bad", "p"))
    assert ack.ack_code in ("AE", "AR")
    assert InboundMessage.objects.get().status == "failed"


@pytest.mark.django_db
def test_unmapped_local_code_is_held_then_released_when_mapped(catalog):
    # given a result under a local code the catalog does not know
    ack = send(oru(results=[("X-TG01^甘油三酯^L", "NM", "2.4", "mmol/L", "H")]))
    assert ack.ack_code == "AA"
    held = QuarantinedResult.objects.get()
    assert (held.local_code, held.status, Observation.objects.count()) == ("X-TG01", "held", 0)
    # when an administrator maps it
    from healthloop.records.models import ExamItem

    CodeMapping.objects.create(
        sending_facility="CITYHOSP", local_code="X-TG01", item=ExamItem.objects.get(code="TG")
    )
    released = release_held_results(facility="CITYHOSP", local_code="X-TG01")
    # then
    assert released == 1
    obs = Observation.objects.get()
    assert (obs.item.code, obs.value_num) == ("TG", Decimal("2.4000"))
    held.refresh_from_db()
    assert held.status == "released"


@pytest.mark.django_db
def test_mapped_local_code_goes_straight_to_the_record(catalog):
    from healthloop.records.models import ExamItem

    CodeMapping.objects.create(
        sending_facility="CITYHOSP", local_code="X-TG01", item=ExamItem.objects.get(code="TG")
    )
    send(oru(results=[("X-TG01^甘油三酯^L", "NM", "2.4", "mmol/L", "H")]))
    assert Observation.objects.get().item.code == "TG"


@pytest.mark.django_db
def test_corrected_result_amends_and_keeps_history_and_x_cancels(catalog):
    send(oru(results=[("GLU^空腹血糖^L", "NM", "15.6", "mmol/L", "H")]))
    # when the lab corrects (C) and later cancels (X) the result
    corrected = send(
        oru(
            control_id="MSG0002",
            status="C",
            results=[("GLU^空腹血糖^L", "NM", "5.6", "mmol/L", "N")],
        )
    )
    obs = Observation.objects.get()
    # then
    assert corrected.ack_code == "AA"
    assert (obs.value_num, obs.status, obs.revisions.count()) == (Decimal("5.6000"), "amended", 1)
    send(
        oru(
            control_id="MSG0003",
            status="X",
            results=[("GLU^空腹血糖^L", "NM", "5.6", "mmol/L", "N")],
        )
    )
    obs.refresh_from_db()
    assert (obs.status, obs.revisions.count()) == ("cancelled", 2)


@pytest.mark.django_db
def test_correction_of_an_unknown_result_is_rejected(catalog):
    ack = send(oru(status="C"))
    assert (ack.ack_code, ack.error_code) == ("AE", 204)


@pytest.mark.django_db
def test_result_for_unknown_person_without_resident_id_is_flagged_for_review(catalog):
    ack = send(oru(pid3="H778899^^^HIS^PI", name="王五"))
    assert ack.ack_code == "AA"
    person = Person.objects.get()
    assert person.needs_identity_review
    assert person.identifiers.get().value == "H778899"


@pytest.mark.django_db
def test_adt_creates_updates_and_merges_persons(catalog):
    send(adt("A04", control_id="A1", pid3=f"{ID_MALE_1965}^^^CHN^ID~H1^^^HIS^PI", name="王强"))
    send(adt("A04", control_id="A2", pid3="H2^^^HIS^PI", name="王强"))
    assert Person.objects.count() == 2
    # when the HIS merges H2 into H1
    ack = send(adt("A40", control_id="A3", pid3="H1^^^HIS^PI", name="王强", mrg="H2^^^HIS^PI"))
    # then
    assert ack.ack_code == "AA"
    survivor = Person.objects.get(id_number_hash__isnull=False)
    assert Person.objects.get(merged_into=survivor).name == "王强"


@pytest.mark.django_db
def test_dead_letter_is_reprocessed_after_the_cause_is_fixed(catalog):
    send(oru(results=[("SBP^收缩压^L", "NM", "150", "furlong", "H")]))
    dead = InboundMessage.objects.get(status="failed")
    # when the unit is added to the catalog and the message is reprocessed
    from healthloop.records.catalog import get_catalog
    from healthloop.records.models import ExamItem, ItemUnit

    ItemUnit.objects.create(item=ExamItem.objects.get(code="SBP"), unit="furlong", factor=1)
    get_catalog(refresh=True)
    result = reprocess_message(dead)
    # then
    assert result.status == "reprocessed"
    assert Observation.objects.filter(item__code="SBP").count() == 1


def test_effective_time_comes_from_obx_14():
    from healthloop.interop.hl7v2 import parse_message

    message = parse_message(oru().encode())
    assert message.orders[0].results[0].observed_at.replace(tzinfo=None) == dt.datetime(
        2025, 6, 1, 8, 30
    )


@pytest.mark.django_db
def test_interface_goes_silent_then_recovers(catalog):
    from healthloop.interop.feed_models import InterfaceAlert
    from healthloop.interop.monitoring import check_interfaces, feed_statuses

    send(oru())
    later = InboundMessage.objects.get().received_at + dt.timedelta(minutes=90)
    # when nothing arrives for 90 minutes (window 60)
    assert check_interfaces(later) == {"opened": 1, "resolved": 0}
    alert = InterfaceAlert.objects.get()
    assert (alert.kind, alert.sending_facility, alert.detail["silent_minutes"]) == (
        "silent",
        "CITYHOSP",
        90,
    )
    # then a message arrives and the alert resolves
    send(oru(control_id="MSG0009"))
    assert check_interfaces() == {"opened": 0, "resolved": 1}
    (status,) = feed_statuses()
    assert (status.messages, status.errors) == (2, 0)


@pytest.mark.django_db
def test_high_error_rate_opens_an_alert(catalog, settings):
    from healthloop.interop.monitoring import check_interfaces

    settings.INTERFACE_MIN_MESSAGES = 4
    for n in range(4):
        send(oru(control_id=f"E{n}", results=[("SBP^收缩压^L", "NM", "900", "mmHg", "H")]))
    assert check_interfaces() == {"opened": 1, "resolved": 0}


@pytest.mark.django_db
def test_admin_maps_a_held_code_through_the_api(catalog, api, make_user):
    send(oru(results=[("X-TG01^甘油三酯^L", "NM", "2.4", "mmol/L", "H")]))
    admin = api(make_user("admin", "admin"))
    held = admin.get("/api/v1/interop/quarantine/").json()
    assert held == [
        {
            "sending_facility": "CITYHOSP",
            "local_code": "X-TG01",
            "local_text": "甘油三酯",
            "held": 1,
        }
    ]
    response = admin.post(
        "/api/v1/interop/code-mappings/",
        {"sending_facility": "CITYHOSP", "local_code": "X-TG01", "item_code": "TG"},
    )
    assert (response.status_code, response.json()) == (201, {"released": 1})
    assert Observation.objects.get().item.code == "TG"


@pytest.mark.django_db
def test_admin_views_and_reprocesses_dead_letters_doctor_cannot(catalog, api, make_user):
    send(oru(results=[("SBP^收缩压^L", "NM", "900", "mmHg", "H")]))
    admin = api(make_user("admin", "admin"))
    listed = admin.get("/api/v1/interop/messages/", {"status": "failed"}).json()
    assert listed["count"] == 1
    uuid = listed["results"][0]["uuid"]
    detail = admin.get(f"/api/v1/interop/messages/{uuid}/").json()
    assert detail["raw_text"].startswith("MSH|^~\\&|PEIS|CITYHOSP")
    assert admin.post(f"/api/v1/interop/messages/{uuid}/reprocess/").json()["attempts"] == 2
    assert api(make_user("dr", "doctor")).get("/api/v1/interop/messages/").status_code == 403
