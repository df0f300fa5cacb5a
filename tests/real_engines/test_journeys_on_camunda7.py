"""In headless Chromium against real Camunda 7.24: what an operator, support staff and a team lead do,
by the links and buttons on the pages; the results are checked in the engine."""

import re
import time

import pytest
from playwright.sync_api import expect

from engines.variables import VariableType
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def patient(page):
    """Each page waits on a real engine here, on a loaded machine: allow more than the usual seconds."""
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


def eventually(condition, timeout: float = 60):
    """The engine's job executor works in the background: wait for what it does."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def open_instance(page, live_server, instance):
    """From the dashboard, through the instance list's filter, to the instance's page."""
    page.goto(f"{live_server.url}/e/demo/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    page.get_by_text("Add filter").click()
    page.get_by_label("Business key", exact=True).fill(instance.business_key)
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row", name=re.compile(instance.business_key))
    row.get_by_role("link", name=re.compile(instance.id[:8])).first.click()
    expect(page).to_have_url(re.compile(rf"/instances/{instance.id}/$"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")


def edit(page, name: str, *, value: str | None = None, choose: str | None = None, upload=None):
    page.get_by_role("button", name=f"Edit {name}", exact=True).click()
    form = page.locator("tr.variable.editing form")
    if choose is not None:
        form.locator("select[name=value]").select_option(choose)
    elif upload is not None:
        form.locator("input[name=file]").set_input_files(upload)
    else:
        form.locator("[name=value]").fill(value)
    form.get_by_role("button", name="Save", exact=True).click()
    # The saved row replaces the form (an earlier edit's "Saved." may still be on the page).
    expect(page.locator("tr.variable.editing")).to_have_count(0)
    expect(page.locator("#variables-body")).to_contain_text("Saved.")


def tab(page, name: str):
    # Wait for the tab's answer to be swapped in: a click on the panel before that hits the old one.
    with page.expect_response(re.compile(rf"/{name.lower()}/$")):
        page.get_by_role("navigation", name="Instance details").get_by_role("link", name=name).click()
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)


def test_an_operator_diagnoses_an_incident_edits_every_type_retries_and_modifies(
    page, live_server, log_in, make_user, on_camunda7, camunda7_client
):
    instance = on_camunda7.seeded.of_shape("charge_timed_out")[0]
    [incident] = camunda7_client.list_incidents(process_instance_id=instance.id)
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    open_instance(page, live_server, instance)
    expect(page.locator('#diagram .djs-element.has-incident[data-element-id="charge"]')).to_have_count(1)

    tab(page, "Incidents")
    expect(page.locator("#tab-panel")).to_contain_text("Payment provider timed out")
    page.get_by_role("button", name="Show stack trace").click()
    expect(page.get_by_label("Stack trace")).to_contain_text("Payment provider timed out")

    tab(page, "Variables")
    edit(page, "customer", value="Katherine Johnson")
    edit(page, "amount", value="1234")
    edit(page, "orderNumber", value="9876543210123")
    edit(page, "express", choose="true")
    edit(page, "dueDate", value="2026-12-24T18:30:00.000")
    edit(page, "address", value='{"street": "1 New Road", "city": "Shelbyville"}')
    edit(page, "label", value="<label><to>Katherine Johnson</to></label>")
    edit(
        page,
        "invoice",
        upload={"name": "invoice-fixed.csv", "mimeType": "text/csv", "buffer": b"amount;1234\n"},
    )
    values = camunda7_client.instance_variables(instance.id)
    assert values["customer"].value == "Katherine Johnson"
    assert (values["amount"].type, values["amount"].value) == (VariableType.INTEGER, 1234)
    assert (values["orderNumber"].type, values["orderNumber"].value) == (VariableType.LONG, 9876543210123)
    assert values["express"].value is True
    assert values["dueDate"].value.isoformat() == "2026-12-24T18:30:00+00:00"
    assert '"Shelbyville"' in values["address"].value and values["address"].type == VariableType.JSON
    assert values["label"].value == "<label><to>Katherine Johnson</to></label>"
    invoice = camunda7_client.get_variable_data(instance.id, "invoice")
    assert (invoice.data, invoice.filename, invoice.mimetype) == (
        b"amount;1234\n",
        "invoice-fixed.csv",
        "text/csv",
    )

    tab(page, "Incidents")
    page.get_by_role("button", name=f"Retry incident {incident.id}").click()
    expect(page.get_by_role("status").filter(has_text="the incident is resolved")).to_be_visible()
    # The provider answers this time: the job executor charges the card and the token reaches the join.
    assert eventually(lambda: camunda7_client.activity_instance_tree(instance.id).counts_by_activity()
                      == {"pack": 1, "join": 1})  # fmt: skip
    assert camunda7_client.count_incidents(process_instance_id=instance.id) == 0

    page.get_by_role("button", name="Modify…").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    page.get_by_role("combobox", name="Instruction").select_option("startBeforeActivity")
    page.locator('#diagram .djs-element[data-element-id="check_stock"]').click()
    expect(page.locator('select[name="add-activity_id"]')).to_have_value("check_stock")
    page.get_by_role("button", name="Add the instruction").click()
    expect(page.locator(".plan li")).to_have_count(1)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator('#diagram .djs-element.will-start[data-element-id="check_stock"]')).to_have_count(1)
    page.get_by_label(re.compile("^Annotation")).fill("stock to be checked again after the retry")
    page.get_by_role("button", name="Submit the modification").click()
    expect(page).to_have_url(re.compile(rf"/instances/{instance.id}/$"))
    expect(page.locator("#messages")).to_contain_text("The instance was modified.")
    expect(page.locator("#activity-tree")).to_contain_text("Check stock")
    assert camunda7_client.activity_instance_tree(instance.id).counts_by_activity() == {
        "pack": 1,
        "join": 1,
        "check_stock": 1,
    }
    assert page.policy_violations == []


def test_support_staff_edit_a_loans_variables_and_are_offered_no_instance_actions(
    page, live_server, log_in, make_user, on_camunda7, camunda7_client
):
    instance = on_camunda7.seeded.of_shape("applicant_unknown", key="loan")[0]
    assert camunda7_client.count_incidents(process_instance_id=instance.id) == 1
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)
    open_instance(page, live_server, instance)
    for action in ("Suspend", "Activate", "Modify…", "Delete…"):
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name=action, exact=True)).to_have_count(0)

    tab(page, "Variables")
    edit(page, "priority", value="3")
    edit(page, "rate", value="4.25")
    edit(page, "customerRecord", value='{"name": "Grace Hopper", "vip": true}')
    edit(page, "signature", upload={"name": "sig.bin", "mimeType": "application/octet-stream",
                                    "buffer": b"\x00\x01signed"})  # fmt: skip
    values = camunda7_client.instance_variables(instance.id)
    assert (values["priority"].type, values["priority"].value) == (VariableType.SHORT, 3)
    assert (values["rate"].type, values["rate"].value) == (VariableType.DOUBLE, 4.25)
    record = values["customerRecord"]
    assert record.type == VariableType.OBJECT and '"vip": true' in record.value
    assert (record.object_type_name, record.serialization_format) == (
        "com.example.Customer",
        "application/json",
    )
    assert camunda7_client.get_variable_data(instance.id, "signature").data == b"\x00\x01signed"

    tab(page, "Incidents")
    # Camunda gives the call activity's incident no message of its own: it points to its cause.
    expect(page.locator("#tab-panel")).to_contain_text("(in a called instance)")
    expect(page.get_by_role("button", name=re.compile("^Retry"))).to_have_count(0)
    assert camunda7_client.count_incidents(process_instance_id=instance.id) == 1
    assert page.policy_violations == []


@pytest.mark.celery
def test_a_team_lead_retries_a_group_of_incidents_and_finds_it_on_batches_and_in_the_audit_log(
    page, live_server, log_in, make_user, on_camunda7, camunda7_client, camunda_workers
):
    camunda_workers.start("lead")
    # The scoring service's 503s: no other test takes those seeded instances.
    unavailable = dict(incident_message_like="Scoring service answered 503%", activity_id="score")
    before = camunda7_client.count_incidents(**unavailable)
    assert before
    make_user("Operator", username="lee")
    log_in("lee", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    tile = page.locator("#tile-incidents")
    expect(tile.locator(".number")).to_have_text(str(camunda7_client.count_incidents()))
    tile.get_by_role("link", name="Credit check").click()
    expect(page).to_have_url(re.compile(r"/incidents/\?process=credit-check&group=on$"))
    group = (
        page.get_by_role("row").filter(has_text="Scoring service answered 503").filter(has_text="score").first
    )
    count = int(group.locator("td").first.inner_text())
    assert 0 < count <= before
    group.get_by_role("button", name=re.compile("^Retry all… the")).click()
    page.get_by_role("button", name=f"Retry incidents: {count} incident" + ("s" if count > 1 else "")).click()
    expect(page.locator("#operation-status")).to_contain_text("completed", timeout=120_000)
    # The engine's batch set the retries: those incidents are resolved, the job executor scores again.
    assert camunda7_client.count_incidents(**unavailable) == before - count

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Batches").click()
    row = page.get_by_role("row").filter(has_text="Retry incidents").first
    expect(row).to_contain_text("completed")
    expect(row).to_contain_text("lee")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    entry = page.get_by_role("row").filter(has_text="started the operation “incident retry”").first
    expect(entry).to_contain_text("lee")
    assert page.policy_violations == []
