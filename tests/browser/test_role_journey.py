"""In headless Chromium: each role is offered only the actions it may use (the views refuse the rest
anyway). Viewers get no bulk bar, no row selection, no incident actions; Support may set variables on
many instances and nothing else in bulk; Operators get everything."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 300

OFFERED = {
    "Viewer": [],
    "Support": ["Set a variable"],
    "Operator": [
        "Suspend",
        "Activate",
        "Delete",
        "Set job retries",
        "Set a variable",
        "Modify (move tokens)…",
        "Migrate to another version…",
    ],
}


@pytest.mark.parametrize("role", list(OFFERED))
def test_each_role_is_offered_only_what_it_may_do(page, live_server, log_in, make_user, on_demo, role):
    missing = []  # nothing a page asks for is missing (the favicon was, on every page)
    page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    make_user(role, username="someone")
    log_in("someone", PASSWORD)
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Instances").click()
    expect(page.locator("table.engine-table tbody tr").first).to_be_visible()
    bulk = page.locator("#bulk-form")
    if OFFERED[role]:
        expect(bulk.get_by_label("Action").locator("option")).to_have_text(OFFERED[role])
        expect(page.locator('input[name="ids"]').first).to_be_visible()
    else:
        expect(bulk).to_have_count(0)
        expect(page.locator('input[name="ids"]')).to_have_count(0)

    nav.get_by_role("link", name="Incidents").click()
    expect(page.locator("table.engine-table tbody tr").first).to_be_visible()
    may_operate = role == "Operator"
    expect(page.locator("#incident-bulk-form")).to_have_count(1 if may_operate else 0)
    expect(page.locator('input[name="incident_ids"]')).to_have_count(50 if may_operate else 0)
    page.get_by_label("Group by message").check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.incident-groups tbody tr").first).to_be_visible()
    groups = page.locator("table.incident-groups tbody tr").count()
    for control in ("Retry all…", "Annotate all…"):
        expect(page.locator("button", has_text=control)).to_have_count(groups if may_operate else 0)

    page.locator("table.incident-groups tbody tr").first.locator("td a").click()
    page.locator("table.engine-table tbody tr").first.locator("td a code").click()
    expect(page.locator("#tab-panel table.incidents tbody tr").first).to_be_visible()
    retry_all = re.compile(r"^Retry (all \d+ incidents|1 incident)$")  # "Retry 1 incident", not "all 1"
    for control in ("Suspend", "Modify…", "Delete…", retry_all, "Retry incident"):
        buttons = page.get_by_role("button", name=control)
        if may_operate:
            expect(buttons.first).to_be_visible()
        else:
            expect(buttons).to_have_count(0)
    nav.get_by_role("link", name="Instances").click()
    page.get_by_role("link", name="Business key").click()  # orders and loans first: they have variables
    page.locator("table.engine-table tbody tr").first.locator("td a code").click()
    expect(page.locator("table.variables tbody tr").first).to_be_visible()
    may_edit = role != "Viewer"
    for control in ("Add a variable", "Edit ", "Delete "):
        buttons = page.locator("#tab-panel").get_by_role("button", name=control)
        if may_edit:
            expect(buttons.first).to_be_visible()
        else:
            expect(buttons).to_have_count(0)

    nav.get_by_role("link", name="Processes").click()
    page.get_by_role("link", name="Order to delivery").click()
    expect(page.get_by_role("button", name="Suspend the definition")).to_have_count(1 if may_operate else 0)
    assert page.policy_violations == [] and missing == []
