"""In headless Chromium, with a real worker: from the dashboard's incident count to retrying that group."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
INSTANCES = 300


def test_a_team_lead_drills_from_the_dashboard_to_a_group_and_retries_it(
    page, live_server, log_in, make_user, workers, engine
):
    workers.start("journey")
    timed_out = engine.count_incidents(
        incident_message_like="Payment provider timed out%", activity_id="charge"
    )
    assert timed_out
    make_user("Operator", username="lee")
    log_in("lee", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")

    tile = page.locator("#tile-incidents")
    expect(tile.locator(".number")).to_have_text(str(engine.count_incidents()))
    tile.get_by_role("link", name="Order to delivery").click()  # click one: the groups of that process
    expect(page).to_have_url(re.compile(r"/incidents/\?process=order&group=on$"))
    # Groups are per message, activity and definition version: take the first.
    group = (
        page.get_by_role("row").filter(has_text="Payment provider timed out").filter(has_text="charge").first
    )
    count = int(group.locator("td").first.inner_text())
    assert 0 < count <= timed_out
    group.get_by_role("button", name=re.compile("^Retry all… the")).click()  # click two
    page.get_by_role("button", name=f"Retry incidents: {count} incident" + ("s" if count > 1 else "")).click()

    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=60_000)
    # The provider answers this time: those incidents are gone, the declined cards untouched.
    after = engine.count_incidents(incident_message_like="Payment provider timed out%", activity_id="charge")
    assert after == timed_out - count
    page.goto(f"{live_server.url}/e/demo/incidents/?process=order&group=on")
    expect(page.locator("#results")).to_contain_text("Card declined")
    assert page.policy_violations == []


def test_retrying_a_group_that_fails_again_says_so_instead_of_done(
    page, live_server, log_in, make_user, workers, engine
):
    workers.start("journey")
    make_user("Operator", username="lee")
    log_in("lee", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    page.locator("#tile-incidents").get_by_role("link", name="Order to delivery").click()
    group = page.get_by_role("row").filter(has_text="Card declined").filter(has_text="charge").first
    count = int(group.locator("td").first.inner_text())
    group.get_by_role("button", name=re.compile("^Retry all… the")).click()
    page.get_by_role("button", name=f"Retry incidents: {count} incident" + ("s" if count > 1 else "")).click()

    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=60_000)
    # The cards are declined again: the page says so rather than "done".
    expect(page.locator("#operation-outcome")).to_have_text(
        f"{count} job(s) sent to run again, 0 recovered, {count} failed again."
    )
    expect(page.get_by_role("table").last).to_contain_text("Card declined")
    assert engine.count_incidents(incident_message_like="Card declined%", activity_id="charge") >= count
    assert page.policy_violations == []


def test_a_group_retry_says_which_incidents_are_on_suspended_instances_before_and_after(
    page, live_server, log_in, make_user, workers, engine
):
    # One instance of each "Card declined" group (per process version) is suspended, whichever the lead picks.
    suspended = {}
    for incident in engine.list_incidents(
        incident_message_like="Card declined%", activity_id="charge", limit=500
    ):
        suspended.setdefault(incident.process_definition_id, incident)
    for incident in suspended.values():
        engine.set_instance_suspended(incident.process_instance_id, suspended=True)
    workers.start("journey")
    make_user("Operator", username="lee")
    log_in("lee", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    page.locator("#tile-incidents").get_by_role("link", name="Order to delivery").click()
    group = page.get_by_role("row").filter(has_text="Card declined").filter(has_text="charge").first
    count = int(group.locator("td").first.inner_text())
    assert count > 1
    group.get_by_role("button", name=re.compile("^Retry all… the")).click()
    expect(page.locator("main")).to_contain_text(
        "1 of them is on a suspended instance: a retry resolves that incident, but its job waits"
    )
    page.get_by_role("button", name=f"Retry incidents: {count} incidents").click()

    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=60_000)
    expect(page.locator("#operation-outcome")).to_have_text(
        f"{count} job(s) sent to run again, 0 recovered, {count - 1} failed again, 1 waiting on a suspended"
        " instance."
    )
    waiting = [engine.get_job(i.job_id) for i in suspended.values()]
    assert sorted((job.suspended, job.retries) for job in waiting).count((True, 1)) == 1  # did not run
    assert page.policy_violations == []
