"""In headless Chromium: an id is copied from where it stands. Its copy control shows when the pointer
is over it or the keyboard reaches it, not on every row at once."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 40


def opacity(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).opacity")


def test_a_copy_control_shows_on_hover_and_on_keyboard_focus_only(
    page, live_server, log_in, make_user, on_demo
):
    make_user("Viewer", username="vera")
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    # Newest first, the list may open on a called credit check, which has no variables of its own:
    # the user opens the newest order, whose variables are its own.
    page.locator("table tbody tr").filter(has_text="Order to delivery").first.get_by_role(
        "link"
    ).first.click()
    expect(page).to_have_url(re.compile(r"/instances/[^/]+/$"))
    page.mouse.move(0, 0)

    names = page.locator("table.variables td.variable-name-cell")
    expect(names.first).to_be_visible()
    first, second = names.nth(0), names.nth(1)
    control = first.get_by_role("button", name="Copy the name")
    assert opacity(control) == "0" and opacity(second.get_by_role("button", name="Copy the name")) == "0"

    first.hover()
    assert opacity(control) == "1"
    assert opacity(second.get_by_role("button", name="Copy the name")) == "0"

    page.mouse.move(0, 0)
    assert opacity(control) == "0"
    control.focus()  # reached by the keyboard, it shows without a pointer
    assert opacity(control) == "1"
