"""In headless Chromium against a real Flowable 7.2 beside a Camunda-API engine: an operator switches
engines with the selector and works on a Flowable instance by the page's own links and buttons; the
results are checked in the engine."""

import re

import pytest
from playwright.sync_api import expect

from engines.variables import VariableType
from tests.conftest import PASSWORD
from tests.real_engines.test_journeys_on_camunda7 import edit, patient, tab  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSTANCES = 20  # the demo engine beside Flowable: only its dashboard is opened


def test_an_operator_switches_to_flowable_finds_an_instance_and_edits_its_variables(
    page, live_server, log_in, make_user, on_demo, on_flowable, flowable_client
):
    instance = on_flowable.seeded.of_shape("ship", key="order")[0]
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    expect(page).to_have_url(re.compile(r"/e/demo/$"))

    page.locator("#engine-selector summary").click()
    page.locator("#engine-selector").get_by_role("link", name="Flowable 7.2").click()
    expect(page).to_have_url(re.compile(r"/e/flowable/$"))
    expect(page.locator("#engine-selector summary")).to_have_text("Engine: Flowable 7.2")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    page.get_by_text("Filters").click()
    page.get_by_label("Business key", exact=True).fill(instance.business_key)
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row", name=re.compile(instance.business_key))
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(instance.id[:8])).first.click()
    expect(page).to_have_url(re.compile(rf"/e/flowable/instances/{instance.id}/$"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    # The token, from Flowable's executions, on the diagram.
    expect(page.locator('#diagram .djs-element.active[data-element-id="ship"]')).to_have_count(1)

    tab(page, "Variables")
    expect(page.locator("#variables-body")).to_contain_text("customer")
    edit(page, "customer", value="Katherine Johnson")
    edit(page, "amount", value="1234")
    edit(page, "dueDate", value="2026-12-24T18:30:00.000")
    edit(page, "address", value='{"street": "1 New Road", "city": "Shelbyville"}')
    values = flowable_client.instance_variables(instance.id)
    assert values["customer"].value == "Katherine Johnson"
    assert (values["amount"].type, values["amount"].value) == (VariableType.INTEGER, 1234)
    assert values["dueDate"].value.isoformat().startswith("2026-12-24T18:30")
    assert values["address"].type == VariableType.JSON and "Shelbyville" in values["address"].value

    tab(page, "History")
    expect(page.locator("#tab-panel")).to_contain_text("Flowable 7.2 keeps no log of user operations")
    expect(page.locator("#tab-panel")).to_contain_text("Check stock")
