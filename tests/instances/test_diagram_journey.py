"""The diagram in headless Chromium: fitted to the process, sized by its shape, zoomable, its badges
clear of the labels, and a call activity leading to what it called and back."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120
SIZES = [(1440, 900), (1024, 768)]

# Scripts of other features draw on a diagram once it is ready: record what the page announces.
LISTEN = """
window.__ready = [];
document.addEventListener("cockpit:diagram-ready", (event) => {
  const { viewer, container } = event.detail;
  window.__ready.push({ id: container.id, shapes: viewer.get("elementRegistry").getAll().length });
});
"""


def open_instance(page, live_server, instance_id: str, title: str):
    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={instance_id}")
    page.get_by_role("row", name=re.compile(instance_id)).get_by_text(title).click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")


def test_a_drawn_diagram_announces_its_viewer_to_other_scripts(page, live_server, log_in, make_user, engine):
    [incident] = engine.list_incidents(activity_id="pay_out", limit=1)
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.add_init_script(LISTEN)
    open_instance(page, live_server, incident.process_instance_id, "Loan application")
    ready = page.evaluate("window.__ready")
    assert len(ready) == 1 and ready[0]["id"] == "diagram" and ready[0]["shapes"] > 10
