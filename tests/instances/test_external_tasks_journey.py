"""In headless Chromium: an operator finds an external task out of retries, reads what the worker
reported, gives it retries and frees it from its stale lock; the engine has it so."""

import re

import pytest
from playwright.sync_api import expect

from demo_engine.api.external_tasks import add_external_task
from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


def test_an_operator_reads_the_error_gives_retries_and_unlocks_an_external_task(
    page, live_server, log_in, make_user, engine, demo
):
    [instance] = engine.list_instances(ProcessInstanceQuery(activity_ids=("pay_out",)), limit=1)
    task_id = add_external_task(
        demo.store, instance.id, "pay_out", topic="payout", worker="payer-1",
        lock_expiration="2026-11-22T10:05:00.000+0000", retries=0, error_message="Bank offline",
        error_details="java.io.IOException: bank offline",
    )  # fmt: skip
    make_user("Operator", username="otto")
    log_in("otto", PASSWORD)

    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={instance.id}")
    page.get_by_role("row", name=re.compile(instance.id)).get_by_text("Loan application").click()
    page.get_by_role("navigation", name="Instance details").get_by_role("link", name="External tasks").click()
    expect(page).to_have_url(re.compile(r"/external/$"))
    row = page.locator("tr.external-task").filter(has_text="payout")
    expect(row.locator(".retries")).to_contain_text("out of retries")

    row.get_by_role("button", name="Show error details").click()
    expect(page.get_by_label("Error details")).to_have_text("java.io.IOException: bank offline")

    row.get_by_label("Retries").fill("3")
    row.get_by_role("button", name="Set retries").click()
    expect(page.get_by_role("status").filter(has_text="The payout task has 3 retries now.")).to_be_visible()
    row.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("status").filter(has_text="unlocked")).to_be_visible()
    expect(row.locator(".worker")).to_have_text("not locked")

    task = engine.get_external_task(task_id)
    assert (task.retries, task.worker_id) == (3, None)
    assert page.policy_violations == []
