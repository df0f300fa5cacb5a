"""In headless Chromium: a support engineer finds a task nobody picked up, gives it to someone, offers it
to another group and takes one away; the engine has the task so changed, and the diagram counts it."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


def test_support_gives_an_unpicked_task_to_someone_and_changes_who_may_pick_it_up(
    page, live_server, log_in, make_user, engine
):
    from engines.queries import ProcessInstanceQuery

    waiting = engine.list_instances(ProcessInstanceQuery(activity_ids=("review",)), limit=50)
    instance_id, task = next(
        (i.id, t) for i in waiting for t in engine.list_user_tasks(i.id) if t.assignee is None
    )
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)

    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={instance_id}")
    page.get_by_role("row", name=re.compile(instance_id)).get_by_text("Loan application").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator('.diagram-badge.badge-task[title="1 open user task"]')).to_have_count(1)

    page.get_by_role("navigation", name="Instance details").get_by_role("link", name="User tasks").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    row = page.locator("tr.user-task").filter(has_text="Review application")
    expect(row.locator(".unassigned")).to_be_visible()

    row.get_by_label("Assignee").fill("anna")
    row.get_by_role("button", name="Set assignee").click()
    expect(page.get_by_role("status").filter(has_text="Review application given to anna.")).to_be_visible()
    expect(row.locator(".assignee-name")).to_have_text("anna")

    row.get_by_role("textbox", name="New candidate group").fill("risk team")
    row.get_by_role("button", name="Add candidate group").click()
    expect(row.get_by_role("alert")).to_have_text("An id has no spaces in it.")
    expect(row.get_by_role("textbox", name="New candidate group")).to_have_value(
        "risk team"
    )  # what was typed is kept
    row.get_by_role("textbox", name="New candidate group").fill("managers")
    row.get_by_role("button", name="Add candidate group").click()
    expect(page.get_by_role("status").filter(has_text="Group managers may now pick up")).to_be_visible()
    row.get_by_role("button", name="Remove the candidate group credit-officers").click()
    expect(page.get_by_role("status").filter(has_text="no longer may pick up")).to_be_visible()
    expect(row.locator(".candidate-group")).to_have_text(["managers"])

    changed = engine.get_user_task(task.id)
    assert changed.assignee == "anna" and changed.candidate_groups == ("managers",)
    assert page.policy_violations == []
