"""The workbench's screening and data screens in a real browser: the 360° risk panel,
registers (exclude with a reason, Excel export), result import with its error report, rules
(edit, dry run, publish), dashboard, interfaces and administration."""

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from e2e.pages import assert_no_console_errors, log_in, screenshot


def _login(page, base_url: str, username: str, path: str = "/") -> None:
    page.goto(base_url + "/login")
    log_in(page, username)
    if path != "/":
        page.goto(base_url + path)


def test_home_shows_my_work_and_the_person_shows_risk_registers_and_findings(base_url, new_page):
    page = new_page()
    _login(page, base_url, "doctor1")
    # then: alerts waiting for review counted by severity; 周淑芬's BP 152 is a medium one
    work = page.get_by_test_id("my-work")
    expect(work).to_contain_text("我的工作")
    expect(page.get_by_test_id("work-medium")).to_contain_text(
        re.compile(r"中级别预警待审核\s*[1-9]")
    )
    expect(page.get_by_test_id("urgent-work")).to_contain_text("周淑芬")
    screenshot(page, "workbench-home-my-work")

    # when: opening 周淑芬 (SBP 152, glucose 6.8)
    page.goto(base_url + "/persons?q=zsf")
    page.get_by_role("link", name="周淑芬").click()
    expect(page.get_by_test_id("identity")).to_contain_text("周淑芬", timeout=20_000)
    panel = page.get_by_test_id("screening-panel")
    # then: the risk panel names the hypertension level with its basis (the risk model)
    risk = panel.get_by_test_id("risk-level").filter(has_text="高血压")
    expect(risk).to_be_visible()
    expect(risk).to_contain_text("黄")
    expect(risk).to_contain_text("htn_risk_2018")
    # registers and findings tabs
    panel.get_by_role("tab", name=re.compile("台账")).click()
    expect(panel.get_by_test_id("person-registers")).to_contain_text("高血压")
    panel.get_by_role("tab", name=re.compile("筛查发现")).click()
    expect(panel.get_by_test_id("person-findings")).to_contain_text("血压")
    # identifiers stay masked
    expect(page.get_by_test_id("id-masked")).to_have_text(re.compile(r"^440\*{11}\d{3}[\dX]$"))
    panel.get_by_role("tab", name=re.compile("风险分层")).click()
    screenshot(page, "workbench-person-risk")
    assert_no_console_errors(page)


def test_registers_filter_exclude_with_a_reason_and_export_to_excel(base_url, new_page, tmp_path):
    page = new_page(accept_downloads=True)
    _login(page, base_url, "doctor1", "/registers?disease=hypertension")
    table = page.get_by_test_id("registers-table")
    expect(table).to_contain_text("周淑芬")
    expect(table).to_contain_text("李建国")
    expect(page.get_by_test_id("registers-summary")).to_contain_text("高血压")
    screenshot(page, "workbench-registers")

    # when: 李建国 is excluded without, then with a reason
    row = table.locator("tr.el-table__row", has_text="李建国")
    row.get_by_test_id("register-exclude").click()
    page.get_by_test_id("register-save").click()
    expect(page.get_by_text("请填写原因")).to_be_visible()
    page.get_by_test_id("register-reason").fill("已在外院高血压门诊规范管理")
    page.get_by_test_id("register-save").click()
    # then: he leaves the list of included persons, and shows among the excluded with the reason
    expect(table.locator("tr.el-table__row", has_text="李建国")).to_have_count(0)
    page.goto(base_url + "/registers?disease=hypertension&status=excluded")
    excluded = page.get_by_test_id("registers-table").locator("tr.el-table__row", has_text="李建国")
    expect(excluded).to_contain_text("已在外院高血压门诊规范管理")
    expect(excluded).to_contain_text("人工")

    # when: exporting the included hypertension register
    page.goto(base_url + "/registers?disease=hypertension")
    expect(page.get_by_test_id("registers-table")).to_contain_text("周淑芬")
    with page.expect_download() as info:
        page.get_by_test_id("registers-export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    # then: a real workbook with 周淑芬 and without the excluded 李建国
    sheet = load_workbook(path).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "周淑芬" in cells
    assert "李建国" not in cells
    assert_no_console_errors(page)


def _import_csv() -> bytes:
    header = "工号,姓名,体检日期,体检编号,项目代码,结果,单位"
    rows = [
        "E10001,周淑芬,2026-03-02,TJ-E2E-1,SBP,138,mmHg",
        "E10001,周淑芬,2026-03-02,TJ-E2E-1,NOT_AN_ITEM,5.0,",
        "E10001,周淑芬,2026-03-02,TJ-E2E-1,GLU,abc,mmol/L",
    ]
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_an_import_with_errors_shows_its_report(base_url, new_page, tmp_path):
    page = new_page(accept_downloads=True)
    _login(page, base_url, "doctor1", "/imports")
    source = tmp_path / "e2e-results.csv"
    source.write_bytes(_import_csv())
    # when: the doctor uploads a file with two bad rows (all-or-nothing)
    page.get_by_test_id("import-drop").locator("input[type=file]").set_input_files(str(source))
    expect(page.get_by_test_id("import-drop")).to_contain_text("e2e-results.csv")
    page.get_by_test_id("import-start").click()
    # then: the progress bar ends, nothing imported, the rows with problems listed
    expect(page.get_by_test_id("import-progress")).to_contain_text("处理完成")
    expect(page.get_by_test_id("import-status")).to_have_text("有错误，未导入")
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors).to_contain_text("NOT_AN_ITEM")
    expect(errors).to_contain_text("abc")
    expect(page.get_by_test_id("import-history")).to_contain_text("e2e-results.csv")
    screenshot(page, "workbench-import-errors")
    # and the error report downloads as a CSV with the same rows
    with page.expect_download() as info:
        page.get_by_test_id("import-error-report").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    text = path.read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert any("NOT_AN_ITEM" in cell for row in table for cell in row)
    assert any("abc" in cell for row in table for cell in row)
    # the upload is the one provoked 400? no: a rejected import is a 201 with its report
    assert_no_console_errors(page)


def test_an_administrator_edits_a_rule_dry_runs_and_publishes_it(base_url, new_page):
    page = new_page()
    _login(page, base_url, "admin1", "/rules")
    page.get_by_test_id("rules-search").fill("THR_TG_HIGH")
    rows = page.get_by_test_id("rules-table").locator("tr.el-table__row")
    expect(rows).to_have_count(1)
    screenshot(page, "workbench-rules")
    rows.first.get_by_role("link", name="THR_TG_HIGH").click()
    expect(page.get_by_test_id("rule-definition")).to_contain_text("2.3")

    # when: the threshold is raised from 2.3 to 2.5 mmol/L as a new draft
    page.get_by_test_id("rule-edit").click()
    definition = page.get_by_test_id("rule-form-definition")
    text = definition.input_value()
    assert '"gte": 2.3' in text
    definition.fill(text.replace('"gte": 2.3', '"gte": 2.5', 1))
    page.get_by_test_id("rule-form-note").fill("E2E：阈值调整为2.5")
    page.get_by_test_id("rule-form-save").click()
    versions = page.get_by_test_id("rule-versions")
    expect(versions).to_contain_text("草稿")
    expect(versions).to_contain_text("E2E：阈值调整为2.5")
    expect(page.get_by_test_id("rule-publish")).to_be_disabled()

    # and dry-runs it: 王志强 (TG 2.35) is no longer flagged
    page.get_by_test_id("rule-dry-run").click()
    report = page.get_by_test_id("dry-run-report")
    expect(report).to_be_visible()
    expect(page.get_by_test_id("dry-run-no-longer")).to_contain_text(re.compile(r"[1-9]"))
    expect(report).to_contain_text("2.35")
    screenshot(page, "workbench-rule-dry-run")

    # then: publishing is allowed and replaces the version in force
    page.get_by_test_id("rule-publish").click()
    page.get_by_role("dialog").get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布，全人群重新筛查已排队")).to_be_visible()
    expect(page.get_by_test_id("rule-detail")).to_contain_text("已发布")
    assert_no_console_errors(page)


def test_dashboard_interfaces_and_administration_render(base_url, new_page):
    page = new_page()
    _login(page, base_url, "head1", "/dashboard")
    expect(page.get_by_test_id("dash-included")).to_contain_text(re.compile(r"[1-9]"))
    expect(page.get_by_test_id("dash-diseases").locator("svg")).to_be_visible()
    indicators = page.get_by_test_id("dash-indicators")
    expect(indicators.locator("svg")).to_be_visible()
    expect(indicators).to_contain_text("收缩压≥140 mmHg")
    screenshot(page, "workbench-dashboard")
    page.get_by_role("menuitem", name="通知发送").click()
    expect(page.get_by_test_id("deliveries")).to_be_visible()
    expect(page.get_by_test_id("resend-all")).to_be_visible()
    screenshot(page, "workbench-notifications")
    assert_no_console_errors(page)

    admin = new_page()
    _login(admin, base_url, "admin1", "/interfaces")
    expect(admin.get_by_test_id("dead-letters")).to_be_visible()
    screenshot(admin, "workbench-interfaces")
    admin.goto(base_url + "/system")
    expect(admin.get_by_test_id("admin-org-tree")).to_contain_text("炼油厂")
    users = admin.get_by_test_id("admin-link-users")
    expect(users).to_have_attribute("href", "/admin/accounts/user/")
    screenshot(admin, "workbench-admin")
    assert_no_console_errors(admin)


def test_a_doctor_confirms_an_alert_dismisses_one_with_a_reason_and_bulk_confirms(
    base_url, new_page
):
    page = new_page()
    _login(page, base_url, "doctor1", "/alerts")
    table = page.get_by_test_id("alerts-table")
    bp = "血压升高（≥ 140/90 mmHg）"
    row = table.locator("tr.el-table__row", has_text="周淑芬").filter(has_text=bp)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("152")
    screenshot(page, "workbench-alerts")
    total_before = int(re.search(r"\d+", page.get_by_test_id("alerts-total").inner_text()).group())

    # when: one click on 确认
    row.get_by_test_id("alert-confirm").click()
    # then: it leaves the queue of alerts to review and shows among the confirmed ones
    expect(page.get_by_text("已确认，将通知本人")).to_be_visible()
    expect(row).to_have_count(0)
    expect(page.get_by_test_id("alerts-total")).to_have_text(f"共 {total_before - 1} 条")

    # when: another alert is dismissed, first without a reason
    first = table.locator("tr.el-table__row").first
    first.get_by_test_id("alert-dismiss").click()
    page.get_by_test_id("alert-dismiss-save").click()
    expect(page.get_by_text("请填写驳回原因")).to_be_visible()
    page.get_by_test_id("alert-reason").fill("复查结果已正常")
    page.get_by_test_id("alert-dismiss-save").click()
    expect(page.locator(".el-message", has_text="已驳回")).to_be_visible()
    expect(page.get_by_test_id("alerts-total")).to_have_text(f"共 {total_before - 2} 条")

    # and two low-severity ones are selected and confirmed together
    page.goto(base_url + "/alerts?severity=low")
    expect(table.locator("tr.el-table__row").first).to_contain_text("低")
    boxes = table.locator("tbody .el-checkbox")
    boxes.nth(0).click()
    boxes.nth(1).click()
    page.get_by_test_id("alerts-bulk-confirm").click()
    expect(page.get_by_text(re.compile(r"已确认 \d+ 条"))).to_be_visible()

    # the confirmed alert shows in 周淑芬's 360° view, reviewed (and notified)
    page.goto(base_url + "/persons?q=zsf")
    page.get_by_role("link", name="周淑芬").click()
    panel = page.get_by_test_id("screening-panel")
    panel.get_by_role("tab", name=re.compile("预警")).click()
    reviewed = panel.get_by_test_id("person-alerts").locator("tr.el-table__row", has_text=bp)
    expect(reviewed).to_contain_text(re.compile("已确认|已通知|已读"))
    assert_no_console_errors(page)


def test_a_health_manager_records_a_follow_up_with_measurements(base_url, new_page):
    page = new_page()
    _login(page, base_url, "manager1", "/followup")
    page.get_by_role("tab", name="全部未完成").click()
    table = page.get_by_test_id("followup-table")
    row = table.locator("tr.el-table__row", has_text="周淑芬").filter(has_text="高血压")
    expect(row).to_have_count(1)
    screenshot(page, "workbench-followup")

    # when: recording a phone contact with today's blood pressure
    row.get_by_test_id("followup-record").click()
    dialog = page.get_by_test_id("followup-dialog")
    expect(dialog).to_contain_text("周淑芬")
    page.get_by_test_id("measure-SBP").fill("138")
    page.get_by_test_id("measure-DBP").fill("86")
    page.get_by_test_id("followup-note").fill("已规律服药，血压控制尚可")
    screenshot(page, "workbench-followup-record")
    page.get_by_test_id("followup-save").click()
    # then: saved, the next task scheduled, the contact listed among the done tasks
    expect(page.get_by_text("已保存随访结果，下次随访已安排")).to_be_visible()
    page.get_by_role("tab", name="已完成").click()
    expect(table.locator("tr.el-table__row", has_text="周淑芬")).not_to_have_count(0)
    # and the measurement is in her record
    page.goto(base_url + "/persons?q=zsf")
    page.get_by_role("link", name="周淑芬").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("随访")
    assert_no_console_errors(page)
