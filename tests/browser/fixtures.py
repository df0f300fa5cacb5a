"""Headless Chromium from the distribution, driven by Playwright, against the live test server.

Every page a journey loads is checked by axe-core (from the npm lock file) once it has loaded; a
serious or critical accessibility violation on any of them fails the journey that met it.
"""

import json
from pathlib import Path

import pytest

from tests.parts import missing

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Reported through the console because the page may be gone (navigated on) before a test could ask.
AXE_ON_LOAD = """
window.addEventListener("load", () => {
  window.axe.run(document, {resultTypes: ["violations"]}).then((result) => {
    const grave = result.violations
      .filter((rule) => rule.impact === "serious" || rule.impact === "critical")
      .map((rule) => ({rule: rule.id, impact: rule.impact, help: rule.help,
                       where: rule.nodes.slice(0, 3).map((node) => node.target.join(" "))}));
    console.log("axe-core " + JSON.stringify({page: location.pathname, violations: grave}));
  });
});
"""
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


def _accessibility_checked(context) -> list[dict]:
    """Runs axe-core on every page the context loads; the serious and critical findings, per page."""
    if not AXE.exists():
        missing(f"{AXE} is missing: `make test` installs it (npm ci)")
    context.add_init_script(path=str(AXE))
    context.add_init_script(script=AXE_ON_LOAD)
    return []


def _heard(page, message, accessibility: list[dict]) -> None:
    text = message.text
    if "Content Security Policy" in text:
        page.policy_violations.append(text)
    elif text.startswith("axe-core "):
        report = json.loads(text.removeprefix("axe-core "))
        for found in report["violations"]:
            finding = {"page": report["page"], **found}
            if finding not in accessibility:  # the same page loaded twice says the same thing twice
                accessibility.append(finding)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    accessibility = _accessibility_checked(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.policy_violations = []
    page.accessibility_violations = accessibility
    page.on("console", lambda message: _heard(page, message, accessibility))
    yield page
    context.close()
    assert accessibility == [], "axe-core found serious or critical accessibility violations:\n" + "\n".join(
        f"  {found['page']}: {found['impact']} {found['rule']} ({found['help']}) at {found['where']}"
        for found in accessibility
    )


@pytest.fixture
def log_in(page, live_server):
    def log_in_as(username, password):
        page.goto(f"{live_server.url}/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    return log_in_as
