"""My follow-ups on a 375×812 phone: a doctor puts 李建国 under follow-up and records one
contact through the follow-up API (followup services); 李建国 sees the done contact with its
outcome and the next one coming up, in Chinese and in large text."""

import re
import subprocess
import sys

from playwright.sync_api import expect

from e2e.pages import PHONE, assert_fits_width, assert_no_console_errors, log_in, screenshot
from e2e.server import ROOT, _environment

# Diseases with a shipped template; the first one 李建国 is not yet managed for is used.
CANDIDATES = [("fatty_liver", "脂肪肝"), ("hyperuricemia", "高尿酸血症"), ("obesity", "肥胖"),
              ("ckd", "慢性肾脏病"), ("tumour_marker", "肿瘤标志物异常")]  # fmt: skip

API = """async ([method, url, body]) => {
  const token = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || ''
  const answer = await fetch(url, {
    method, credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': decodeURIComponent(token)},
    body: body ? JSON.stringify(body) : undefined,
  })
  return {status: answer.status, body: await answer.json()}
}"""


def _load_templates(tmp_path_factory) -> None:
    """The follow-up templates in the server's database (idempotent: an unchanged YAML is a
    no-op), as `make run` loads them."""
    var_dir = max(
        tmp_path_factory.getbasetemp().glob("e2e-var*"),
        key=lambda path: (path / "healthloop.sqlite3").stat().st_mtime,
    )
    subprocess.run(
        [sys.executable, "manage.py", "load_followup_templates"],
        cwd=ROOT, env=_environment(var_dir), check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def test_the_employee_sees_the_followup_a_doctor_recorded(base_url, new_page, tmp_path_factory):
    _load_templates(tmp_path_factory)
    # given doctor1 puts 李建国 under follow-up for a disease and reaches him once
    doctor = new_page()
    doctor.goto(base_url + "/login")
    log_in(doctor, "doctor1")
    found = doctor.evaluate(API, ["GET", "/api/v1/people/persons/?q=李建国", None])
    person = found["body"]["results"][0]["uuid"]
    active = doctor.evaluate(
        API, ["GET", f"/api/v1/followup/plans/?person={person}&status=active", None]
    )["body"]
    taken = {p["disease"] for p in active.get("results", active)}
    disease, label = next((d, zh) for d, zh in CANDIDATES if d not in taken)
    plan = doctor.evaluate(
        API,
        ["POST", "/api/v1/followup/plans/", {"person": person, "disease": disease,
                                             "level": "yellow"}],
    )  # fmt: skip
    assert plan["status"] == 201, plan
    first = plan["body"]["open_tasks"][0]["uuid"]
    done = doctor.evaluate(
        API,
        ["POST", f"/api/v1/followup/tasks/{first}/results/",
         {"outcome": "continue", "note": "只给医生看：饮酒较多"}],
    )  # fmt: skip
    assert done["status"] == 201, done
    # when 李建国 opens 我的随访 from 我的
    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    log_in(page, "employee1")
    page.get_by_role("tab", name="我的").click()
    page.get_by_test_id("open-followups").click()
    # then the done contact shows its outcome and the next one is coming up
    past = page.get_by_test_id("followup-past").filter(has_text=label)
    expect(past).to_contain_text("继续随访")
    expect(past).to_contain_text("完成于")
    upcoming = page.get_by_test_id("followup-upcoming").filter(has_text=label)
    expect(upcoming).to_contain_text("待进行")
    expect(upcoming).to_contain_text("预计")
    expect(page.get_by_test_id("followup-plan").filter(has_text=label)).to_be_visible()
    body = page.locator("body")
    expect(body).not_to_contain_text("饮酒较多")  # the doctor's note stays in the workbench
    expect(body).not_to_contain_text("刘医生")
    assert_fits_width(page, 375)
    screenshot(page, "portal-followups")
    # and in large text it still fits
    page.get_by_test_id("large-text-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bhl-large-text\b"))
    assert_fits_width(page, 375)
    screenshot(page, "portal-followups-large")
    page.get_by_test_id("large-text-toggle").click()
    assert_no_console_errors(page)
    assert_no_console_errors(doctor)
