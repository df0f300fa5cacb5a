"""Where the trouble is going to be, in headless Chromium: from the dashboard's tiles to each view, and
on to the filtered instance list or the instance's jobs tab, clicking what a user clicks."""

import re

import pytest
from playwright.sync_api import expect

from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


def test_from_the_stuck_tile_to_the_list_of_an_activitys_stuck_instances(
    page, live_server, log_in, make_user, engine
):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    tile = page.locator("#tile-stuck")
    expect(tile.locator(".number a")).to_be_visible()
    tile.locator(".number a").click()
    expect(page).to_have_url(f"{live_server.url}/e/demo/trouble/stuck/")
    expect(page.get_by_role("heading", name="Stuck instances")).to_be_visible()
    first = page.locator("table.stuck-activities tbody tr").first
    activity, definition_id = first.get_attribute("data-activity"), first.get_attribute("data-definition")
    stuck = int(first.get_by_role("link", name=re.compile("stuck")).inner_text().split()[0].replace(",", ""))
    waiting = engine.count_instances(
        ProcessInstanceQuery(process_definition_id=definition_id, activity_ids=(activity,))
    )
    # Seeded weeks ago, every instance waiting there is long past its activity's threshold
    assert stuck == waiting > 0

    first.get_by_role("link", name=re.compile("stuck")).click()
    expect(page).to_have_url(re.compile(r"/e/demo/instances/\?.*waiting_since_before="))
    expect(page.get_by_label("Waiting in activity")).to_have_value(activity)
    expect(page.get_by_label("In that activity since before")).not_to_have_value("")
    expect(page.locator("#count")).to_have_text(f"{stuck:,} matching")
    assert page.policy_violations == []


def test_a_stricter_threshold_is_chosen_in_the_form_and_a_negative_factor_is_refused_by_it(
    page, live_server, log_in, make_user, on_demo
):
    make_user("Operator", username="otto")
    log_in("otto", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    tile = page.locator("#tile-stuck")
    expect(tile).not_to_have_attribute("aria-busy", "true")
    tile.locator(".number a").click()
    page.get_by_label("Times the 90th percentile").fill("-3")
    page.get_by_role("button", name="Look again").click()
    expect(page.locator("#factor-error")).to_contain_text("The factor is 1 or more")
    expect(page.locator("table.stuck-activities")).to_have_count(0)
    page.get_by_label("Times the 90th percentile").fill("1")
    page.get_by_label("But at least (minutes)").fill("525600")
    page.get_by_role("button", name="Look again").click()
    expect(page.locator("#stuck-count")).to_have_text("0 stuck waits")
    assert page.policy_violations == []


def test_from_the_jobs_retrying_tile_to_the_jobs_tab_of_the_instance(
    page, live_server, log_in, make_user, engine
):
    job = next(
        j for j in engine.list_jobs(no_retries_left=True, limit=50) if j.failed_activity_id == "charge"
    )
    engine.set_instance_suspended(job.process_instance_id, suspended=True)
    engine.set_job_retries(job.id, 2)
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    tile = page.locator("#tile-jobs-retrying")
    expect(tile.locator(".number a")).to_have_text("1")
    tile.locator(".number a").click()
    expect(page).to_have_url(f"{live_server.url}/e/demo/trouble/jobs-retrying/")
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Charge card")
    expect(row).to_contain_text(job.exception_message)
    row.get_by_role("link", name="jobs tab (retry)").click()
    expect(page).to_have_url(f"{live_server.url}/e/demo/instances/{job.process_instance_id}/jobs/")
    expect(page.locator("#tab-panel")).to_contain_text(job.exception_message)
    assert page.policy_violations == []
