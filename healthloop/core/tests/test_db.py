import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from healthloop.assessment.models import RiskLevel
from healthloop.core.db import update_rows


def _level(person, disease, label):
    return RiskLevel.objects.create(
        person=person, disease=disease, colour="green", label=label, basis=["a"],
        rule_code="R", rule_version=1, digest="d0",
    )  # fmt: skip


def test_update_rows_writes_the_named_fields_of_each_row_and_nothing_else(make_person):
    person = make_person("张三", sex="male", employee_no="E1")
    other = make_person("李四", sex="female", employee_no="E2")
    first = _level(person, "hypertension", "低危")
    second = _level(person, "diabetes", "低危")
    untouched = _level(other, "hypertension", "低危")
    later = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    first.colour, first.basis, first.updated_at = "red", ["收缩压 182 mmHg", {"k": 1}], later
    first.label = "not written: not a named field"
    second.colour, second.basis, second.person_id = "orange", [], other.pk
    with CaptureQueriesContext(connection) as queries:
        written = update_rows(
            RiskLevel, [first, second], ["colour", "basis", "updated_at", "person_id"]
        )
    assert written == 2
    assert len([q for q in queries if q["sql"].startswith("UPDATE")]) <= 2  # no per-field CASE
    first.refresh_from_db()
    second.refresh_from_db()
    untouched.refresh_from_db()
    assert (first.colour, first.basis, first.updated_at, first.label) == (
        "red", ["收缩压 182 mmHg", {"k": 1}], later, "低危",
    )  # fmt: skip
    assert (second.colour, second.basis, second.person_id) == ("orange", [], other.pk)
    assert (untouched.colour, untouched.basis) == ("green", ["a"])


def test_update_rows_with_no_rows_runs_no_query(db):
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(RiskLevel, [], ["colour"]) == 0
    assert len(queries) == 0
