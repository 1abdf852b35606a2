"""The staff workbench in a real browser: log-in, home panel, search, the person's 360° view."""

import re
import time

from playwright.sync_api import expect

from e2e.pages import assert_no_console_errors, log_in, screenshot


def test_doctor_finds_a_person_by_pinyin_initials_and_sees_the_abnormal_sbp_and_its_trend(
    base_url, new_page
):
    page = new_page()
    # given: the doctor (scope: 炼油厂) logs in
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="检后健康管理工作台")).to_be_visible()
    screenshot(page, "workbench-login")
    log_in(page, "doctor1")
    # then: the home page shows the panel: 13 persons in two workshops
    expect(page.get_by_test_id("panel-total")).to_contain_text("13")
    departments = page.get_by_test_id("department-table").locator("tbody tr")
    expect(departments).to_have_count(2)
    expect(departments.filter(has_text="催化裂化车间")).to_contain_text("7")
    expect(departments.filter(has_text="常减压车间")).to_contain_text("6")
    screenshot(page, "workbench-home")

    # when: searching "zsf" (pinyin initials)
    page.get_by_role("menuitem", name="人员检索").click()
    page.get_by_test_id("search-input").fill("zsf")
    page.get_by_test_id("search-input").press("Enter")
    # then: 周淑芬 and 张淑芳, identifiers masked
    rows = page.get_by_test_id("search-results").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="周淑芬")).to_contain_text(re.compile(r"440\*{11}\d{3}[\dX]"))
    expect(rows.filter(has_text="张淑芳")).to_be_visible()
    expect(page.get_by_test_id("search-total")).to_have_text("共 2 人")
    expect(page).to_have_url(re.compile(r"/persons\?q=zsf$"))
    screenshot(page, "workbench-search")

    # when: opening 周淑芬
    page.get_by_role("link", name="周淑芬").click()
    # then: identity with masked ID and phone
    identity = page.get_by_test_id("identity")
    expect(identity).to_contain_text("周淑芬")
    expect(page.get_by_test_id("id-masked")).to_have_text(re.compile(r"^440\*{11}\d{3}[\dX]$"))
    expect(page.get_by_test_id("phone-masked")).to_have_text("138****8000")
    # the latest exam with the abnormal SBP highlighted against its reference range
    expect(page.get_by_test_id("exam-results")).to_contain_text("2025-04-10")
    sbp = page.get_by_test_id("exam-results").locator("tr.el-table__row", has_text="收缩压")
    expect(sbp).to_have_class(re.compile(r"\bis-abnormal\b"))
    expect(sbp).to_contain_text("152")
    expect(sbp).to_contain_text("90–139")
    expect(sbp).to_contain_text("↑ 偏高")
    normal = page.get_by_test_id("exam-results").locator("tr.el-table__row", has_text="血红蛋白")
    expect(normal).to_have_class(re.compile(r"\bis-normal\b"))
    # and the SBP trend: five exams, the reference band named
    expect(page.get_by_test_id("trend-title")).to_have_text("收缩压趋势")
    chart = page.get_by_test_id("trend-chart")
    expect(chart.locator("svg")).to_be_visible()
    expect(chart).to_have_attribute("aria-label", re.compile(r"2021-06-10 126, .*2025-04-10 152"))
    expect(page.get_by_test_id("trend-caption")).to_have_text("参考范围 90–139 mmHg")
    expect(page.get_by_test_id("timeline").locator(".el-timeline-item")).to_have_count(5)
    screenshot(page, "workbench-person")

    # when: another item's trend is asked for from the results table
    page.get_by_test_id("exam-results").locator(
        "tr.el-table__row", has_text="空腹血糖"
    ).get_by_role("button", name="趋势").click()
    expect(page.get_by_test_id("trend-title")).to_have_text("空腹血糖趋势")
    expect(page.get_by_test_id("trend-caption")).to_have_text("参考范围 3.9–6.1 mmol/L")
    assert_no_console_errors(page)


def test_a_deep_link_asks_for_log_in_and_comes_back(base_url, new_page):
    page = new_page()
    page.goto(base_url + "/persons?q=zsf")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    log_in(page, "doctor1")
    expect(page).to_have_url(re.compile(r"/persons\?q=zsf$"))
    expect(page.get_by_test_id("search-results").locator("tbody tr")).to_have_count(2)
    assert_no_console_errors(page)


def test_wrong_password_is_refused_with_a_message(base_url, new_page):
    page = new_page()
    page.goto(base_url + "/login")
    page.locator("input[name=username]").fill("doctor1")
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(r"/login$"))
    # The refused log-in is the one expected failed request.
    assert_no_console_errors(page, allow=(r"login/", r"status of 400"))


def test_a_person_outside_the_doctors_scope_is_not_found(base_url, new_page):
    page = new_page()
    # given: the department head (whole company) finds someone in 财务部 ...
    page.goto(base_url + "/login")
    log_in(page, "head1")
    page.goto(base_url + "/persons?q=zxm")
    page.get_by_role("link", name="赵晓梅").click()
    expect(page.get_by_test_id("identity")).to_contain_text("赵晓梅")
    outside = page.url
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    # when: the doctor of 炼油厂 opens the same link
    log_in(page, "doctor1")
    page.goto(outside)
    # then: "not found", never "forbidden"
    expect(page.get_by_text("未找到，或不在您的管理范围内")).to_be_visible()
    assert_no_console_errors(page, allow=(r"HTTP 404 GET .*/persons/", r"status of 404"))


def test_the_workbench_speaks_english(base_url, new_page):
    page = new_page()
    page.goto(base_url + "/login")
    page.get_by_test_id("language-switch").select_option("en")
    expect(page.get_by_role("heading", name="Health Management Workbench")).to_be_visible()
    log_in(page, "doctor1")
    expect(page.get_by_role("menuitem", name="Find a person")).to_be_visible()
    page.goto(base_url + "/persons?q=zsf")
    page.get_by_role("link", name="周淑芬").click()
    sbp = page.get_by_test_id("exam-results").locator("tr.el-table__row", has_text="Systolic")
    expect(sbp).to_contain_text("↑ High")
    expect(page.get_by_test_id("trend-caption")).to_have_text("Reference range 90–139 mmHg")
    screenshot(page, "workbench-person-en")
    assert_no_console_errors(page)


def test_an_employee_who_opens_the_workbench_is_sent_to_the_portal(base_url, new_page):
    page = new_page()
    page.goto(base_url + "/login")
    log_in(page, "employee1")
    expect(page).to_have_url(re.compile(r"/h5/$"))
    expect(page.get_by_test_id("latest-exam")).to_be_visible()
    assert_no_console_errors(page)


def test_first_load_of_the_workbench_takes_at_most_2_seconds(base_url, new_page):
    # given: a warm server, a cold browser (fresh context: empty cache)
    new_page().goto(base_url + "/login")
    page = new_page()
    # when: from the request to a usable log-in form (bench/bench_frontend_load.py has more)
    started = time.perf_counter()
    page.goto(base_url + "/", wait_until="commit")
    page.locator("input[name=username]").wait_for(state="visible")
    elapsed = time.perf_counter() - started
    # then
    assert elapsed <= 2.0, f"first load took {elapsed:.2f} s"
    assert_no_console_errors(page)
