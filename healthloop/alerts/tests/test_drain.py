"""Findings become alerts through the durable drain: from a result recorded through records,
screened by the engine, nudged on commit; idempotent; re-raised findings alert again."""

import datetime as dt

import pytest
from django.db import transaction

from healthloop.alerts.drains import drain_findings
from healthloop.alerts.models import Alert, AlertEvent, DrainMark, RegisterOwner
from healthloop.alerts.tests.factories import raise_finding
from healthloop.assessment.engine.run import screen_persons
from healthloop.assessment.models import Finding
from healthloop.assessment.tests.factories import days_ago, record_exam
from healthloop.audit.models import AuditEvent
from healthloop.notify.models import Notification
from healthloop.people.models import PersonAssignment
from healthloop.records.models import Observation
from healthloop.records.services import cancel_observation


def record_and_drain(capture, person, **values):
    """Record an exam as any ingestion does; the on-commit nudges run the screening drain,
    which nudges the alerts drain (HUEY_IMMEDIATE runs each task at once)."""
    with capture(execute=True):
        return record_exam(person, **values)


@pytest.mark.django_db
def test_a_critical_value_becomes_an_urgent_alert_for_the_department_doctor(
    rules, staff, patient, django_capture_on_commit_callbacks
):
    # when a critical potassium is recorded
    record_and_drain(django_capture_on_commit_callbacks, patient, K=6.9)
    # then one urgent alert waits in the department doctor's queue, drafted from the advice
    alert = Alert.objects.get(person=patient, rule_code="CRIT_K")
    finding = Finding.objects.get(person=patient, rule_code="CRIT_K")
    assert (alert.state, alert.severity, alert.major_class, alert.is_urgent) == (
        "new", "critical", "A", True
    )  # fmt: skip
    assert (alert.responsible, alert.routing) == (staff["doctor"], "department")
    assert alert.draft_text == alert.text == finding.advice.strip() != ""
    assert alert.finding_raised_at == finding.raised_at
    # and the doctor is told at once (urgent, to the staff user)
    note = Notification.objects.get(recipient_user=staff["doctor"])
    assert (note.template, note.urgent, note.ref) == (
        "alert.raised", True, f"alerts.alert-staff:{alert.uuid}"
    )  # fmt: skip
    assert note.context["person_name"] == "王建国" and note.context["value"].startswith("6.9")
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))
    assert kinds == ["created", "staff_notified"]
    assert AuditEvent.objects.filter(action="alert.created", person_uuid=patient.uuid).count() == 1


@pytest.mark.django_db
def test_a_low_finding_is_an_alert_without_any_staff_message(
    rules, staff, patient, django_capture_on_commit_callbacks
):
    record_and_drain(django_capture_on_commit_callbacks, patient, UA=520)
    alert = Alert.objects.get(person=patient, rule_code="THR_UA_HIGH")
    assert (alert.severity, alert.is_urgent) == ("low", False)
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_draining_twice_and_rescreening_an_unchanged_finding_alert_nothing_twice(
    rules, staff, patient, django_capture_on_commit_callbacks
):
    # given a drained critical value
    record_and_drain(django_capture_on_commit_callbacks, patient, K=6.9)
    before = list(Alert.objects.values_list("id", "finding_id"))
    # when the drain runs again, and the engine screens the person again (finding unchanged)
    with transaction.atomic():
        assert drain_findings() == 0
    with django_capture_on_commit_callbacks(execute=True):
        counts = screen_persons([patient.pk])
    with transaction.atomic():
        assert drain_findings() == 0
    # then nothing new was raised or alerted, and the doctor was told once
    assert counts["findings_raised"] == counts["findings_reopened"] == 0
    assert list(Alert.objects.values_list("id", "finding_id")) == before
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_resolved_then_reraised_finding_alerts_again_and_replaces_the_unreviewed_alert(
    rules, staff, patient, django_capture_on_commit_callbacks
):
    # given a critical potassium, alerted
    record_and_drain(django_capture_on_commit_callbacks, patient, K=6.9, when=days_ago(20))
    first = Alert.objects.get(rule_code="CRIT_K")
    # and a later normal value that resolves the finding
    record_and_drain(django_capture_on_commit_callbacks, patient, K=4.2, when=days_ago(10))
    finding = Finding.objects.get(rule_code="CRIT_K")
    assert finding.status == "resolved" and Alert.objects.filter(rule_code="CRIT_K").count() == 1
    # when the normal value is cancelled (a lab error): the critical value holds again
    normal = Observation.objects.get(person=patient, code="K", value_num=4.2)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_observation(observation=normal, actor=None, reason="标本溶血")
    # then the finding is reopened and alerted again; the unreviewed first alert is replaced
    finding.refresh_from_db()
    assert finding.status == "open" and finding.raised_at > first.finding_raised_at
    second = Alert.objects.get(finding=finding, finding_raised_at=finding.raised_at)
    first.refresh_from_db()
    assert (second.state, first.state, first.close_note) == ("new", "closed", "被新的预警取代")
    assert Alert.objects.filter(finding=finding).count() == 2


@pytest.mark.django_db
def test_a_finding_committed_after_a_later_one_is_still_alerted(rules, staff, patient,
                                                                other_patient):  # fmt: skip
    # given a drain that already read up to a finding stamped now
    raise_finding(patient, "THR_UA_HIGH", value=500)
    with transaction.atomic():
        assert drain_findings() == 1
    mark = DrainMark.objects.get(name="findings").at
    # when a finding stamped two minutes earlier commits only now (a long screening batch)
    late = raise_finding(other_patient, "THR_TG_HIGH", value=3.1,
                         at=mark - dt.timedelta(minutes=2))  # fmt: skip
    with transaction.atomic():
        created = drain_findings()
    # then the overlap window finds it
    assert created == 1 and Alert.objects.filter(finding=late).exists()


@pytest.mark.django_db
def test_overdue_reminders_and_resolved_findings_are_not_alerts(rules, staff, patient):
    overdue = raise_finding(patient, "OVERDUE_ANNUAL_EXAM")
    resolved = raise_finding(patient, "THR_UA_HIGH", value=480)
    resolved.status = "resolved"
    resolved.save()
    with transaction.atomic():
        assert drain_findings() == 0
    assert not Alert.objects.filter(finding__in=[overdue, resolved]).exists()


@pytest.mark.django_db
def test_the_responsible_doctor_comes_from_assignment_then_register_then_department(
    rules, staff, patient, make_user
):
    from healthloop.people.models import StaffScope

    # given a prediabetes-register doctor whose scope includes the patient
    owner = make_user("dr_tang", "doctor")
    StaffScope.objects.create(staff=owner, org_unit=patient.org_unit)
    RegisterOwner.objects.create(disease="prediabetes", staff=owner)
    with transaction.atomic():
        drain_findings()
    # then a prediabetes finding goes to the register's doctor, another to the department's
    raise_finding(patient, "THR_FPG_IFG", value=6.5)
    raise_finding(patient, "THR_UA_HIGH", value=500)
    # and once a doctor is assigned to the person, to that doctor
    assigned = make_user("dr_gu", "doctor")
    with transaction.atomic():
        drain_findings()
    PersonAssignment.objects.create(person=patient, staff=assigned)
    raise_finding(patient, "THR_TG_HIGH", value=3.0)
    with transaction.atomic():
        drain_findings()
    routed = dict(Alert.objects.values_list("rule_code", "responsible__username"))
    routing = dict(Alert.objects.values_list("rule_code", "routing"))
    assert routed == {"THR_FPG_IFG": "dr_tang", "THR_UA_HIGH": "dr_wang",
                      "THR_TG_HIGH": "dr_gu"}  # fmt: skip
    assert routing == {"THR_FPG_IFG": "register", "THR_UA_HIGH": "department",
                       "THR_TG_HIGH": "assignment"}  # fmt: skip


@pytest.mark.django_db
def test_an_urgent_alert_without_a_responsible_doctor_goes_to_the_department_head(
    rules, staff, make_person, org
):
    # given a person in the refinery itself: the head covers it, no doctor does
    person = make_person("周强", sex="male", org_unit=org["refinery"])
    raise_finding(person, "CRIT_K", value=7.1)
    with transaction.atomic():
        drain_findings()
    alert = Alert.objects.get(person=person)
    assert (alert.responsible, alert.routing, alert.escalation_level) == (None, "none", 1)
    note = Notification.objects.get()
    assert (note.recipient_user, note.template) == (staff["head"], "alert.escalated")
