"""Helpers for the browser tests: problem collection, screenshots, log-in, layout checks."""

import re
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Response, expect

from e2e.seed import E2E_PASSWORD
from e2e.server import ROOT

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}


class PageProblems:
    """Console errors and warnings, uncaught exceptions and failed requests of one page."""

    def __init__(self, page: Page) -> None:
        self.entries: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.entries.append(f"pageerror: {error}"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.entries.append(f"console.{message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.entries.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def unexpected(self, allow: tuple[str, ...] = ()) -> list[str]:
        return [e for e in self.entries if not any(re.search(a, e) for a in allow)]


def assert_no_console_errors(page: Page, *, allow: tuple[str, ...] = ()) -> None:
    problems = page.problems.unexpected(allow)  # type: ignore[attr-defined]
    assert problems == []


def screenshot(page: Page, name: str) -> Path:
    """Full-page PNG in artifacts/screenshots/ (look at them before calling a page done)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_load_state("networkidle")
    # No spinner fading out over the content.
    expect(page.locator(".el-loading-mask, .van-loading")).to_have_count(0)
    # Grow the viewport to the whole page so fixed bars (the portal's tab bar) sit where they
    # do for the user, at the bottom, instead of across the middle of a stitched image.
    viewport = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_timeout(200)
    page.screenshot(path=path)
    if viewport:
        page.set_viewport_size(viewport)
    return path


def log_in(page: Page, username: str) -> None:
    """Log in from the current log-in page and wait until the client has moved on."""
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(E2E_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def assert_fits_width(page: Page, width: int) -> None:
    """Nothing sticks out sideways: readable without horizontal scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
