"""A definition's page in headless Chromium: the diagram's counts, and the instances waiting there."""

import re

import pytest
from playwright.sync_api import expect

from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 200


def test_clicking_an_activity_lists_the_instances_waiting_there(page, live_server, log_in, make_user, engine):
    [definition] = engine.list_definitions(key="order", latest_version=True)
    waiting = engine.count_instances(
        ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("ship",))
    )
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/processes/")
    page.get_by_role("link", name="Order to delivery").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    badge = page.locator(".djs-overlay-container [data-container-id='ship'] .badge-active")
    expect(badge).to_have_text(str(waiting))

    page.locator('#diagram .djs-element[data-element-id="ship"]').click()
    expect(page).to_have_url(re.compile(r"\?activity=ship$"))
    expect(page.locator("#definition-instances")).to_contain_text("Waiting in Ship goods.")
    expect(page.locator("#definition-instances tbody tr")).to_have_count(min(waiting, 50))
    assert page.policy_violations == []
