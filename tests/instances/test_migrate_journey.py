"""Migrating version 1's running instances to version 2 in headless Chromium, checked on the engine."""

import re

import pytest
from playwright.sync_api import expect

from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


def _versions(engine):
    found = {d.version: d.id for d in engine.list_definitions(key="order", limit=10)}
    return found[1], found[2]


def test_an_operator_migrates_version_1_to_2_with_one_manual_mapping(
    page, live_server, log_in, make_user, engine
):
    v1, v2 = _versions(engine)
    running = engine.list_instances(ProcessInstanceQuery(process_definition_id=v1), limit=200)
    in_check_stock = {
        i.id
        for i in engine.list_instances(
            ProcessInstanceQuery(process_definition_id=v1, activity_ids=("check_stock",))
        )
    }
    assert 0 < len(running) <= 50 and in_check_stock
    make_user("Operator", username="olga")
    log_in("olga", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/processes/")
    page.get_by_role("link", name="Order to delivery").click()
    page.get_by_role("navigation", name="Versions").get_by_role("link", name="v1").click()
    page.get_by_role("button", name="Migrate instances…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Migrate {len(running)} instances of Order to delivery v1"
    )
    source, target = page.locator("#source-diagram"), page.locator("#target-diagram")
    expect(source).to_have_attribute("data-ready", "true")
    expect(target).to_have_attribute("data-ready", "true")
    expect(source.locator('.djs-element.mapped[data-element-id="check_stock"]')).to_have_count(1)
    expect(target.locator('.djs-element.mapped[data-element-id="ship"]')).to_have_count(1)

    # A mapping the engine refuses: Check stock onto Charge card, picked on the diagrams.
    page.get_by_role("button", name="Remove the mapping of Check stock").click()
    expect(page.locator("#source-diagram")).to_have_attribute("data-ready", "true")
    page.locator('#source-diagram .djs-element[data-element-id="check_stock"]').click()
    expect(page.get_by_label("Source activity")).to_have_value("check_stock")
    expect(page.locator("#target-diagram")).to_have_attribute("data-ready", "true")
    page.locator('#target-diagram .djs-element[data-element-id="charge"]').click()
    expect(page.get_by_label("Target activity")).to_have_value("charge")
    page.get_by_role("button", name="Add the mapping").click()
    page.get_by_role("button", name="Validate the plan").click()
    refused = page.locator('li.instruction[data-source="check_stock"]')
    expect(refused).to_contain_text("Check stock is a user task and Charge card a service task")
    expect(page.locator("#validation-report")).to_contain_text("The engine refuses the plan")
    expect(page.get_by_role("button", name=re.compile("^Migrate \\d+ instance"))).to_have_count(0)

    # The one manual mapping: Check stock onto Pack goods, with the dropdowns.
    page.get_by_role("button", name="Remove the mapping of Check stock").click()
    page.get_by_label("Source activity").select_option("check_stock")
    page.get_by_label("Target activity").select_option("pack")
    page.get_by_role("button", name="Add the mapping").click()
    page.get_by_role("button", name="Validate the plan").click()
    expect(page.locator("#validation-report")).to_have_text(
        "The engine accepts the plan: every instruction is valid."
    )
    expect(page.locator(".confirm .acts-on")).to_contain_text(
        f"Migrates the instances matching: Process Order to delivery version 1, {len(running)} "
        "instances now, to Order to delivery v2."
    )
    page.get_by_role("button", name=f"Migrate {len(running)} instances to v2").click()

    expect(page.get_by_text(f"{len(running)} instances migrated to Order to delivery v2.")).to_be_visible()
    assert engine.count_instances(ProcessInstanceQuery(process_definition_id=v1)) == 0
    for instance in running:
        assert engine.get_instance(instance.id).definition_id == v2
    for instance_id in in_check_stock:
        assert engine.activity_instance_tree(instance_id).counts_by_activity() == {"pack": 1}
    assert page.policy_violations == []


def test_support_sees_no_migration_on_the_definition_page(page, live_server, log_in, make_user, on_demo):
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/processes/")
    page.get_by_role("link", name="Order to delivery").click()
    page.get_by_role("navigation", name="Versions").get_by_role("link", name="v1").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    expect(page.get_by_text("Migrate instances…")).to_have_count(0)
