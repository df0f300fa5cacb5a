"""In headless Chromium: an operator opens a process from the list, suspends a job definition with its
jobs, activates it again, and retries the failed jobs of another; the engine has each change."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


def test_an_operator_suspends_a_job_definition_with_its_jobs_and_retries_failed_jobs(
    page, live_server, log_in, make_user, engine
):
    [definition] = engine.list_definitions(key="loan", latest_version=True, tenant_ids=())[:1]
    timer, payout = (f"{kind}:{definition.id}:{activity}" for kind, activity in
                     (("timer", "cooling_off"), ("async-continuation", "pay_out")))  # fmt: skip
    failed = engine.count_jobs(job_definition_id=payout, no_retries_left=True)
    make_user("Operator", username="oskar")
    log_in("oskar", PASSWORD)

    page.goto(f"{live_server.url}/e/demo/processes/")
    page.get_by_role("link", name="Loan application").first.click()
    expect(page).to_have_url(re.compile(re.escape(definition.id)))
    cooling = page.locator("tr.job-definition").filter(has_text="Cooling-off period over")
    expect(cooling.locator(".state")).to_have_text("active")

    cooling.locator("form").filter(has=page.get_by_role("button", name="Suspend")).get_by_label(
        "its jobs too"
    ).check()
    cooling.get_by_role("button", name="Suspend").click()
    expect(page.get_by_role("status").filter(has_text="is suspended now with its jobs.")).to_be_visible()
    expect(cooling.locator(".state")).to_have_text("suspended")
    assert engine.get_job_definition(timer).suspended
    assert all(job.suspended for job in engine.list_jobs(job_definition_id=timer))

    cooling.get_by_role("button", name="Activate").click()
    expect(cooling.locator(".state")).to_have_text("active")
    assert not engine.get_job_definition(timer).suspended

    paying = page.locator("tr.job-definition").filter(has_text="Pay out")
    paying.get_by_role("button", name=f"Retry {failed} failed job").click()
    expect(page.get_by_role("status").filter(has_text=f"{failed} failed job")).to_contain_text("retried")
    left = engine.count_jobs(job_definition_id=payout, no_retries_left=True)
    expect(paying.locator(".failed-jobs")).to_have_text(str(left))
    assert page.policy_violations == []
