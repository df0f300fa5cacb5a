"""In headless Chromium: small bars keep their parts together (a saved search beside its delete
button, a definition's versions side by side) instead of spread over the whole width."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 100
CLOSE = 48  # px: next to each other, not across the page


def gap(left, right) -> float:
    a, b = left.bounding_box(), right.bounding_box()
    return b["x"] - (a["x"] + a["width"])


def test_saved_searches_and_versions_sit_together(page, live_server, log_in, make_user, on_demo):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    for name in ("orders", "loans"):
        page.get_by_label("Name of the search").fill(name)
        page.get_by_role("button", name="Save", exact=True).click()
    saved = page.get_by_role("navigation", name="Saved searches")
    first, second = saved.get_by_role("link", name="loans"), saved.get_by_role("link", name="orders")
    assert 0 <= gap(first, saved.get_by_role("button", name="Delete the saved search loans")) < CLOSE
    assert 0 <= gap(saved.get_by_role("button", name="Delete the saved search loans"), second) < CLOSE

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Processes").click()
    page.get_by_role("link", name="Order to delivery").click()
    versions = page.get_by_role("navigation", name="Versions")
    assert 0 <= gap(versions.get_by_role("link", name="v2"), versions.get_by_role("link", name="v1")) < CLOSE
