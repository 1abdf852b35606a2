"""Rules as data: YAML defaults loaded without overwriting administrators, versioned edits,
dry runs, publishing, and the protected PHQ-9 item 9 rule — through the rules API."""

import pytest

from healthloop.assessment.engine.run import screen_persons
from healthloop.assessment.models import Finding, ScreeningRule, ScreeningRun
from healthloop.assessment.rules import loader
from healthloop.assessment.rules.loader import load_rules, read_yaml_rules
from healthloop.assessment.tests.factories import born, record_exam

pytestmark = pytest.mark.django_db
UA_RULE = "/api/v1/assessment/rules/THR_UA_HIGH"


def published(code: str) -> ScreeningRule:
    return ScreeningRule.objects.get(code=code, status="published")


def test_loading_the_yaml_twice_changes_nothing(rules):
    # given the first load created every rule, published, as version 1
    count = len(read_yaml_rules())
    assert rules.filter(version=1, origin="yaml").count() == count
    # when
    again = load_rules(actor=None)
    # then
    assert (again.created, again.updated, again.pending, again.unchanged) == ([], [], [], count)
    assert ScreeningRule.objects.count() == count


def test_a_changed_yaml_default_updates_an_untouched_rule_as_a_new_version(rules, monkeypatch):
    # given a deploy whose YAML raises the uric-acid threshold of an untouched rule
    entries = read_yaml_rules()
    for entry in entries:
        if entry["code"] == "THR_UA_HIGH":
            entry["when"] = {"item": "UA", "gt": 480}
    monkeypatch.setattr(loader, "read_yaml_rules", lambda: entries)
    # when
    report = load_rules(actor=None)
    # then the old version is kept, retired; the new one is published
    assert report.updated == ["THR_UA_HIGH"]
    versions = dict(
        ScreeningRule.objects.filter(code="THR_UA_HIGH").values_list("version", "status")
    )
    assert versions == {1: "retired", 2: "published"}
    assert published("THR_UA_HIGH").definition["when"] == {"item": "UA", "gt": 480}


def test_a_changed_yaml_default_never_overwrites_an_administrators_edit(
    rules, monkeypatch, api, admin_user
):
    # given an administrator published their own version of the rule
    client = api(admin_user)
    client.post(f"{UA_RULE}/versions/", {"definition": {"when": {"item": "UA", "gt": 400}}},
                format="json")  # fmt: skip
    draft = ScreeningRule.objects.get(code="THR_UA_HIGH", status="draft")
    client.post(f"{UA_RULE}/versions/{draft.version}/dry-run/")
    client.post(f"{UA_RULE}/versions/{draft.version}/publish/")
    # when a deploy brings a different YAML default
    entries = read_yaml_rules()
    for entry in entries:
        if entry["code"] == "THR_UA_HIGH":
            entry["when"] = {"item": "UA", "gt": 480}
    monkeypatch.setattr(loader, "read_yaml_rules", lambda: entries)
    report = load_rules(actor=None)
    # then the administrator's version stays published; the default waits as a draft
    assert (report.updated, report.pending) == ([], ["THR_UA_HIGH"])
    assert published("THR_UA_HIGH").definition == {"when": {"item": "UA", "gt": 400}}
    line = next(r for r in client.get("/api/v1/assessment/rules/").json()
                if r["code"] == "THR_UA_HIGH")  # fmt: skip
    assert (line["yaml_update_pending"], line["latest"]["origin"]) == (True, "yaml")


def test_an_edited_rule_dry_run_and_published_changes_the_results(
    rules, api, admin_user, make_person, django_capture_on_commit_callbacks
):
    # given three screened persons with uric acid 380, 400 and 450 µmol/L
    persons = [
        make_person(f"受检者{ua}", sex="male", birth_date=born(40)) for ua in (380, 400, 450)
    ]
    for person, ua in zip(persons, (380, 400, 450), strict=True):
        record_exam(person, UA=ua)
    screen_persons([p.pk for p in persons])
    assert Finding.objects.filter(rule_code="THR_UA_HIGH").count() == 1
    client = api(admin_user)
    # when the administrator lowers the threshold to 390 in a new draft version
    created = client.post(f"{UA_RULE}/versions/", {
        "definition": {"when": {"item": "UA", "gt": 390}},
        "verification": "local", "note": "本院降低高尿酸血症随访阈值",
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    version = created.json()["version"]
    # then publishing before a dry run is refused
    refused = client.post(f"{UA_RULE}/versions/{version}/publish/")
    assert (refused.status_code, refused.json()["code"]) == (400, "dry_run_required")
    # when dry-run: one person newly flagged, none dropped, with a pseudonymous example
    dry = client.post(f"{UA_RULE}/versions/{version}/dry-run/").json()
    assert (dry["population"], dry["flagged_before"], dry["flagged_after"]) == (3, 1, 2)
    assert (dry["newly_flagged"], dry["no_longer_flagged"]) == (1, 0)
    example = dry["examples"]["newly_flagged"][0]
    assert (example["person"], example["sex"], example["age"]) == (str(persons[1].uuid), "male", 40)
    assert example["evidence"][0].startswith("尿酸 400µmol/L")
    assert Finding.objects.filter(rule_code="THR_UA_HIGH").count() == 1  # a dry run writes nothing
    # when published (on commit the population re-screen is queued; immediate in tests)
    with django_capture_on_commit_callbacks(execute=True):
        published_rule = client.post(f"{UA_RULE}/versions/{version}/publish/")
    assert published_rule.status_code == 200
    # then the new version applies and the old one is kept, retired
    assert ScreeningRun.objects.get().status == "done"
    hits = Finding.objects.filter(rule_code="THR_UA_HIGH", status="open")
    assert sorted(hits.values_list("person__name", "rule_version")) == [
        ("受检者400", version), ("受检者450", version)
    ]  # fmt: skip
    statuses = dict(
        ScreeningRule.objects.filter(code="THR_UA_HIGH").values_list("version", "status")
    )
    assert statuses == {1: "retired", version: "published"}


def test_a_dry_run_counts_persons_no_longer_flagged(rules, admin_user, api, make_person):
    # given two persons with a high LDL-C
    for ldl in (4.2, 5.0):
        person = make_person(f"LDL{ldl}", sex="female", birth_date=born(50))
        record_exam(person, LDL_C=ldl)
    client = api(admin_user)
    draft = client.post(
        "/api/v1/assessment/rules/THR_LDL_HIGH/versions/",
        {"definition": {"when": {"item": "LDL_C", "gte": 4.9}}},
        format="json",
    )
    # when
    dry = client.post(
        f"/api/v1/assessment/rules/THR_LDL_HIGH/versions/{draft.json()['version']}/dry-run/"
    ).json()
    # then
    assert (dry["flagged_before"], dry["flagged_after"]) == (2, 1)
    assert (dry["newly_flagged"], dry["no_longer_flagged"]) == (0, 1)
    evidence = dry["examples"]["no_longer_flagged"][0]["evidence"]
    assert len(evidence) == 1 and evidence[0].startswith("低密度脂蛋白胆固醇 4.2mmol/L（")


def test_a_malformed_definition_is_a_400_naming_the_field(rules, api, admin_user):
    response = api(admin_user).post(f"{UA_RULE}/versions/", {
        "definition": {"when": {"any": [{"item": "UA", "gt": "high"}]}}
    }, format="json")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "definition.when.any[0].gt"


def test_an_unknown_item_in_a_new_rule_is_refused(rules, api, admin_user):
    response = api(admin_user).post("/api/v1/assessment/rules/", {
        "code": "LOCAL_FERRITIN", "kind": "threshold", "title": "铁蛋白升高",
        "severity": "low", "definition": {"when": {"item": "FERRITIN_X", "gt": 400}},
    }, format="json")  # fmt: skip
    assert (response.status_code, response.json()["field"]) == (400, "definition")


def test_the_phq9_item_9_rule_cannot_be_retired_or_weakened(rules, api, admin_user):
    client = api(admin_user)
    # when an administrator tries to retire it
    retire = client.post("/api/v1/assessment/rules/Q_PHQ9_ITEM9/retire/", {"reason": "误报多"},
                         format="json")  # fmt: skip
    # or to require a higher answer
    weaken = client.post("/api/v1/assessment/rules/Q_PHQ9_ITEM9/versions/", {
        "definition": {"when": {"questionnaire": "phq9", "item": 9, "gt": 1}}
    }, format="json")  # fmt: skip
    # then both are refused; rewording the advice is allowed
    assert (retire.status_code, retire.json()["code"]) == (400, "protected_rule")
    assert (weaken.status_code, weaken.json()["field"]) == (400, "definition")
    reword = client.post(
        "/api/v1/assessment/rules/Q_PHQ9_ITEM9/versions/",
        {"advice": "请当日电话评估自伤风险（{date}）。"},
        format="json",
    )
    assert reword.status_code == 201 and reword.json()["protected"] is True
    assert published("Q_PHQ9_ITEM9").version == 1


def test_rules_are_administrators_only(rules, api, doctor):
    assert api(doctor).get("/api/v1/assessment/rules/").status_code == 403
    assert api(doctor).post(f"{UA_RULE}/retire/", {"reason": "x"}).status_code == 403
