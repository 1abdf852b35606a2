"""The built front end passes the Content-Security-Policy: no violation on the workbench and
portal pages (log-in, main screens), and the policy header is really sent."""

import re

from playwright.sync_api import Page, expect

from e2e.pages import PHONE, log_in

# Report every violation into window.__csp (and the console errors are collected as well).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
WORKBENCH = ["/", "/persons", "/alerts", "/followup", "/notifications", "/registers",
             "/imports", "/rules", "/dashboard", "/interfaces"]  # fmt: skip
PORTAL = ["/h5/", "/h5/risk", "/h5/messages", "/h5/questionnaires", "/h5/followups",
          "/h5/access-log", "/h5/me"]  # fmt: skip


def _violations(page: Page) -> list[str]:
    recorded = page.evaluate("window.__csp || []")
    console = [e for e in page.problems.entries if "Content Security Policy" in e]  # type: ignore[attr-defined]
    return recorded + console


def _visit(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_the_workbench_logs_no_csp_violation(base_url, new_page):
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(base_url + "/login")
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert _violations(page) == []
    log_in(page, "head1")
    seen = []
    for path in WORKBENCH:
        _visit(page, base_url + path)
        seen += [f"{path}: {v}" for v in _violations(page)]
    assert seen == []


def test_the_portal_logs_no_csp_violation(base_url, new_page):
    page = new_page(**PHONE)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(base_url + "/h5/")
    expect(page).to_have_url(re.compile(r"/h5/login$"))
    assert _violations(page) == []
    log_in(page, "employee1")
    seen = []
    for path in PORTAL:
        _visit(page, base_url + path)
        seen += [f"{path}: {v}" for v in _violations(page)]
    assert seen == []
