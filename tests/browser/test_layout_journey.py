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
    page.get_by_text("Saved searches").click()  # the bar's menu of them
    saved = page.get_by_role("navigation", name="Saved searches")
    for name in ("orders", "loans"):  # each one's delete button sits right by its name
        link = saved.get_by_role("link", name=name)
        assert 0 <= gap(link, saved.get_by_role("button", name=f"Delete the saved search {name}")) < CLOSE

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Processes").click()
    page.get_by_role("link", name="Order to delivery").click()
    versions = page.get_by_role("navigation", name="Versions")
    assert 0 <= gap(versions.get_by_role("link", name="v2"), versions.get_by_role("link", name="v1")) < CLOSE
