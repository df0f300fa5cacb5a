"""The heatmap in headless Chromium: choosing the window changes what is drawn on the diagram."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


def test_choosing_the_window_changes_what_the_heatmap_draws(page, live_server, log_in, make_user, engine):
    order = engine.get_latest_definition("order")
    ran = {row.id: row.finished + row.instances for row in engine.historic_activity_statistics(order.id)}
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/processes/")
    page.get_by_role("link", name="Order to delivery").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    # The seeded history is older than a week: nothing ran in the default window
    expect(page.locator("#heatmap")).to_contain_text("No activity ran in the last 7 days.")
    expect(page.locator("#diagram")).to_have_attribute("data-heatmap", "drawn")
    expect(page.locator("#diagram .heat")).to_have_count(0)

    page.get_by_label("Time window").select_option(label="All the history kept")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/e/demo/processes/{order.id}/?window=all&measure=count")
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    ship = page.locator("#diagram .heat-label[data-heat-activity='ship']")
    expect(ship).to_have_text(f"{ran['ship']:,}")
    drawn = page.locator("#diagram .heat")
    expect(drawn.first).to_be_visible()
    shape = "#diagram .djs-element[data-element-id='{}']"
    on_diagram = [a for a in ran if ran[a] and page.locator(shape.format(a)).count()]
    expect(drawn).to_have_count(len(on_diagram))
    expect(page.locator("#heatmap tr[data-activity='ship'] th")).to_have_text("Ship goods")

    page.get_by_label("How long it took (median)").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#heatmap")).to_contain_text("Coloured by how long each activity took (median)")
    expect(page.locator("#diagram .heat-label[data-heat-activity='ship']")).to_have_text(r"30 s")
    assert page.policy_violations == []
