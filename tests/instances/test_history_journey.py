"""In headless Chromium: an operator restarts cancelled instances from the list's Finished mode, and
paging there keeps the filter."""

import pytest
from playwright.sync_api import expect

from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 1500  # enough finished orders for a second page of them


def order_v2(engine):
    return next(d for d in engine.list_definitions(key="order") if d.version == 2)


def open_finished_filtered(page, live_server, **fields):
    page.goto(f"{live_server.url}/e/demo/instances/")
    page.get_by_role("navigation", name="Running or finished").get_by_role("link", name="Finished").click()
    page.get_by_text("Add filter").click()
    for label, value in fields.items():
        if label == "State":
            page.get_by_label("State").select_option(label=value)
        elif label == "Process (key)":  # picked from the engine's processes
            page.get_by_label(label).select_option(value)
        else:
            page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Search").click()


def test_an_operator_restarts_three_cancelled_instances_before_an_activity(
    page, live_server, log_in, make_user, engine
):
    definition = order_v2(engine)
    # Cancelled instances of one version to restart: a few running ones are cancelled first.
    for instance in engine.list_instances(
        ProcessInstanceQuery(process_definition_id=definition.id, root_process_instances=True), limit=4
    ):
        engine.delete_instance(instance.id)
    cancelled = HistoricProcessInstanceQuery(
        process_definition_id=definition.id, finished=True, externally_terminated=True
    )
    count = engine.count_historic_instances(cancelled)
    waiting = ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("check_stock",))
    before = {i.id for i in engine.list_instances(waiting, limit=1000)}
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)

    open_finished_filtered(
        page,
        live_server,
        **{"Process (key)": "order", "Version": "2", "State": "Cancelled (externally terminated)"},
    )
    expect(page.locator("#count")).to_have_text(f"{count:,} matching")
    states = page.locator("table.engine-table tbody tr td:nth-child(5)").all_inner_texts()
    assert len(states) == count and set(states) == {"cancelled"}
    boxes = page.locator("table.engine-table tbody input[name=ids]")
    chosen = [boxes.nth(n).get_attribute("value") for n in range(3)]
    for n in range(3):
        boxes.nth(n).check()
    page.get_by_label("Action").select_option("restart")
    page.get_by_label("Which instances").select_option("selected")
    page.get_by_role("button", name="Continue…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Restart finished instances: 3 instances")
    expect(page.locator(".acts-on")).to_have_text("Acts on the 3 selected instances.")
    for instance_id in chosen:
        expect(page.locator("table.preview")).to_contain_text(instance_id)
    assert {i.id for i in engine.list_instances(waiting, limit=1000)} == before  # nothing yet
    page.get_by_label("Start the new instances").select_option(label="Before Check stock")
    page.get_by_role("button", name="Restart finished instances: 3 instances").click()

    expect(page.locator("#messages")).to_contain_text("Restarted 3 instances as new instances of")
    new = [i for i in engine.list_instances(waiting, limit=1000) if i.id not in before]
    keys = {
        h.business_key
        for h in engine.list_historic_instances(
            HistoricProcessInstanceQuery(process_instance_ids=tuple(chosen))
        )
    }
    assert len(new) == 3 and {i.business_key for i in new} == keys
    for instance in new:
        [token] = engine.activity_instance_tree(instance.id).child_activity_instances
        assert token.activity_id == "check_stock"
    assert page.policy_violations == []


def test_paging_in_the_finished_mode_keeps_the_filter(page, live_server, log_in, make_user, engine):
    finished = HistoricProcessInstanceQuery(process_definition_key="order", finished=True)
    count = engine.count_historic_instances(finished)
    assert 50 < count < engine.count_historic_instances(HistoricProcessInstanceQuery(finished=True))
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)

    open_finished_filtered(page, live_server, **{"Process (key)": "order"})
    expect(page.locator("#count")).to_have_text(f"{count:,} matching")
    page.get_by_role("link", name="Next →").click()

    expect(page.locator(".pager")).to_contain_text(f"Rows 51–{min(count, 100)}")
    expect(page.locator("#count")).to_have_text(f"{count:,} matching")
    expect(page.get_by_label("Process (key)")).to_have_value("order")
    processes = set(page.locator("table.engine-table tbody tr td:nth-child(2)").all_inner_texts())
    assert processes and all(p.startswith("Order to delivery") for p in processes)
    states = set(page.locator("table.engine-table tbody tr td:nth-child(4)").all_inner_texts())
    assert states <= {"completed", "cancelled", "terminated"}
    assert page.policy_violations == []
