"""The instance page in headless Chromium: an operator diagnoses and repairs an instance without leaving
it, the diagram follows, and markup in engine data stays text."""

import json
import re

import pytest
from playwright.sync_api import expect

from engines.variables import TypedValue, VariableType
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 200


def marked(page, activity_id: str, marker: str):
    return page.locator(f'#diagram .djs-element.{marker}[data-element-id="{activity_id}"]')


def test_an_operator_reads_the_stack_trace_edits_a_json_variable_and_retries_the_incident(
    page, live_server, log_in, make_user, engine
):
    [incident] = engine.list_incidents(activity_id="charge", incident_message_like="%timed out%", limit=1)
    instance_id = incident.process_instance_id
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)

    # From the list, by a click on the instance's row, to its page.
    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={instance_id}")
    page.get_by_role("row", name=re.compile(instance_id)).get_by_text("Order to delivery").click()
    expect(page).to_have_url(re.compile(rf"/instances/{instance_id}/$"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    expect(marked(page, "charge", "has-incident")).to_have_count(1)
    expect(marked(page, "pack", "active")).to_have_count(1)
    expect(marked(page, "check_stock", "taken")).to_have_count(1)

    tabs = page.get_by_role("navigation", name="Instance details")
    tabs.get_by_role("link", name="Incidents").click()
    expect(page).to_have_url(re.compile(r"/incidents/$"))
    page.get_by_role("button", name="Show stack trace").click()
    expect(page.get_by_label("Stack trace")).to_contain_text(
        "java.net.SocketTimeoutException: Read timed out"
    )

    tabs.get_by_role("link", name="Variables").click()
    page.get_by_role("button", name="Edit address").click()
    value = page.locator("#variables-body textarea[name=value]")
    expect(value).to_contain_text('"street"')
    value.fill('{"street": "1 New Road"')  # not yet valid
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Json does not parse")).to_be_visible()
    expect(value).to_have_value('{"street": "1 New Road"')  # what was typed is kept
    value.fill('{"street": "1 New Road", "city": "Shelbyville"}')
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#variables-body")).to_contain_text("Saved.")
    assert json.loads(engine.get_variable(instance_id, "address").value)["city"] == "Shelbyville"

    tabs.get_by_role("link", name="Incidents").click()
    page.get_by_role("button", name=f"Retry incident {incident.id}").click()
    expect(page.get_by_role("status").filter(has_text="the incident is resolved")).to_be_visible()
    # The diagram reads the instance again: no incident, charging done, the join waiting.
    expect(marked(page, "charge", "has-incident")).to_have_count(0)
    expect(marked(page, "join", "active")).to_have_count(1)
    expect(marked(page, "charge", "taken")).to_have_count(1)
    expect(page.locator("#activity-tree")).not_to_contain_text("Charge card")
    expect(page.locator("#instance-facts .incident-flag")).to_have_count(0)  # the header too
    expect(page.get_by_role("button", name=re.compile("^Retry all"))).to_have_count(
        0
    )  # nothing left to retry
    assert page.policy_violations == []


def test_choosing_an_activity_on_the_diagram_narrows_the_tree_and_the_tab(
    page, live_server, log_in, make_user, engine
):
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/{incident.process_instance_id}/incidents/")
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    page.locator('#diagram .djs-element[data-element-id="pack"]').click()
    expect(page).to_have_url(re.compile(r"/incidents/\?activity=pack$"))
    expect(page.locator("#tab-panel")).to_contain_text("No open incidents at this activity.")
    expect(page.locator('.tree-node[data-activity-id="pack"]')).to_have_attribute("aria-pressed", "true")
    expect(marked(page, "pack", "chosen")).to_have_count(1)
    # Choosing it in the tree again lets go of it.
    page.locator('.tree-node[data-activity-id="pack"]').click()
    expect(page).to_have_url(re.compile(r"/incidents/$"))
    expect(page.locator("#tab-panel")).to_contain_text(incident.incident_message)
    assert page.policy_violations == []


def test_markup_in_variable_names_values_and_annotations_never_runs(
    page, live_server, log_in, make_user, engine
):
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    instance_id = incident.process_instance_id
    name = '<img src=x onerror="window.__xss=1">'
    engine.set_variable(instance_id, name, TypedValue(VariableType.STRING, "<script>window.__xss=2</script>"))
    engine.set_variable(
        instance_id, "payload", TypedValue(VariableType.JSON, '{"html": "<svg onload=window.__xss=3>"}')
    )
    engine.set_incident_annotation(incident.id, '<b onmouseover="window.__xss=4">hover</b>')
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)

    page.goto(f"{live_server.url}/e/demo/instances/{instance_id}/")
    expect(page.locator("#variables-body")).to_contain_text(name)
    expect(page.locator("#variables-body")).to_contain_text("<script>window.__xss=2</script>")
    page.get_by_role("button", name=f"Edit {name}").click()  # swapped in by htmx
    expect(page.locator("#variables-body textarea[name=value]")).to_have_value(
        "<script>window.__xss=2</script>"
    )
    page.get_by_role("navigation", name="Instance details").get_by_role("link", name="Incidents").click()
    expect(page.get_by_label(f"Annotation of incident {incident.id}")).to_have_count(
        0
    )  # Support may not annotate
    expect(page.locator("#tab-panel")).to_contain_text('<b onmouseover="window.__xss=4">hover</b>')
    page.locator("#tab-panel td.annotation").first.hover()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#tab-panel img, #tab-panel svg, #tab-panel script, #tab-panel b").count() == 0


def open_from_the_list(page, live_server, instance_id: str, title: str):
    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={instance_id}")
    page.get_by_role("row", name=re.compile(instance_id)).get_by_text(title).click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")


def test_retrying_on_a_suspended_instance_says_the_job_waits_until_the_instance_is_activated(
    page, live_server, log_in, make_user, engine
):
    incident = next(
        i
        for i in engine.list_incidents(activity_id="charge", incident_message_like="%timed out%", limit=50)
        if not engine.get_job(i.job_id).suspended
    )
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    open_from_the_list(page, live_server, incident.process_instance_id, "Order to delivery")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator("#instance-state")).to_have_text("suspended")

    page.get_by_role("navigation", name="Instance details").get_by_role("link", name="Incidents").click()
    expect(page.locator("#tab-panel")).to_contain_text(
        "The instance is suspended: a retry resolves the incident, but the job runs only once the instance"
    )
    page.get_by_role("button", name=f"Retry incident {incident.id}").click()
    outcome = page.locator(".retry-outcome")
    expect(outcome).to_contain_text(
        "incident resolved; the job waits, suspended with its instance, and runs when the instance is"
    )
    expect(outcome).not_to_contain_text("ran again")
    job = engine.get_job(incident.job_id)  # the engine did not run it
    assert (job.suspended, job.retries) == (True, 1)

    page.get_by_role("button", name="Activate").click()
    expect(page.locator("#instance-state")).to_have_text("active")
    assert engine.count_incidents(process_instance_id=incident.process_instance_id) == 0
    assert engine.list_jobs(process_instance_id=incident.process_instance_id) == []  # it ran, and recovered
    assert page.policy_violations == []


def test_a_retry_that_finishes_the_instance_shows_it_ended_without_an_error(
    page, live_server, log_in, make_user, engine
):
    incident = next(
        i
        for i in engine.list_incidents(activity_id="pay_out", incident_message_like="%timed out%", limit=50)
        if not engine.get_job(i.job_id).suspended
        and len(engine.activity_instance_tree(i.process_instance_id).counts_by_activity()) == 1
    )
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    open_from_the_list(page, live_server, incident.process_instance_id, "Loan application")
    expect(marked(page, "pay_out", "has-incident")).to_have_count(1)
    page.get_by_role("navigation", name="Instance details").get_by_role("link", name="Incidents").click()
    page.get_by_role("button", name=f"Retry incident {incident.id}").click()
    expect(page.locator(".retry-outcome")).to_contain_text("the incident is resolved")

    assert engine.get_historic_instance(incident.process_instance_id).state == "COMPLETED"
    expect(page.locator("#instance-state")).to_have_text("completed")
    expect(page.locator("#instance-facts .incident-flag")).to_have_count(0)
    expect(marked(page, "pay_out", "taken")).to_have_count(1)
    expect(marked(page, "pay_out", "has-incident")).to_have_count(0)
    expect(page.locator("#diagram .badge-active")).to_have_count(0)
    expect(page.locator(".diagram-failed")).to_be_hidden()
    expect(page.locator("#activity-tree")).to_contain_text("The instance has ended")
    assert page.policy_violations == []


def test_the_incidents_tab_and_the_diagram_are_laid_out_readably(
    page, live_server, log_in, make_user, engine
):
    [incident] = engine.list_incidents(activity_id="pay_out", limit=1)
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.set_viewport_size({"width": 1440, "height": 1000})
    open_from_the_list(page, live_server, incident.process_instance_id, "Loan application")
    # The whole diagram is in view, its last event ("Done") too.
    frame = page.locator("#diagram").bounding_box()
    done = page.locator('#diagram .djs-element[data-element-id="end"] .djs-visual').bounding_box()
    assert done["x"] + done["width"] <= frame["x"] + frame["width"] - 10
    page.get_by_role("navigation", name="Instance details").get_by_role("link", name="Incidents").click()
    save = page.locator(".annotation-form button").first
    expect(save).to_be_visible()
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.annotation-form button')).lineHeight)"
    )
    assert save.bounding_box()["height"] < 2 * line + 12  # "Save" on one line, not "Sa/ve"
    page.get_by_role("button", name="Show stack trace").first.click()
    expect(page.get_by_label("Stack trace")).to_be_visible()
    assert page.get_by_label("Stack trace").bounding_box()["width"] >= 400


def test_retrying_all_of_an_instances_incidents_keeps_the_tab_bar_and_says_what_happened(
    page, live_server, log_in, make_user, engine
):
    incident = next(
        i
        for i in engine.list_incidents(activity_id="charge", incident_message_like="%timed out%", limit=50)
        if not engine.get_job(i.job_id).suspended
        and engine.count_incidents(process_instance_id=i.process_instance_id) == 1
    )
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    open_from_the_list(page, live_server, incident.process_instance_id, "Order to delivery")
    tabs = page.get_by_role("navigation", name="Instance details")
    tabs.get_by_role("link", name="Incidents").click()
    page.get_by_role("button", name="Retry 1 incident", exact=True).click()

    expect(page.locator("#tab-panel").get_by_role("status")).to_contain_text("1 job retried: 1 recovered")
    expect(page.locator("#tab-panel")).to_contain_text("No incident is open now.")
    expect(tabs.get_by_role("link", name="Variables")).to_be_visible()
    assert engine.count_incidents(process_instance_id=incident.process_instance_id) == 0
    # The tab bar still works after the retry.
    tabs.get_by_role("link", name="Variables").click()
    expect(page.locator("#variables-body")).to_be_visible()
    assert page.policy_violations == []
