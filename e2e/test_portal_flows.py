"""The employee portal's own flows on a 375×812 phone: bind with the console SMS code, read a
message, fill a questionnaire across a draft, the access log, large text across a reload."""

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from e2e.pages import PHONE, assert_fits_width, assert_no_console_errors, log_in, screenshot
from e2e.seed import _id_number

BIND_PASSWORD = "Bind-Pass-2026!"  # noqa: S105 - a throw-away test database


@pytest.fixture
def outbox(base_url, tmp_path_factory):
    """The server's notify outbox (its SQLite database): what the console SMS backend sends."""
    database = max(
        tmp_path_factory.getbasetemp().glob("e2e-var*/healthloop.sqlite3"),
        key=lambda path: path.resolve().stat().st_mtime,
    )

    def latest_sms_code() -> str:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            (body,) = db.execute(
                "SELECT body FROM notify_notification WHERE ref LIKE 'portal.bindcode:%' "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return re.search(r"验证码为(\d{6})", body).group(1)

    return latest_sms_code


def test_an_employee_binds_an_account_with_the_sms_code(base_url, new_page, outbox):
    import datetime as dt

    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    page.get_by_test_id("open-bind").click()
    expect(page).to_have_url(re.compile(r"/h5/bind$"))
    # given 周淑芬 of the roster, without an account
    page.locator("input[name=name]").fill("周淑芬")
    page.locator("input[name=id_number]").fill(_id_number(0, dt.date(1968, 3, 12), "female"))
    page.locator("input[name=phone]").fill("13800138000")
    # when she asks for a code
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("code-notice")).to_contain_text("验证码已发送")
    expect(page.get_by_test_id("send-code")).to_contain_text("秒后重发")
    assert_fits_width(page, 375)
    screenshot(page, "portal-bind")
    # and enters a wrong one first
    code = outbox()
    page.locator("input[name=code]").fill(f"{(int(code) + 1) % 10**6:06d}")
    page.locator("input[name=password]").fill(BIND_PASSWORD)
    page.locator("input[name=password2]").fill(BIND_PASSWORD)
    page.get_by_test_id("bind-submit").click()
    expect(page.get_by_test_id("bind-error")).to_have_text("验证码错误，还可尝试4次")
    # then the right one
    page.locator("input[name=code]").fill(code)
    page.get_by_test_id("bind-submit").click()
    # then the account is open, named by her employee number, and she is logged in
    expect(page.get_by_text("您的登录名是 E10001")).to_be_visible()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("周淑芬，您好")).to_be_visible()
    expect(page.get_by_test_id("exam-year")).to_have_count(5)
    assert_no_console_errors(
        page, allow=(r"HTTP 400 POST .*/api/v1/portal/bind/$", r"status of 400 \(Bad Request\)")
    )


def test_the_employee_reads_a_message_and_the_badge_goes(base_url, new_page):
    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    log_in(page, "employee1")
    tab = page.get_by_test_id("tab-messages")
    expect(tab.locator(".van-badge")).to_have_text("1")
    tab.click()
    message = page.get_by_test_id("message").filter(has_text="血压偏高")
    expect(message).to_contain_text("两周内复测血压")
    expect(message).to_contain_text("未读")
    assert_fits_width(page, 375)
    screenshot(page, "portal-messages")
    # when
    message.get_by_test_id("mark-read").click()
    # then
    expect(message).to_contain_text("已读")
    expect(tab.locator(".van-badge")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("message").first.get_by_test_id("mark-read")).to_have_count(0)
    assert_no_console_errors(page)


def test_a_questionnaire_is_paged_drafted_checked_and_submitted(base_url, new_page):
    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    log_in(page, "employee1")
    page.get_by_role("tab", name="评估").click()
    screenshot(page, "portal-risk")
    page.get_by_test_id("open-questionnaires").click()
    page.get_by_test_id("questionnaire-gad7").click()
    expect(page.get_by_test_id("page-indicator")).to_have_text("第1页 / 共3页")
    questions = page.get_by_test_id("question")
    expect(questions).to_have_count(3)
    # when: next without answering the second question
    questions.nth(0).get_by_text("好几天").click()
    questions.nth(2).get_by_text("完全不会").click()
    page.get_by_test_id("next-page").click()
    # then: the missing one is pointed out and the page stays
    expect(questions.nth(1)).to_contain_text("请回答此题")
    expect(page.get_by_test_id("page-indicator")).to_have_text("第1页 / 共3页")
    assert_fits_width(page, 375)
    screenshot(page, "portal-questionnaire-missing")
    questions.nth(1).get_by_text("一半以上的天数").click()
    page.get_by_test_id("next-page").click()
    expect(page.get_by_test_id("page-indicator")).to_have_text("第2页 / 共3页")
    # the draft is saved shortly after each answer
    with page.expect_response(
        lambda r: r.url.endswith("/gad7/draft/") and '"q4"' in (r.request.post_data or "")
    ):
        questions.nth(0).get_by_text("好几天").click()
    expect(page.get_by_test_id("save-state")).to_contain_text("草稿已保存")

    # when: the page is closed and opened again
    page.reload()
    # then: the draft brings her back to page 2 with four answers
    expect(page.get_by_test_id("page-indicator")).to_have_text("第2页 / 共3页")
    expect(page.get_by_text("已答 4 / 7 题")).to_be_visible()
    questions.nth(1).get_by_text("完全不会").click()
    questions.nth(2).get_by_text("好几天").click()
    page.get_by_test_id("next-page").click()
    expect(page.get_by_test_id("page-indicator")).to_have_text("第3页 / 共3页")
    questions.nth(0).get_by_text("好几天").click()
    page.get_by_test_id("submit-questionnaire").click()
    # then: the scored result (1+2+0+1+0+1+1 = 6: mild)
    result = page.get_by_test_id("questionnaire-result")
    expect(result.get_by_test_id("result-label")).to_have_text("轻度焦虑")
    expect(result).to_contain_text("得分 6")
    assert_fits_width(page, 375)
    screenshot(page, "portal-questionnaire-result")
    page.get_by_role("button", name="返回问卷列表").click()
    expect(page.get_by_test_id("questionnaire-gad7")).to_contain_text("上次结果：轻度焦虑")
    screenshot(page, "portal-questionnaires")
    assert_no_console_errors(page)


def test_access_log_shows_the_doctor_by_role_and_department(base_url, new_page):
    # given the doctor opened 李建国's record in the workbench
    doctor = new_page()
    doctor.goto(base_url + "/login")
    log_in(doctor, "doctor1")
    doctor.goto(base_url + "/persons?q=李建国")
    doctor.get_by_text("李建国").first.click()
    expect(doctor.get_by_text("催化裂化车间").first).to_be_visible()
    # when 李建国 looks at who accessed his record
    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    log_in(page, "employee1")
    page.get_by_role("tab", name="我的").click()
    page.get_by_test_id("open-access-log").click()
    events = page.get_by_test_id("access-event")
    expect(events.first).to_contain_text("医生")
    expect(page.locator("body")).not_to_contain_text("刘医生")  # never a name
    assert_fits_width(page, 375)
    screenshot(page, "portal-access-log")
    assert_no_console_errors(page)


def test_large_text_persists_on_the_new_screens(base_url, new_page):
    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    log_in(page, "employee1")
    page.goto(base_url + "/h5/questionnaires/phq9")
    expect(page.get_by_test_id("question").first).to_be_visible()
    page.get_by_test_id("large-text-toggle").click()
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bhl-large-text\b"))
    expect(page.get_by_test_id("question").first).to_be_visible()
    assert_fits_width(page, 375)
    screenshot(page, "portal-questionnaire-large")
    page.get_by_test_id("large-text-toggle").click()
    assert_no_console_errors(page)
