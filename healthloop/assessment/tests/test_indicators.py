"""Key indicators across years: persons examined and beyond the threshold per exam year,
counted once per person, within the user's scope, with the guideline's boundary."""

import datetime as dt

from django.utils import timezone

from healthloop.assessment.tests.factories import record_exam
from healthloop.core.clock import today

URL = "/api/v1/assessment/indicators/"


def _at(years_back: int, month: int, day: int = 10) -> dt.datetime:
    zone = timezone.get_current_timezone()
    return dt.datetime(today().year - years_back, month, day, 9, tzinfo=zone)


def _series(body, code):
    indicator = next(i for i in body["indicators"] if i["code"] == code)
    return {point["year"]: point for point in indicator["series"]}


def test_each_year_counts_persons_examined_and_beyond_the_threshold(api, doctor, patient, rules):
    this, last = today().year, today().year - 1
    record_exam(patient, _at(1, 3), SBP=150, UA=420)  # SBP at grade 1; UA exactly 420: normal
    record_exam(patient, _at(1, 9), SBP=128, UA=421)  # the same person again that year
    record_exam(patient, _at(0, 1, 2), SBP=140)  # exactly 140 counts (≥)

    body = api(doctor).get(URL, {"years": 3}).json()

    assert body["years"] == [this - 2, last, this]
    sbp, ua = _series(body, "sbp_high"), _series(body, "ua_high")
    assert sbp[last] == {"year": last, "examined": 1, "abnormal": 1, "rate": 100.0}
    assert sbp[this] == {"year": this, "examined": 1, "abnormal": 1, "rate": 100.0}
    assert sbp[this - 2] == {"year": this - 2, "examined": 0, "abnormal": 0, "rate": None}
    assert (ua[last]["examined"], ua[last]["abnormal"]) == (1, 1)  # 421 in September
    assert (ua[this]["examined"], ua[this]["abnormal"]) == (1, 0)  # 320 (healthy default)
    labels = {i["code"]: i["label"]["zh-CN"] for i in body["indicators"]}
    assert labels["sbp_high"] == "收缩压≥140 mmHg"
    assert labels["fpg_diabetes"] == "空腹血糖≥7.0 mmol/L"
    assert labels["ua_high"] == "尿酸>420 μmol/L"


def test_persons_outside_the_users_scope_are_not_counted(api, doctor, patient, stranger, rules):
    record_exam(patient, _at(0, 1, 2), GLU=5.2)
    record_exam(stranger, _at(0, 1, 2), GLU=9.8)

    glucose = _series(api(doctor).get(URL).json(), "fpg_diabetes")[today().year]

    assert (glucose["examined"], glucose["abnormal"]) == (1, 0)


def test_the_number_of_years_is_checked(api, doctor):
    client = api(doctor)
    assert len(client.get(URL).json()["years"]) == 5
    for bad in ("0", "11", "abc"):
        response = client.get(URL, {"years": bad})
        assert response.status_code == 400
        assert response.json()["field"] == "years"
