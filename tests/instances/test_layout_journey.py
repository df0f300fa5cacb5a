"""The instance page keeps its controls on screen whatever the engine sends: a 90-character variable name
and an unbroken 5,000-character value wrap inside the table, and a refused save is said where the person
is looking, by the Save button, not in the banner at the top of the page."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from demo_engine.models import ORDER
from tests.conftest import PASSWORD
from tests.engines.cases import INSTANCE
from tests.instances.fake_engine import PROCESS_VARIABLE, fake_engine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "customerShippingAddressVerificationResultFromTheExternalValidationServiceOfTheCarrierXYZ"
assert len(LONG_NAME + "90") == 90
LONG_VARIABLE = {
    **PROCESS_VARIABLE,
    "id": "v-long",
    "name": LONG_NAME + "90",
    "type": "String",
    "value": "A" * 5000,
}
SHOTS = "/tmp/cockpit-layout"


def overflow(page) -> int:
    """How far the page is wider than the window (0: nothing needs a horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and (box["y"] >= 0 and box["y"] + box["height"] <= size["height"])
    )


def test_long_names_and_values_wrap_and_a_refused_save_is_said_by_its_button(
    page, live_server, log_in, make_user
):
    refusal = httpx.Response(
        500,
        json={
            "type": "ProcessEngineException",
            "message": "Cannot set the variable: the instance is being changed",
        },
    )
    overrides = {
        ("POST", "/process-instance"): [INSTANCE],
        ("GET", "/variable-instance"): [PROCESS_VARIABLE, LONG_VARIABLE],
        ("GET", "/variable-instance/v-long"): LONG_VARIABLE,
        ("GET", "/process-definition/order:1:abc/xml"): {"id": "order:1:abc", "bpmn20Xml": ORDER.to_xml()},
        ("PUT", f"/process-instance/pi-1/variables/{LONG_NAME}90"): refusal,
    }
    with fake_engine(overrides):
        make_user("Support", username="sam")
        log_in("sam", PASSWORD)
        page.goto(f"{live_server.url}/e/demo/instances/")
        page.get_by_role("link", name="pi-1").click()
        expect(page).to_have_url(re.compile(r"/instances/pi-1/$"))
        edit = page.get_by_role("button", name=f"Edit {LONG_NAME}90")
        expect(edit).to_be_visible()
        page.screenshot(path=f"{SHOTS}-page.png", full_page=True)
        assert overflow(page) <= 0
        edit.scroll_into_view_if_needed()
        assert in_view(page, edit) and in_view(page, page.get_by_role("button", name=f"Delete {LONG_NAME}90"))

        edit.click()
        page.locator("#variables-body textarea[name=value]").fill("B" * 10)
        page.get_by_role("button", name="Save", exact=True).click()
        refused = page.locator("#variables-body .not-saved")
        expect(refused).to_contain_text("Cannot set the variable: the instance is being changed")
        page.screenshot(path=f"{SHOTS}-refused.png")
        assert in_view(page, refused)
        expect(page.locator("#engine-banner")).to_be_empty()
        expect(page.locator("#variables-body textarea[name=value]")).to_have_value("B" * 10)  # input kept
        assert overflow(page) <= 0


def test_lists_with_unbroken_long_values_stay_as_wide_as_the_window(page, live_server, log_in, make_user):
    from tests.engines.cases import INCIDENT

    overrides = {
        ("POST", "/process-instance"): [INSTANCE, {**INSTANCE, "id": "pi-2", "businessKey": "K" * 5000}],
        ("GET", "/incident"): [INCIDENT, {**INCIDENT, "id": "inc-2", "incidentMessage": "M" * 5000}],
        ("POST", "/process-instance/count"): {"count": 2},
        ("GET", "/incident/count"): {"count": 2},
    }
    with fake_engine(overrides):
        make_user("Operator", username="olivia")
        log_in("olivia", PASSWORD)
        page.goto(f"{live_server.url}/e/demo/instances/")
        expect(page.get_by_role("link", name="pi-2")).to_be_visible()
        page.screenshot(path=f"{SHOTS}-list.png", full_page=True)
        assert overflow(page) <= 0
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()
        expect(page.get_by_text("Payment provider timed out")).to_be_visible()
        page.screenshot(path=f"{SHOTS}-incidents.png", full_page=True)
        assert overflow(page) <= 0


def test_adding_a_variable_with_a_very_long_name_keeps_the_page_as_wide_as_the_window(
    page, live_server, log_in, make_user, engine
):
    name = "longName" + "x" * 314
    assert len(name) == 322
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/")
    page.locator("table.engine-table tbody tr a").first.click()
    page.get_by_role("button", name="Add a variable").click()
    adding = page.locator("#variable-add-slot")
    adding.get_by_label("Name", exact=True).fill(name)
    adding.get_by_label("Value", exact=True).fill("v")
    page.get_by_role("button", name="Add", exact=True).click()
    added = page.get_by_role("status").filter(has_text="added.")
    expect(added).to_contain_text(name[:40])
    page.screenshot(path=f"{SHOTS}-long-name-added.png", full_page=True)
    assert overflow(page) <= 0
