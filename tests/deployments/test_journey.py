"""Deployments in headless Chromium: from the header to a diagram and definitions, and a deletion."""

import pytest
from playwright.sync_api import expect

from engines.errors import NotFound
from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 200


def test_an_admin_deletes_a_deployment_with_its_running_instances(
    page, live_server, log_in, make_user, engine
):
    [definition] = [d for d in engine.list_definitions(key="order") if d.version == 1]
    deployment = engine.get_deployment(definition.deployment_id)
    running = engine.count_instances(ProcessInstanceQuery(process_definition_id=definition.id))
    assert running > 1
    make_user("Admin", username="ada")
    log_in("ada", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deployments").click()
    page.get_by_role("link", name=deployment.name, exact=True).click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator('#diagram .djs-element[data-element-id="ship"]')).to_be_visible()
    expect(page.get_by_role("link", name="Order to delivery")).to_be_visible()

    page.get_by_role("button", name="Delete the deployment…").click()
    expect(page.locator("#deletion-count")).to_contain_text(f"{running} running instances")
    page.get_by_label("Cascade").check()
    page.get_by_role("button", name="Delete the deployment").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Deployment {deployment.name} deleted, with its {running} running instances."
    )
    with pytest.raises(NotFound):
        engine.get_deployment(deployment.id)
    assert engine.count_instances(ProcessInstanceQuery(process_definition_id=definition.id)) == 0
    assert page.policy_violations == []


def test_a_viewer_sees_a_deployment_but_no_way_to_delete_it(page, live_server, log_in, make_user, engine):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deployments").click()
    page.get_by_role("link", name="demo-3", exact=True).click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    expect(page.get_by_role("link", name="Loan application")).to_be_visible()
    expect(page.get_by_text("Delete the deployment")).to_have_count(0)
