"""Text findings in imaging/ECG reports, trend rules across yearly exams, the trend status of
each item (持续正常 / 逐步改善 / 明显加重 / 波动 / 新发异常), and overdue re-examinations."""

import datetime as dt

import pytest
from django.utils import timezone

from healthloop.assessment.engine.run import screen_persons
from healthloop.assessment.models import Finding
from healthloop.assessment.tests.factories import days_ago, record_exam

pytestmark = pytest.mark.django_db


def open_codes(person) -> set[str]:
    return set(
        Finding.objects.filter(person=person, status="open").values_list("rule_code", flat=True)
    )


def exam_with(patient, **values) -> set[str]:
    record_exam(patient, base=values)
    screen_persons([patient.pk])
    return open_codes(patient)


@pytest.mark.parametrize(
    ("report", "hit"),
    [
        ("右肺上叶实性结节，大小约9.2×7.1mm，建议随访", True),
        ("左肺下叶磨玻璃结节，直径约1.2cm", True),
        ("右肺中叶结节，大小约8 mm", True),
        ("右肺中叶微小结节，大小约5.8×4.0mm，考虑良性", False),
        ("双肺未见明显结节", False),
    ],
)
def test_lung_nodules_of_8_mm_or_more_are_b_class_findings(rules, patient, report, hit):
    assert ("TXT_B_LUNG_NODULE_8MM" in exam_with(patient, LDCT_CONCLUSION=report)) is hit


def test_the_text_finding_cites_the_matching_clause(rules, patient):
    exam_with(patient, LDCT_CONCLUSION="双肺纹理增多。右肺上叶实性结节，大小约9.2×7.1mm。")
    finding = Finding.objects.get(rule_code="TXT_B_LUNG_NODULE_8MM")
    assert (finding.major_class, finding.evidence[0]["size_mm"]) == ("B", 9.2)
    assert finding.evidence[0]["matched"] == "右肺上叶实性结节，大小约9.2×7.1mm"
    assert "右肺上叶实性结节" in finding.advice


@pytest.mark.parametrize(
    ("values", "code", "hit"),
    [
        ({"US_BREAST": "左乳低回声结节，BI-RADS 4A类"}, "TXT_B_BREAST_BIRADS_4_5", True),
        ({"US_BREAST_BIRADS": "3"}, "TXT_B_BREAST_BIRADS_4_5", False),
        ({"US_THYROID_TIRADS": "4B"}, "TXT_B_THYROID_TIRADS_4_5", True),
        ({"US_THYROID": "甲状腺右叶结节，C-TIRADS 4A类"}, "TXT_B_THYROID_TIRADS_4_5", True),
        ({"US_THYROID": "甲状腺右叶结节，C-TIRADS 3类"}, "TXT_B_THYROID_TIRADS_4_5", False),
        ({"ECG_CONCLUSION": "心房颤动，心室率约98次/分"}, "TXT_ECG_AF", True),
        ({"ECG_CONCLUSION": "窦性心律，未见房颤"}, "TXT_ECG_AF", False),
        ({"ECG_CONCLUSION": "窦性心律，急性下壁心肌梗死"}, "TXT_A_ECG_LETHAL", True),
        ({"ECG_CONCLUSION": "陈旧性下壁心肌梗死"}, "TXT_A_ECG_LETHAL", False),
        ({"ECG_CONCLUSION": "急性心肌梗死（下壁）"}, "TXT_A_ECG_LETHAL", True),
        ({"US_LIVER": "肝右叶未见明显占位性病变"}, "TXT_B_SPACE_OCCUPYING", False),
        ({"US_LIVER": "肝右叶实性占位，性质待定"}, "TXT_B_SPACE_OCCUPYING", True),
    ],
)
def test_coded_and_free_text_findings(rules, patient, values, code, hit):
    assert (code in exam_with(patient, **values)) is hit


def yearly_exams(patient, values: list[float], code: str = "SBP") -> None:
    now = timezone.now()
    for years_back, value in zip(range(len(values) - 1, -1, -1), values, strict=True):
        record_exam(patient, when=now - dt.timedelta(days=365 * years_back + 20),
                    base={code: value})  # fmt: skip


def test_systolic_pressure_rising_over_three_yearly_exams_is_a_trend_finding(rules, patient):
    # given 124 → 131 → 138 mmHg over three yearly exams
    yearly_exams(patient, [124, 131, 138])
    # when
    screen_persons([patient.pk])
    # then
    finding = Finding.objects.get(rule_code="TREND_SBP_RISING")
    assert [e["value"] for e in finding.evidence] == [124, 131, 138]


def test_a_rise_that_is_not_sustained_is_no_trend(rules, patient):
    yearly_exams(patient, [124, 140, 138])
    screen_persons([patient.pk])
    assert "TREND_SBP_RISING" not in open_codes(patient)


@pytest.mark.parametrize(
    ("values", "status", "label"),
    [
        ([5.0, 5.2, 5.4], "persistent_normal", "持续正常"),
        ([6.8, 6.4, 5.6], "improving", "逐步改善"),
        ([6.3, 6.9, 7.8], "worsening", "明显加重"),
        ([5.2, 6.6, 5.4], "fluctuating", "波动"),
        ([5.2, 5.4, 6.5], "new_abnormal", "新发异常"),
    ],
)
def test_trend_status_of_an_item_across_yearly_exams(
    rules, api, doctor, patient, values, status, label
):
    # given three yearly fasting glucose values (reference range 3.9–6.1 mmol/L)
    yearly_exams(patient, values, code="GLU")
    # when
    body = api(doctor).get(f"/api/v1/assessment/persons/{patient.uuid}/trends/?item=GLU").json()
    # then
    assert len(body) == 1
    assert (body[0]["status"], body[0]["label"]) == (status, label)
    assert [p["value"] for p in body[0]["points"]] == values


def test_worsening_fasting_glucose_is_a_trend_finding(rules, patient):
    yearly_exams(patient, [6.3, 6.9, 7.8], code="GLU")
    screen_persons([patient.pk])
    assert {"TREND_GLU_WORSENING", "MAJ_B_NEW_DIABETES"} <= open_codes(patient)


def test_an_overdue_annual_exam_is_raised_once_and_resolved_by_the_next_exam(rules, patient):
    # given the last exam 500 days ago
    record_exam(patient, when=days_ago(500))
    screen_persons([patient.pk])
    finding = Finding.objects.get(rule_code="OVERDUE_ANNUAL_EXAM")
    last = (timezone.localdate() - dt.timedelta(days=500)).isoformat()
    assert finding.evidence == [{"type": "overdue", "what": "exam", "last": last,
                                 "due": (dt.date.fromisoformat(last) + dt.timedelta(days=455))
                                 .isoformat(), "days": 455}]  # fmt: skip
    screen_persons([patient.pk])
    assert Finding.objects.filter(rule_code="OVERDUE_ANNUAL_EXAM").count() == 1
    # when the person is examined
    record_exam(patient, when=days_ago(1))
    screen_persons([patient.pk])
    # then
    finding.refresh_from_db()
    assert finding.status == "resolved"
