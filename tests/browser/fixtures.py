"""Headless Chromium from the distribution, driven by Playwright, against the live test server."""

from pathlib import Path

import pytest

from tests.parts import missing

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.policy_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.policy_violations.append(message.text)
        ),
    )
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    def log_in_as(username, password):
        page.goto(f"{live_server.url}/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    return log_in_as
