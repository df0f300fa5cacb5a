"""In headless Chromium: an operator finds an overdue timer on an instance, moves its due date, and then
runs it now; the engine has the new due date, then the instance moved on past the timer."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


def test_an_operator_moves_an_overdue_timer_and_then_runs_it_now(
    page, live_server, log_in, make_user, engine, settings
):
    settings.TIME_ZONE = "UTC"
    [instance] = engine.list_instances(
        ProcessInstanceQuery(activity_ids=("cooling_off",), suspended=False), limit=1
    )
    [job] = engine.list_jobs(process_instance_id=instance.id)
    make_user("Operator", username="olga")
    log_in("olga", PASSWORD)

    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={instance.id}")
    page.get_by_role("row", name=re.compile(instance.id)).get_by_text("Loan application").click()
    page.get_by_role("navigation", name="Instance details").get_by_role("link", name="Jobs").click()
    expect(page).to_have_url(re.compile(r"/jobs/$"))
    row = page.locator("tr").filter(has_text=job.id)
    expect(row.locator(".overdue-flag")).to_have_text("overdue")  # the seed's timers are long due
    expect(row.locator(".job-type")).to_have_text("timer-intermediate-transition")

    row.get_by_label("New due date").fill("2030-01-02T03:04")
    row.get_by_role("button", name="Set due date").click()
    expect(page.get_by_role("status").filter(has_text="is due 2030-01-02 03:04 now")).to_be_visible()
    expect(row.locator(".overdue-flag")).to_have_count(0)
    assert engine.get_job(job.id).due_date == datetime(2030, 1, 2, 3, 4, tzinfo=UTC)

    row.get_by_role("button", name=f"Run job {job.id} now").click()
    expect(page.get_by_role("status").filter(has_text=f"Job {job.id} ran.")).to_be_visible()
    expect(page.locator("tr").filter(has_text=job.id)).to_have_count(0)
    tree = engine.activity_instance_tree(instance.id)
    assert "cooling_off" not in {node.activity_id for node in tree.walk()}
    assert page.policy_violations == []
