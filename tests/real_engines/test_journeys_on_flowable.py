"""In headless Chromium against a real Flowable 7.2 beside a Camunda-API engine: an operator, support
staff and a team lead switch engines with the selector and work on Flowable instances by the page's
own links and buttons; the results are checked in the engine."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from engines.variables import VariableType
from tests.celery_fixtures import Workers
from tests.conftest import PASSWORD
from tests.real_engines.test_journeys_on_camunda7 import edit, patient, tab  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSTANCES = 20  # the demo engine beside Flowable: only its dashboard is opened


def to_flowable(page):
    page.locator("#engine-selector summary").click()
    page.locator("#engine-selector").get_by_role("link", name="Flowable 7.2").click()
    expect(page.locator("#engine-selector summary")).to_have_text("Engine: Flowable 7.2")


def open_on_flowable(page, instance):
    """From the Flowable dashboard, through the instance list's filter, to the instance's page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    page.get_by_text("Add filter").click()
    page.get_by_label("Business key", exact=True).fill(instance.business_key)
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row", name=re.compile(instance.business_key))
    row.get_by_role("link", name=re.compile(instance.id[:8])).first.click()
    expect(page).to_have_url(re.compile(rf"/e/flowable/instances/{instance.id}/$"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")


@pytest.fixture
def flowable_workers(broker, on_demo, on_flowable):
    """Real Celery workers that know the Flowable engine by the name the web process gives it."""
    pool = Workers(broker, on_demo.url)
    config = on_flowable.config
    pool.env.update(
        {
            "COCKPIT_ENGINES": "demo,flowable",
            "COCKPIT_ENGINE_FLOWABLE_URL": config.base_url,
            "COCKPIT_ENGINE_FLOWABLE_KIND": "flowable",
            "COCKPIT_ENGINE_FLOWABLE_USER": config.username,
            "COCKPIT_ENGINE_FLOWABLE_PASSWORD": config.password,
            "COCKPIT_ENGINE_FLOWABLE_LABEL": config.label,
            "COCKPIT_ENGINE_FLOWABLE_READ_TIMEOUT": "30",
        }
    )
    yield pool
    pool.stop_all()


def test_an_operator_switches_to_flowable_finds_an_instance_and_edits_its_variables(
    page, live_server, log_in, make_user, on_demo, on_flowable, flowable_client
):
    instance = on_flowable.seeded.of_shape("ship", key="order")[0]
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    expect(page).to_have_url(re.compile(r"/e/demo/$"))

    page.locator("#engine-selector summary").click()
    page.locator("#engine-selector").get_by_role("link", name="Flowable 7.2").click()
    expect(page).to_have_url(re.compile(r"/e/flowable/$"))
    expect(page.locator("#engine-selector summary")).to_have_text("Engine: Flowable 7.2")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    page.get_by_text("Add filter").click()
    page.get_by_label("Business key", exact=True).fill(instance.business_key)
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row", name=re.compile(instance.business_key))
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(instance.id[:8])).first.click()
    expect(page).to_have_url(re.compile(rf"/e/flowable/instances/{instance.id}/$"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    # The token, from Flowable's executions, on the diagram.
    expect(page.locator('#diagram .djs-element.active[data-element-id="ship"]')).to_have_count(1)

    tab(page, "Variables")
    expect(page.locator("#variables-body")).to_contain_text("customer")
    edit(page, "customer", value="Katherine Johnson")
    edit(page, "amount", value="1234")
    edit(page, "dueDate", value="2026-12-24T18:30:00.000")
    edit(page, "address", value='{"street": "1 New Road", "city": "Shelbyville"}')
    values = flowable_client.instance_variables(instance.id)
    assert values["customer"].value == "Katherine Johnson"
    assert (values["amount"].type, values["amount"].value) == (VariableType.INTEGER, 1234)
    assert values["dueDate"].value.isoformat().startswith("2026-12-24T18:30")
    assert values["address"].type == VariableType.JSON and "Shelbyville" in values["address"].value

    tab(page, "History")
    expect(page.locator("#tab-panel")).to_contain_text("Flowable 7.2 keeps no log of user operations")
    expect(page.locator("#tab-panel")).to_contain_text("Check stock")


def _execution_at(engine, instance_id: str, activity_id: str) -> str:
    with engine.http() as http:
        # GET /runtime/executions
        found = http.get("/runtime/executions", params={"processInstanceId": instance_id}).json()["data"]
    return next(e["id"] for e in found if e.get("activityId") == activity_id)


def test_support_staff_edit_flowable_variables_of_every_type_in_their_own_scope_and_are_guarded(
    page, live_server, log_in, make_user, on_demo, on_flowable, flowable_client
):
    instance = on_flowable.seeded.of_shape("pack", key="order")[-1]
    execution = _execution_at(on_flowable, instance.id, "pack")
    with on_flowable.http() as http:
        # POST /runtime/executions/{executionId}/variables: a Double local to the task's execution
        http.post(
            f"/runtime/executions/{execution}/variables",
            json=[{"name": "parcelWeight", "type": "double", "value": 1.5, "scope": "local"}],
        ).raise_for_status()
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)
    to_flowable(page)
    open_on_flowable(page, instance)
    for action in ("Suspend", "Activate", "Modify…", "Delete…"):
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)

    tab(page, "Variables")
    row = page.locator("tr.variable").filter(has_text="parcelWeight")
    expect(row).to_contain_text(execution)  # its own scope, not the process instance's
    edit(page, "parcelWeight", value="2.75")
    edit(page, "customer", value="Ada Lovelace")
    edit(page, "orderNumber", value="9876543210123")
    edit(page, "express", choose="true")
    edit(page, "dueDate", value="2026-12-24T18:30:00.000")
    edit(page, "address", value='{"street": "2 Old Road", "city": "Capital City"}')

    # A type error: said next to the field, what was typed kept, nothing sent.
    before = flowable_client.instance_variables(instance.id)["amount"]
    page.get_by_role("button", name="Edit amount", exact=True).click()
    form = page.locator("tr.variable.editing form")
    form.locator("[name=value]").fill("twelve")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(form.locator(".field-error")).to_contain_text("must be a whole number, not 'twelve'")
    expect(form.locator("[name=value]")).to_have_value("twelve")
    assert flowable_client.instance_variables(instance.id)["amount"] == before
    form.get_by_role("button", name="Cancel").click()
    expect(page.locator("tr.variable.editing")).to_have_count(0)

    # The lost-update guard: the value changes in the engine while the form is open.
    page.get_by_role("button", name="Edit customer", exact=True).click()
    form = page.locator("tr.variable.editing form").filter(has_text="customer")
    expect(form.locator("[name=value]")).to_have_value("Ada Lovelace")
    form.locator("[name=value]").fill("Grace Hopper")
    with on_flowable.http() as http:
        # PUT /runtime/process-instances/{id}/variables/{name}
        http.put(
            f"/runtime/process-instances/{instance.id}/variables/customer",
            json={"name": "customer", "type": "string", "value": "Changed behind the back"},
        ).raise_for_status()
    form.get_by_role("button", name="Save", exact=True).click()
    refusal = page.get_by_role("alert").filter(has_text="changed in the engine since you opened")
    expect(refusal).to_be_visible()
    expect(page.locator(".current-value")).to_contain_text("Changed behind the back")

    values = flowable_client.instance_variables(instance.id)
    assert values["customer"].value == "Changed behind the back"  # not overwritten
    assert (values["orderNumber"].type, values["orderNumber"].value) == (VariableType.LONG, 9876543210123)
    assert values["express"].value is True
    assert values["dueDate"].value.isoformat().startswith("2026-12-24T18:30")
    assert values["address"].type == VariableType.JSON and "Capital City" in values["address"].value
    assert values["amount"] == before
    with on_flowable.http() as http:
        # GET /runtime/executions/{executionId}/variables/{name}?scope=local
        local = http.get(
            f"/runtime/executions/{execution}/variables/parcelWeight", params={"scope": "local"}
        ).json()
    assert (local["type"], local["value"]) == ("double", 2.75)
    assert "parcelWeight" not in values  # edited in its own scope, not copied to the instance's
    assert page.policy_violations == []


@pytest.mark.celery
def test_a_team_lead_retries_flowable_failures_and_finds_them_on_batches_and_in_the_audit_log(
    page, live_server, log_in, make_user, on_demo, on_flowable, flowable_client, flowable_workers
):
    flowable_workers.start("lead")

    def unavailable():
        # The scoring service's 503s: those seeded instances recover when retried.
        return [
            i
            for i in flowable_client.list_incidents(limit=500)
            if i.activity_id == "score" and "Scoring service answered 503" in (i.incident_message or "")
        ]

    failures = unavailable()
    assert failures
    make_user("Operator", username="lee")
    log_in("lee", PASSWORD)
    to_flowable(page)
    tile = page.locator("#tile-incidents")
    expect(tile.locator(".number")).to_have_text(str(flowable_client.count_incidents()))
    tile.get_by_role("link", name="Credit check").click()
    expect(page).to_have_url(re.compile(r"/e/flowable/incidents/\?process=credit-check&group=on$"))
    # Flowable keeps no notes on failures: the page says so, and offers no note to write.
    expect(page.locator("#results")).to_contain_text("This engine keeps no notes on incidents.")
    expect(page.get_by_role("button", name=re.compile("^Annotate"))).to_have_count(0)
    group = (
        page.get_by_role("row").filter(has_text="Scoring service answered 503").filter(has_text="score").first
    )
    count = int(group.locator("td").first.inner_text())
    assert 0 < count <= len(failures)
    group.get_by_role("button", name=re.compile("^Retry all… the")).click()
    page.get_by_role("button", name=f"Retry incidents: {count} incident" + ("s" if count > 1 else "")).click()
    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=120_000)
    # Item by item, as Flowable runs no batches: each retried job's result is on the page.
    expect(page.locator("#live")).to_contain_text(f"{count} done of {count}")
    results = page.locator("table").filter(has_text="1 failed job retried: 1 recovered")
    expect(results.get_by_role("row").filter(has_text="1 recovered")).to_have_count(count)
    assert len(unavailable()) == len(failures) - count  # moved back and run: recovered in the engine

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Batches").click()
    expect(page.locator("#live")).to_contain_text("Flowable 7.2 runs no batches of its own")
    row = page.get_by_role("row").filter(has_text="Retry incidents").first
    expect(row).to_contain_text("completed")
    expect(row).to_contain_text("lee")

    # An instance's failures: the tab says Flowable keeps no notes on them, and offers none to write.
    declined = on_flowable.seeded.of_shape("charge_declined", key="order")[-1]
    open_on_flowable(page, declined)
    tab(page, "Incidents")
    expect(page.locator("#tab-panel")).to_contain_text("This engine keeps no notes on incidents.")
    expect(page.get_by_role("textbox", name=re.compile("^Annotation of incident"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Retry incident"))).to_have_count(1)
    # Retrying all of them from the tab: the card is declined again, the tab says so and keeps its bar.
    page.get_by_role("button", name="Retry 1 incident", exact=True).click()
    said = page.locator("#tab-panel p.message[role=status]")
    expect(said).to_contain_text("1 job retried: 0 recovered, 1 failed again: Card declined")
    details = page.get_by_role("navigation", name="Instance details")
    expect(details.get_by_role("link", name="Variables")).to_be_visible()
    assert flowable_client.count_incidents(process_instance_id=declined.id) == 1

    # One instance suspended by hand: its history says Flowable keeps no log of user operations.
    instance = on_flowable.seeded.of_shape("review", key="loan")[-1]
    open_on_flowable(page, instance)
    page.get_by_role("button", name="Suspend", exact=True).click()
    expect(page.locator("#instance-state")).to_have_text("suspended")
    tab(page, "History")
    expect(page.locator("#tab-panel")).to_contain_text("Flowable 7.2 keeps no log of user operations")
    page.get_by_role("button", name="Activate", exact=True).click()
    expect(page.locator("#instance-state")).to_have_text("active")
    assert flowable_client.get_instance(instance.id).suspended is False

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    entries = page.get_by_role("row")
    expect(entries.filter(has_text="started the operation “incident retry”").first).to_contain_text("lee")
    expect(entries.filter(has_text=f"lee suspended instance {instance.id}")).to_contain_text("flowable")
    expect(entries.filter(has_text=f"lee activated instance {instance.id}")).to_contain_text("Succeeded")
    retried = entries.filter(has_text="lee retried the incidents of incident")
    expect(retried.first).to_contain_text("Failed")  # the card was declined again: said so
    assert page.policy_violations == []


def test_next_pages_on_through_flowables_instances_while_the_total_is_still_being_counted(
    page, live_server, log_in, make_user, on_demo, on_flowable, flowable_client
):
    with on_flowable.http() as http:
        for n in range(55):  # more than a page of them
            # POST /runtime/process-instances
            started = {"processDefinitionKey": "order", "businessKey": f"PAGER-{n}"}
            http.post("/runtime/process-instances", json=started).raise_for_status()
    held = []  # the count's answer is held back, as a slow engine's would be

    def hold(route):
        held.append(route)

    page.route(re.compile(r"/instances/count/"), hold)
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    to_flowable(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    page.get_by_text("Add filter").click()
    page.get_by_label("Business key like").fill("PAGER-%")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"business_key_like=PAGER"))  # the filtered page is in
    expect(page.locator("#count")).to_contain_text("Counting…")
    expect(page.locator(".pager")).to_contain_text("Rows 1–50")
    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pager")).to_contain_text("Rows 51–55")
    page.unroute(re.compile(r"/instances/count/"), hold)
    for route in held:
        with contextlib.suppress(PlaywrightError):  # the first page's count, dropped with its page
            route.continue_()
    expect(page.locator("#count")).to_have_text("55 matching")
    expect(page.get_by_label("Business key like")).to_have_value("PAGER-%")
    assert page.policy_violations == []
