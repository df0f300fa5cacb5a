"""In headless Chromium, with a real worker: find instances by a variable, sort, page, select some,
suspend them, and see them suspended."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
INSTANCES = 400


def test_an_operator_finds_instances_by_a_variable_and_suspends_a_selection(
    page, live_server, log_in, make_user, workers
):
    workers.start("journey")
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/")

    page.get_by_text("Add filter").click()
    page.get_by_label("Process (key)").select_option("order")
    page.get_by_label("Variable name", exact=True).last.fill("amount")
    page.get_by_label("Comparison").last.select_option("gt")
    page.get_by_label("Value type").last.select_option("number")
    page.get_by_label("Variable value", exact=True).last.fill("2500")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"var_name=amount.*var_value=2500"))
    expect(page.locator("#count")).to_contain_text("matching")

    page.get_by_role("link", name="Business key").click()
    expect(page).to_have_url(re.compile(r"sort=business_key"))
    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pager")).to_contain_text("Rows 51–")

    boxes = page.locator('input[name="ids"]')
    chosen = [boxes.nth(n).get_attribute("value") for n in range(3)]
    for n in range(3):
        boxes.nth(n).check()
    page.get_by_label("Action").select_option("suspend")
    page.get_by_role("button", name="Continue…").click()
    page.get_by_role("button", name="Suspend instances: 3 instances").click()

    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=60_000)
    expect(page.locator("progress")).to_have_attribute("value", "100")

    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={'+'.join(chosen)}")
    for instance_id in chosen:
        expect(page.get_by_role("row", name=re.compile(instance_id))).to_contain_text("suspended")
    assert page.policy_violations == []
