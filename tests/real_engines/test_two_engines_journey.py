"""In headless Chromium, with the dashboard configured for a real Camunda 7.24 and a real Flowable 7.2
at once: every page answers on each engine and names it, and a bulk operation started on one, run by a
real Celery worker while the operator works on the other, changes only the first engine's instances.
Both JVMs serve this one module; the results are checked through each engine's own REST API."""

import re

import pytest
from playwright.sync_api import expect

from tests.celery_fixtures import Workers
from tests.conftest import PASSWORD
from tests.real_engines.test_journeys_on_camunda7 import patient  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

CAMUNDA, FLOWABLE = "Camunda 7.24 CE", "Flowable 7.2"  # the engines' labels in the selector
TWINS = 6  # instances this module starts on each engine, with the same business keys on both


@pytest.fixture
def both(on_camunda7, on_flowable):
    """settings.ENGINES: "demo" is the real Camunda 7.24, "flowable" the real Flowable 7.2."""
    return on_camunda7, on_flowable


@pytest.fixture
def both_workers(broker, both):
    """Real Celery workers that know both engines by the names the web process gives them."""
    camunda, flowable = both
    pool = Workers(broker, camunda.rest_url)
    pool.env.update(
        {
            "COCKPIT_ENGINES": "demo,flowable",
            "COCKPIT_ENGINE_DEMO_USER": camunda.username,
            "COCKPIT_ENGINE_DEMO_PASSWORD": camunda.password,
            "COCKPIT_ENGINE_DEMO_LABEL": camunda.config.label,
            "COCKPIT_ENGINE_FLOWABLE_URL": flowable.rest_url,
            "COCKPIT_ENGINE_FLOWABLE_KIND": "flowable",
            "COCKPIT_ENGINE_FLOWABLE_USER": flowable.username,
            "COCKPIT_ENGINE_FLOWABLE_PASSWORD": flowable.password,
            "COCKPIT_ENGINE_FLOWABLE_LABEL": flowable.config.label,
            "COCKPIT_ENGINE_FLOWABLE_READ_TIMEOUT": "30",
        }
    )
    yield pool
    pool.stop_all()


@pytest.fixture(scope="module")
def twins(camunda7_engine, flowable_engine):
    """TWINS order instances started on each engine under the same business keys (TWIN-1…), so one
    filter matches as many on both; no other test touches them."""
    keys = [f"TWIN-{n}" for n in range(1, TWINS + 1)]
    with camunda7_engine.http() as http:
        for key in keys:
            # POST /process-definition/key/{key}/start
            http.post("/process-definition/key/order/start", json={"businessKey": key}).raise_for_status()
    with flowable_engine.http() as http:
        for key in keys:
            # POST /runtime/process-instances
            http.post(
                "/runtime/process-instances", json={"processDefinitionKey": "order", "businessKey": key}
            ).raise_for_status()
    return keys


def camunda_states(engine) -> dict[str, bool]:
    """Business key → suspended, of the twins, as Camunda's REST API answers."""
    with engine.http() as http:
        # GET /process-instance
        found = http.get("/process-instance", params={"businessKeyLike": "TWIN-%"}).json()
    return {each["businessKey"]: each["suspended"] for each in found}


def flowable_states(engine) -> dict[str, bool]:
    """Business key → suspended, of the twins, as Flowable's REST API answers."""
    with engine.http() as http:
        # GET /runtime/process-instances
        found = http.get(
            "/runtime/process-instances", params={"businessKeyLike": "TWIN-%", "size": 100}
        ).json()["data"]
    return {each["businessKey"]: each["suspended"] for each in found}


def switch_to(page, title: str):
    page.locator("#engine-selector summary").click()
    page.locator("#engine-selector").get_by_role("link", name=title).click()
    expect(page.locator("#engine-selector summary")).to_have_text(f"Engine: {title}")


def main_nav(page, name: str):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def walk_every_page(page, title: str):
    """Each page of the engine now chosen answers, says which engine it shows, and shows no error."""
    engine = "demo" if title == CAMUNDA else "flowable"

    def answers(heading: str | re.Pattern):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("#engine-selector summary")).to_have_text(f"Engine: {title}")
        assert f"/e/{engine}/" in page.url or "/audit/" in page.url
        expect(page.locator(".banner-error")).to_have_count(0)

    main_nav(page, "Dashboard")
    answers(title)  # the dashboard is headed by the engine's name
    expect(page.locator("#tile-instances .number")).to_have_text(re.compile(r"\d"))
    main_nav(page, "Processes")
    answers(re.compile("Process"))
    page.get_by_role("link", name="Order to delivery").first.click()
    answers(re.compile("Order to delivery"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    main_nav(page, "Instances")
    answers(re.compile("instances", re.IGNORECASE))
    page.get_by_text("Add filter").click()
    page.get_by_label("Business key", exact=True).fill("TWIN-1")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#count")).to_have_text("1 matching")
    row = page.get_by_role("row", name=re.compile("TWIN-1"))
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/e/{engine}/instances/[^/]+/$"))
    answers(re.compile("Process instance"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator("#instance-facts")).to_contain_text("TWIN-1")
    main_nav(page, "Incidents")
    answers(re.compile("Incidents"))
    main_nav(page, "Batches")
    answers("Batches")
    main_nav(page, "Audit log")
    answers(re.compile("Audit log"))


def test_a_bulk_suspend_on_flowable_leaves_camunda_alone_while_the_operator_works_there(
    page, live_server, log_in, make_user, both, both_workers, twins
):
    camunda, flowable = both
    assert camunda_states(camunda) == {key: False for key in twins}
    assert flowable_states(flowable) == {key: False for key in twins}
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    expect(page.locator("#engine-selector summary")).to_have_text(f"Engine: {CAMUNDA}")
    walk_every_page(page, CAMUNDA)
    switch_to(page, FLOWABLE)
    walk_every_page(page, FLOWABLE)

    # On Flowable: every instance a filter matches is to be suspended.
    main_nav(page, "Instances")
    page.get_by_text("Add filter").click()
    page.get_by_label("Business key like").fill("TWIN-%")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#count")).to_have_text(f"{TWINS} matching")
    page.get_by_label("Action").select_option("suspend")
    page.get_by_label("Which instances").select_option("all")
    page.get_by_role("button", name="Continue…").click()
    expect(page.locator(".acts-on")).to_contain_text("TWIN-%")
    expect(page.locator(".acts-on")).to_contain_text(f"That is {TWINS} instances now.")
    page.get_by_role("button", name=f"Suspend instances: {TWINS} instances").click()
    expect(page).to_have_url(re.compile(r"/e/flowable/batches/"))

    # No worker runs yet: the operation is under way, not done, when the operator turns to Camunda.
    expect(page.locator("#operation-status")).not_to_contain_text("completed")
    switch_to(page, CAMUNDA)
    both_workers.start("twins")
    main_nav(page, "Instances")
    page.get_by_text("Add filter").click()
    page.get_by_label("Business key like").fill("TWIN-%")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#count")).to_have_text(f"{TWINS} matching")
    expect(page.locator("#results")).not_to_contain_text("suspended")
    walk_every_page(page, CAMUNDA)
    main_nav(page, "Batches")
    expect(page.locator("#live")).to_contain_text("Started here")
    expect(page.locator("#live")).not_to_contain_text("Suspend instances")  # it is not Camunda's

    switch_to(page, FLOWABLE)  # the same page, Batches, on Flowable
    row = page.get_by_role("row").filter(has_text="Suspend instances").first
    expect(row).to_contain_text("completed", timeout=120_000)
    expect(row).to_contain_text("olivia")
    row.get_by_role("link", name="Suspend instances").click()
    expect(page.locator("#operation-status")).to_contain_text("completed")
    expect(page.locator("#live")).to_contain_text(f"{TWINS} done of {TWINS}")

    # In the engines themselves: Flowable's twins suspended, Camunda's exactly as before.
    assert flowable_states(flowable) == {key: True for key in twins}
    assert camunda_states(camunda) == {key: False for key in twins}
    main_nav(page, "Audit log")
    entry = page.get_by_role("row").filter(has_text="started the operation").first
    expect(entry).to_contain_text("olivia")
    expect(entry).to_contain_text("flowable")
    assert page.policy_violations == []
