"""A critical value arriving through any ingestion path is a Finding within a second of the
commit: records writes ``PendingAssessment`` and nudges the drain on commit (core.handoff);
with HUEY_IMMEDIATE the nudged drain runs at once, as a worker does within a second.

The first test commits for real (transactional database). The others run each ingestion path
inside ``django_capture_on_commit_callbacks(execute=True)``, which runs the on-commit
callbacks as a commit would; the drain's own duration is measured by wrapping it."""

import time

import pytest

from healthloop.assessment.models import Finding
from healthloop.assessment.rules.loader import load_rules
from healthloop.assessment.tests.factories import answer, record_exam
from healthloop.conftest import ID_MALE_1980
from healthloop.core import handoff
from healthloop.interop.feeds import receive_hl7
from healthloop.interop.imports.services import start_import
from healthloop.interop.tests.factories import csv_bytes, result_row
from healthloop.interop.tests.hl7_samples import oru
from healthloop.records.models import PendingAssessment


@pytest.fixture
def drain_times():
    """Durations (s) of every run of the registered assessment drain during the test."""
    drain = handoff.registered_drain("assessment")
    assert drain is not None
    times: list[float] = []

    def timed() -> object:
        started = time.perf_counter()
        try:
            return drain()
        finally:
            times.append(time.perf_counter() - started)

    handoff.register_drain("assessment", timed)
    yield times
    handoff.register_drain("assessment", drain)


def codes_of(person_id: int) -> set[str]:
    return set(Finding.objects.filter(person_id=person_id).values_list("rule_code", flat=True))


@pytest.mark.django_db
def test_a_critical_value_in_an_hl7_oru_message_is_a_finding_within_a_second(
    rules, drain_times, django_capture_on_commit_callbacks
):
    # given an ORU^R01 from the laboratory with a critical potassium
    message = oru(results=[("K^钾^L", "NM", "6.9", "mmol/L", "HH")])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        receive_hl7(message.encode(), "127.0.0.1:5000")
    # then
    finding = Finding.objects.get(rule_code="CRIT_K")
    assert (finding.severity, finding.evidence[0]["value"], finding.evidence[0]["flag"]) == (
        "critical", 6.9, "HH"
    )  # fmt: skip
    assert len(drain_times) == 1 and drain_times[0] < 1.0


@pytest.mark.django_db
def test_a_critical_value_in_an_imported_file_is_a_finding_within_a_second(
    rules, make_user, drain_times, django_capture_on_commit_callbacks
):
    # given an exam-result CSV with a critical haemoglobin
    content = csv_bytes([result_row("HGB", "52", "g/L", id_number=ID_MALE_1980)])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(actor=make_user("imp", "health_manager"), file_name="r.csv",
                           content=content, run_now=True)  # fmt: skip
    # then
    assert job.status == "succeeded"
    finding = Finding.objects.get(rule_code="CRIT_HGB_LOW")
    assert (finding.major_class, finding.rule.verification) == ("A", "consensus_2019")
    assert len(drain_times) == 1 and drain_times[0] < 1.0


@pytest.mark.django_db
def test_a_phq9_item_9_answer_above_0_is_a_critical_finding_on_commit(
    rules, patient, drain_times, django_capture_on_commit_callbacks
):
    # when a minimal total (1 point) with item 9 answered 1 is recorded
    with django_capture_on_commit_callbacks(execute=True):
        answer(patient, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    # then
    finding = Finding.objects.get(person=patient, rule_code="Q_PHQ9_ITEM9")
    assert (finding.severity, finding.status, finding.evidence[0]["answer"]) == (
        "critical", "open", 1
    )  # fmt: skip
    assert len(drain_times) == 1 and drain_times[0] < 1.0


# Last in the module: its database flush would remove the module's catalog and rules.
@pytest.mark.django_db(transaction=True)
def test_results_committed_by_the_records_service_are_screened_within_a_second(
    catalog, patient, drain_times
):
    # given the rules loaded (a deploy ran load_rules)
    load_rules(actor=None)
    # when an exam with a critical potassium commits
    record_exam(patient, K=6.8)
    # then the on-commit drain ran once, quickly, and left nothing pending
    assert "CRIT_K" in codes_of(patient.pk)
    assert not PendingAssessment.objects.exists()
    assert len(drain_times) == 1 and drain_times[0] < 1.0
