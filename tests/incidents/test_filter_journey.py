"""In headless Chromium, with a real worker: the incident list keeps its filter over pages, and
annotating everything matching says which filter and how many, then annotates exactly those."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
INSTANCES = 1200  # enough incidents for a second page


def test_paging_keeps_the_filter_and_annotating_everything_matching_spares_the_annotated(
    page, live_server, log_in, make_user, workers, engine
):
    workers.start("journey")
    failed_jobs = engine.list_incidents(incident_type="failedJob", limit=500)
    looked_at = {i.id for i in failed_jobs[:10]}
    for incident_id in looked_at:
        engine.set_incident_annotation(incident_id, "looked at")
    others = len(failed_jobs) - len(looked_at)
    assert others > 50
    make_user("Operator", username="lee")
    log_in("lee", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")

    page.locator("#tile-incidents").get_by_role("link", name="failedJob").click()
    page.get_by_label("Group by message").uncheck()
    page.get_by_label("Annotation").select_option("no")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#count")).to_have_text(f"{others} matching")
    page.get_by_role("link", name="Next →").click()

    expect(page.locator(".pager")).to_contain_text(f"Rows 51–{others}")
    assert "%3F" not in page.url and "??" not in page.url
    assert re.search(r"incident_type=failedJob.*annotated=no", page.url)
    expect(page.locator("#count")).to_have_text(f"{others} matching")

    page.get_by_label("Action").select_option("annotate")
    page.get_by_label("Which incidents").select_option("all")
    page.get_by_role("button", name="Continue…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Annotate incidents: {others} incidents")
    expect(page.locator(".acts-on")).to_have_text(
        f"Acts on the incidents matching: Type 'failedJob', not annotated. That is {others} incidents now."
    )
    page.get_by_label("Annotation").fill("checked by lee")
    page.get_by_role("button", name=f"Annotate incidents: {others} incidents").click()

    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=60_000)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("the incidents matching: Type 'failedJob', not annotated")
    after = {i.id: i.annotation for i in engine.list_incidents(incident_type="failedJob", limit=500)}
    assert {after[i] for i in looked_at} == {"looked at"}
    assert sum(1 for note in after.values() if note == "checked by lee") == others
    assert page.policy_violations == []
