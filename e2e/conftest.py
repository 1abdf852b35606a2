"""Browser tests: a real server (e2e/server.py) and Debian's Chromium driven by Playwright.

Run with `make e2e` (builds the front end first) or, with frontend/dist built:
    HEALTHLOOP_TESTING=1 .venv/bin/python -m pytest e2e
Screenshots of every main page go to artifacts/screenshots/ (ignored by git).
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from e2e.pages import DESKTOP, PageProblems
from e2e.server import CHROMIUM, CHROMIUM_ARGS, dist_is_built, running_server


@pytest.fixture(scope="session")
def base_url(tmp_path_factory) -> Iterator[str]:
    if not dist_is_built():
        pytest.fail("frontend/dist is not built: run frontend/build.sh (or make e2e)")
    with running_server(tmp_path_factory.mktemp("e2e-var")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """new_page(**context_options) → a page in a fresh context (cold cache, no cookies)."""
    opened = []

    def make(**options) -> Page:
        context = browser.new_context(**{**DESKTOP, **options})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.problems = PageProblems(page)  # type: ignore[attr-defined]
        opened.append(context)
        return page

    yield make
    for context in opened:
        context.close()
