"""In headless Chromium against real Camunda 7.24: an operator migrates version 1's instances to
version 2 (at once, and as an engine batch) and restarts cancelled instances, by the pages' links and
buttons; a team lead reads both in the audit log. The results are checked through the engine's REST API.

Each test deploys a process of its own (the demo engine's order under another key), so the seeded
instances other modules share are left alone.
"""

import dataclasses
import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from demo_engine.models import ORDER
from realengines.bpmn import executable_xml
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def patient(page):
    """Each page waits on a real engine here, on a loaded machine: allow more than the usual seconds."""
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def rest(on_camunda7):
    with on_camunda7.http() as http:
        yield http


def deploy(rest, key: str, name: str, versions: int = 1) -> list[str]:
    """The order process under a key of the test's own, deployed `versions` times: ids by version."""
    xml = executable_xml(dataclasses.replace(ORDER, key=key, name=name), "camunda")
    for _ in range(versions):
        # POST /deployment/create
        files = {f"{key}.bpmn": (f"{key}.bpmn", xml, "application/octet-stream")}
        rest.post("/deployment/create", data={"deployment-name": key}, files=files).raise_for_status()
    # GET /process-definition
    found = rest.get("/process-definition", params={"key": key, "sortBy": "version", "sortOrder": "asc"})
    return [d["id"] for d in found.json()]


def start(rest, definition_id: str, **variables) -> dict:
    """A new instance waiting at Check stock, with these String variables."""
    business_key = f"JOURNEY-{next(_numbers)}"
    # POST /process-definition/{id}/start
    answer = rest.post(
        f"/process-definition/{definition_id}/start",
        json={
            "businessKey": business_key,
            "variables": {n: {"value": v, "type": "String"} for n, v in variables.items()},
        },
    )
    answer.raise_for_status()
    return answer.json()


def running(rest, **params) -> list[dict]:
    # GET /process-instance
    return rest.get("/process-instance", params={"maxResults": 100, **params}).json()


def waiting_at(rest, instance_id: str) -> list[str]:
    # GET /process-instance/{id}/activity-instances
    tree = rest.get(f"/process-instance/{instance_id}/activity-instances").json()
    return sorted(child["activityId"] for child in tree["childActivityInstances"])


def values(rest, instance_id: str) -> dict:
    # GET /process-instance/{id}/variables
    return {n: v["value"] for n, v in rest.get(f"/process-instance/{instance_id}/variables").json().items()}


def open_the_wizard(page, live_server, process: str) -> None:
    """From the processes page to version 1's definition page, and its Migrate button."""
    page.goto(f"{live_server.url}/e/demo/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Processes").click()
    page.get_by_role("link", name=process).click()
    page.get_by_role("navigation", name="Versions").get_by_role("link", name="v1").click()
    page.get_by_role("button", name="Migrate instances…").click()


def pick(page, source: str, target: str) -> None:
    """A mapping by clicking a source activity, then a target activity, on the two diagrams."""
    expect(page.locator("#source-diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator("#target-diagram")).to_have_attribute("data-ready", "true")
    page.locator(f'#source-diagram .djs-element[data-element-id="{source}"]').click()
    expect(page.get_by_label("Source activity")).to_have_value(source)
    page.locator(f'#target-diagram .djs-element[data-element-id="{target}"]').click()
    expect(page.get_by_label("Target activity")).to_have_value(target)
    page.get_by_role("button", name="Add the mapping").click()


def plan_check_stock_onto_pack(page, rest, ids: list[str], v1: str) -> None:
    """The generated plan on both diagrams; a refused mapping first (nothing changes), then Pack goods."""
    source, target = page.locator("#source-diagram"), page.locator("#target-diagram")
    expect(source).to_have_attribute("data-ready", "true")
    expect(target).to_have_attribute("data-ready", "true")
    expect(source.locator('.djs-element.mapped[data-element-id="check_stock"]')).to_have_count(1)
    expect(target.locator('.djs-element.mapped[data-element-id="check_stock"]')).to_have_count(1)
    expect(page.locator('li.instruction[data-source="ship"]')).to_contain_text("Ship goods")

    page.get_by_role("button", name="Remove the mapping of Check stock").click()
    pick(page, "check_stock", "charge")
    page.get_by_role("button", name="Validate the plan").click()
    refused = page.locator('li.instruction[data-source="check_stock"]')
    expect(refused).to_contain_text("Check stock is a user task and Charge card a service task")
    expect(page.locator("#validation-report")).to_contain_text("The engine refuses the plan")
    expect(page.get_by_role("button", name=re.compile(r"^Migrate \d+ instance"))).to_have_count(0)
    for instance_id in ids:  # the validation changed nothing
        assert rest.get(f"/process-instance/{instance_id}").json()["definitionId"] == v1
        assert waiting_at(rest, instance_id) == ["check_stock"]

    page.get_by_role("button", name="Remove the mapping of Check stock").click()
    pick(page, "check_stock", "pack")
    expect(page.locator('li.instruction[data-source="check_stock"]')).to_contain_text(
        "Check stock (check_stock) → Pack goods (pack)"
    )


@pytest.fixture
def team_lead(browser, live_server, make_user):
    """A team lead in a browser of their own: reads() opens the audit log from the menu."""
    make_user("Admin", username="lee")
    context = browser.new_context()

    def reads() -> Page:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{live_server.url}/")
        page.get_by_label("User name").fill("lee")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
        return page

    yield reads
    context.close()


def test_an_operator_migrates_version_1_to_2_with_one_mapping_clicked_on_the_diagrams(
    page, live_server, log_in, make_user, rest, team_lead
):
    v1, v2 = deploy(rest, "journey_migrate", "Journey: migrate at once", versions=2)
    ids = [start(rest, v1)["id"] for _ in range(3)]
    other = start(rest, v2)["id"]  # already on version 2: not one of those migrated
    make_user("Operator", username="olga")
    log_in("olga", PASSWORD)

    open_the_wizard(page, live_server, "Journey: migrate at once")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Migrate 3 instances of Journey: migrate at once v1"
    )
    expect(page.get_by_label("Migrate to")).to_have_value(v2)
    plan_check_stock_onto_pack(page, rest, ids, v1)
    page.get_by_role("button", name="Validate the plan").click()
    expect(page.locator("#validation-report")).to_have_text(
        "The engine accepts the plan: every instruction is valid."
    )
    expect(page.locator(".confirm .acts-on")).to_contain_text(
        "Migrates the instances matching: Process Journey: migrate at once version 1, 3 instances now, "
        "to Journey: migrate at once v2."
    )
    page.get_by_role("button", name="Migrate 3 instances to v2").click()

    expect(page.get_by_text("3 instances migrated to Journey: migrate at once v2.")).to_be_visible()
    assert running(rest, processDefinitionId=v1) == []
    assert {i["id"] for i in running(rest, processDefinitionId=v2)} == {*ids, other}
    for instance_id in ids:
        assert waiting_at(rest, instance_id) == ["pack"]
    assert waiting_at(rest, other) == ["check_stock"]
    assert page.policy_violations == []

    lead = team_lead()
    entry = lead.get_by_role("row").filter(has_text="migrated instances to").first
    expect(entry).to_contain_text("olga migrated instances to Journey: migrate at once v2")
    entry.get_by_text("Show").click()
    expect(entry).to_contain_text("the instances matching: Process Journey: migrate at once version 1")
    expect(entry).to_contain_text("Check stock → Pack goods")


@pytest.mark.celery
def test_an_operator_migrates_as_an_engine_batch_and_follows_it_on_the_batches_page(
    page, live_server, log_in, make_user, rest, team_lead, camunda_workers
):
    camunda_workers.start("migrate")
    v1, v2 = deploy(rest, "journey_batch", "Journey: migrate as a batch", versions=2)
    ids = [start(rest, v1)["id"] for _ in range(4)]
    make_user("Operator", username="olga")
    log_in("olga", PASSWORD)

    open_the_wizard(page, live_server, "Journey: migrate as a batch")
    plan_check_stock_onto_pack(page, rest, ids, v1)
    page.get_by_label("As an engine batch (followed on the Batches page)").check()
    page.get_by_role("button", name="Validate the plan").click()
    expect(page.locator("#validation-report")).to_have_text(
        "The engine accepts the plan: every instruction is valid."
    )
    page.get_by_role("button", name="Migrate 4 instances to v2").click()
    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=120_000)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Batches").click()
    row = page.get_by_role("row").filter(has_text="Migrate instances to another version").first
    expect(row).to_contain_text("completed")
    expect(row).to_contain_text("olga")
    assert running(rest, processDefinitionId=v1) == []
    assert {i["id"] for i in running(rest, processDefinitionId=v2)} == set(ids)
    for instance_id in ids:
        assert waiting_at(rest, instance_id) == ["pack"]
    assert page.policy_violations == []

    lead = team_lead()
    entry = lead.get_by_role("row").filter(has_text="started the operation").first
    expect(entry).to_contain_text("olga started the operation “migrate”")
    entry.get_by_text("Show").click()
    expect(entry).to_contain_text("the instances matching: Process Journey: migrate as a batch version 1")
    expect(entry).to_contain_text("Check stock → Pack goods")


def test_an_operator_restarts_three_cancelled_instances_before_an_activity_with_their_initial_variables(
    page, live_server, log_in, make_user, rest, team_lead
):
    [definition] = deploy(rest, "journey_restart", "Journey: restart")
    started = [start(rest, definition, customer=f"Customer {n}", note="as started") for n in range(4)]
    for instance in started:
        # PUT /process-instance/{id}/variables/{name}: the last value differs from the initial one
        rest.put(
            f"/process-instance/{instance['id']}/variables/note", json={"value": "changed", "type": "String"}
        ).raise_for_status()
        # DELETE /process-instance/{id}
        rest.delete(f"/process-instance/{instance['id']}").raise_for_status()
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)

    page.goto(f"{live_server.url}/e/demo/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    page.get_by_role("navigation", name="Running or finished").get_by_role("link", name="Finished").click()
    page.get_by_text("Add filter").click()
    page.get_by_label("Process (key)").select_option("journey_restart")
    page.get_by_label("State").select_option(label="Cancelled (externally terminated)")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#count")).to_have_text("4 matching")
    boxes = page.locator("table.engine-table tbody input[name=ids]")
    chosen = [boxes.nth(n).get_attribute("value") for n in range(3)]
    for n in range(3):
        boxes.nth(n).check()
    page.get_by_label("Action").select_option("restart")
    page.get_by_label("Which instances").select_option("selected")
    page.get_by_role("button", name="Continue…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Restart finished instances: 3 instances")
    expect(page.locator(".acts-on")).to_have_text("Acts on the 3 selected instances.")
    keys = {i["id"]: i["businessKey"] for i in started}
    preview = page.locator("table.preview")
    for instance_id in chosen:
        expect(preview).to_contain_text(instance_id)
        expect(preview).to_contain_text(keys[instance_id])
    assert running(rest, processDefinitionKey="journey_restart") == []  # nothing yet
    page.get_by_label("Start the new instances").select_option(label="Before Check stock")
    page.get_by_role("combobox", name=re.compile(r"^With\b")).select_option(label="Their initial variables")
    page.get_by_role("button", name="Restart finished instances: 3 instances").click()

    expect(page.locator("#messages")).to_contain_text("Restarted 3 instances as new instances of")
    new = running(rest, processDefinitionKey="journey_restart")
    assert sorted(i["businessKey"] for i in new) == sorted(keys[i] for i in chosen)
    customers = {i["businessKey"]: f"Customer {n}" for n, i in enumerate(started)}
    for instance in new:
        assert instance["id"] not in keys
        assert waiting_at(rest, instance["id"]) == ["check_stock"]
        assert values(rest, instance["id"]) == {
            "customer": customers[instance["businessKey"]],
            "note": "as started",
        }
    assert page.policy_violations == []

    lead = team_lead()
    entry = lead.get_by_role("row").filter(has_text="restarted instances of").first
    expect(entry).to_contain_text("olivia restarted instances of Journey: restart v1")
    entry.get_by_text("Show").click()
    expect(entry).to_contain_text("3 selected instance(s)")
    expect(entry).to_contain_text("before Check stock, with their initial variables and business keys")
