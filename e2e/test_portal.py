"""The employee H5 portal on a 375×812 phone: my exams, plain explanations, trends, large text."""

import re

from playwright.sync_api import expect

from e2e.pages import PHONE, assert_fits_width, assert_no_console_errors, log_in, screenshot

NBSP = "\u00a0"


def font_px(page, selector: str) -> float:
    return page.evaluate(
        "s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector
    )


def test_employee_sees_their_exams_by_year_with_plain_explanations(base_url, new_page):
    page = new_page(**PHONE)
    # given
    page.goto(base_url + "/h5/")
    expect(page).to_have_url(re.compile(r"/h5/login$"))
    expect(page.get_by_role("heading", name="我的健康")).to_be_visible()
    assert_fits_width(page, 375)
    screenshot(page, "portal-login")
    # when
    log_in(page, "employee1")
    # then: five years of exams, newest first
    expect(page.get_by_text("李建国，您好")).to_be_visible()
    years = page.get_by_test_id("exam-year")
    expect(years).to_have_count(5)
    expect(years.first).to_contain_text("2025年")
    expect(years.last).to_contain_text("2021年")
    expect(page.get_by_test_id("latest-exam")).to_contain_text("2025-04-10")
    assert_fits_width(page, 375)
    screenshot(page, "portal-exams")

    # when: opening the latest exam
    page.get_by_test_id("latest-exam").click()
    # then: the abnormal SBP first, explained in plain words
    sbp = page.get_by_test_id("attention-item").filter(has_text="收缩压")
    expect(sbp).to_contain_text("146")
    expect(sbp.get_by_test_id("explanation")).to_have_text(f"偏高：高于参考范围上限 139{NBSP}mmHg")
    expect(page.get_by_test_id("attention-item").first).to_contain_text("收缩压")
    uric = page.get_by_test_id("attention-item").filter(has_text="尿酸")
    expect(uric.get_by_test_id("explanation")).to_have_text(
        f"偏高：高于参考范围上限 428{NBSP}μmol/L"
    )
    expect(page.get_by_text("尿颜色")).to_be_visible()
    expect(page.get_by_text("黄色", exact=True)).to_be_visible()  # the coded answer, by name
    assert_fits_width(page, 375)
    screenshot(page, "portal-exam")

    # when: the SBP trend
    sbp.get_by_role("link", name=re.compile("查看历年趋势")).click()
    chart = page.get_by_test_id("trend-chart")
    expect(chart.locator("svg")).to_be_visible()
    expect(chart).to_have_attribute("aria-label", re.compile(r"2021-06-10 130, .*2025-04-10 146"))
    expect(page.get_by_test_id("trend-caption")).to_have_text("参考范围 90–139 mmHg")
    assert_fits_width(page, 375)
    screenshot(page, "portal-trend")
    assert_no_console_errors(page)


def test_large_text_mode_enlarges_the_text_and_survives_a_reload(base_url, new_page):
    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    log_in(page, "employee1")
    page.get_by_test_id("latest-exam").click()
    explanation = "[data-testid=explanation]"
    expect(page.locator(explanation).first).to_be_visible()
    normal_root, normal_text = font_px(page, "html"), font_px(page, explanation)
    toggle = page.get_by_test_id("large-text-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")

    # when
    toggle.click()
    # then: really large
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert font_px(page, "html") >= normal_root * 1.2
    assert font_px(page, explanation) >= normal_text * 1.2 >= 19
    assert_fits_width(page, 375)
    screenshot(page, "portal-exam-large")

    # when: reloaded
    page.reload()
    expect(page.locator(explanation).first).to_be_visible()
    # then: still large, and the toggle says so
    expect(page.locator("html")).to_have_class(re.compile(r"\bhl-large-text\b"))
    expect(page.get_by_test_id("large-text-toggle")).to_have_text("标准字")
    assert font_px(page, explanation) >= normal_text * 1.2

    # and the "me" page shows the same preference
    page.goto(base_url + "/h5/me")
    expect(page.get_by_test_id("large-text-switch")).to_have_attribute("aria-checked", "true")
    assert_fits_width(page, 375)
    screenshot(page, "portal-me-large")

    # when: switched off there
    page.get_by_test_id("large-text-switch").click()
    page.reload()
    expect(page.get_by_test_id("large-text-toggle")).to_have_text("大字")
    assert font_px(page, "html") == normal_root
    assert_no_console_errors(page)


def test_log_out_returns_to_the_log_in_page(base_url, new_page):
    page = new_page(**PHONE)
    page.goto(base_url + "/h5/login")
    log_in(page, "employee1")
    page.get_by_role("tab", name="我的").click()
    page.get_by_test_id("logout").click()
    page.get_by_role("button", name="确定").click()
    expect(page).to_have_url(re.compile(r"/h5/login$"))
    page.goto(base_url + "/h5/")
    expect(page).to_have_url(re.compile(r"/h5/login$"))
    assert_no_console_errors(page)
